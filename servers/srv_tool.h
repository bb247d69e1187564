/* srv_tool: runs a short-lived system tool (useradd, chpasswd, userdel,
 * openssl) to completion before a deadline, feeding it a small input and
 * keeping the start of what it prints for error messages. */
#ifndef SRV_TOOL_H
#define SRV_TOOL_H

#include <stddef.h>
#include <stdint.h>

enum {
  SRV_TOOL_INPUT_MAX = 4096, /* bytes fed on stdin (fits a pipe buffer) */
  SRV_TOOL_OUT_MAX = 1024,   /* bytes of stdout+stderr kept */
};

/* Runs argv (argv[0] searched in PATH) with `input` (NULL = nothing) on
 * stdin and waits at most timeout_ms. Returns 0 when it exited 0; else -1
 * with "argv[0]: exited 9: <its output>" in err (on timeout it is killed
 * and reaped). */
int srv_tool_run(char *const argv[], const char *input, int timeout_ms,
                 char *err, size_t errlen);

/* Like srv_tool_run, but returns the exit code (0-255) to the caller, or
 * -1 with a message when it could not run, timed out or was killed. */
int srv_tool_exit_code(char *const argv[], const char *input, int timeout_ms,
                       char *out, size_t outlen, char *err, size_t errlen);

#endif
