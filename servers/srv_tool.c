#include "srv_tool.h"
#include "qc_io.h"
#include "qc_proc.h"
#include "qc_time.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Makes stdin a pipe already holding `input` and closed for writing. */
static int input_pipe(const char *input, char *err, size_t errlen)
{
  size_t n = input ? strlen(input) : 0;
  if (n > SRV_TOOL_INPUT_MAX) {
    snprintf(err, errlen, "tool input larger than %d bytes",
             SRV_TOOL_INPUT_MAX);
    return -1;
  }
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    return -1;
  }
  qc_set_nonblock(p[1], 1);
  if (n && qc_write_all(p[1], input, n, qc_deadline_in(0)) != 0) {
    snprintf(err, errlen, "pipe write: %s", strerror(errno));
    close(p[0]);
    close(p[1]);
    return -1;
  }
  close(p[1]);
  return p[0];
}

/* Trims trailing white space so messages end cleanly. */
static void trim(char *s)
{
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
    s[--n] = '\0';
}

int srv_tool_exit_code(char *const argv[], const char *input, int timeout_ms,
                       char *out, size_t outlen, char *err, size_t errlen)
{
  int64_t deadline = qc_deadline_in(timeout_ms);
  if (outlen)
    out[0] = '\0';
  int in = input_pipe(input, err, errlen);
  if (in < 0)
    return -1;
  int op[2];
  if (pipe2(op, O_CLOEXEC) < 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    close(in);
    return -1;
  }
  pid_t pid = qc_spawn(argv, in, op[1], op[1], err, errlen);
  close(in);
  close(op[1]);
  if (pid < 0) {
    close(op[0]);
    return -1;
  }
  size_t len = 0;
  for (;;) { /* until EOF: the tool (and anything it forked) is done */
    char buf[512];
    ssize_t r = qc_read_some(op[0], buf, sizeof buf, deadline);
    if (r <= 0)
      break;
    size_t keep = outlen > len + 1 ? outlen - len - 1 : 0;
    if ((size_t)r < keep)
      keep = (size_t)r;
    memcpy(out + len, buf, keep);
    len += keep;
    if (outlen)
      out[len] = '\0';
  }
  close(op[0]);
  trim(out);
  int status = 0;
  while (qc_alive(pid, &status)) {
    if (qc_remaining_ms(deadline) <= 0) {
      qc_stop(pid, SIGKILL, 0);
      snprintf(err, errlen, "%s: no exit within %d ms (killed)", argv[0],
               timeout_ms);
      return -1;
    }
    qc_sleep_until(qc_deadline_in(5));
  }
  if (status < 0 || !WIFEXITED(status)) {
    char st[64];
    qc_status_str(status, st, sizeof st);
    snprintf(err, errlen, "%s: %s: %s", argv[0], st, out);
    return -1;
  }
  return WEXITSTATUS(status);
}

int srv_tool_run(char *const argv[], const char *input, int timeout_ms,
                 char *err, size_t errlen)
{
  char out[SRV_TOOL_OUT_MAX];
  int code =
      srv_tool_exit_code(argv, input, timeout_ms, out, sizeof out, err, errlen);
  if (code == 0)
    return 0;
  if (code > 0)
    snprintf(err, errlen, "%s: exited %d: %s", argv[0], code, out);
  return -1;
}
