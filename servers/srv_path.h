/* srv_path: checks the relative paths a case puts in the FTP home.
 *
 * A path is relative to the home: not empty, at most SRV_PATH_MAX bytes,
 * no leading '/', no empty, "." or ".." component (so it can never leave
 * the home), no control byte (CR/LF would corrupt an FTP command line). */
#ifndef SRV_PATH_H
#define SRV_PATH_H

#include <stddef.h>

enum { SRV_PATH_MAX = 1024 };

/* 0 when `path` is acceptable, else -1 with "file path \"..\": why". */
int srv_path_check(const char *path, char *err, size_t errlen);

#endif
