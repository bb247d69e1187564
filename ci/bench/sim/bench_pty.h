/* bench_pty: raw pty throughput, the ceiling for any data-mode download.
 *
 * A forked writer pushes `n` bytes of `data` into a pty master (the side
 * qftp-sim writes) while this process reads the slave in raw mode into a
 * SHA-256 digest, as the benchmark's host does with the simulator. */
#ifndef BENCH_PTY_H
#define BENCH_PTY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* 0 when all n bytes arrived before deadline, with the time from the
 * writer's start to the last byte in *ms and the bytes read in *got;
 * -1 with a message in err. The writer is always killed and reaped. */
int bench_pty_run(const unsigned char *data, uint64_t n, EVP_MD_CTX *md,
                  int64_t deadline, int64_t *ms, uint64_t *got, char *err,
                  size_t errlen);

#endif
