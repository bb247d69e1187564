/* srv_expect: server assertions (see srv_expect.h). */
#include "srv_expect.h"
#include "qc_payload.h"
#include "srv_ftp.h"
#include "srv_homefile.h"
#include "srv_log.h"
#include "srv_path.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
  EXPECT_CHUNK = 16 * 1024, /* bytes compared at a time */
  EXPECT_MSG_MAX = 1024,    /* bytes of one assertion's message */
  EXPECT_QUOTE_MAX = 80,    /* bytes of a text or substring quoted */
};

/* What a file holds compared with what it should: its size and the first
 * offset where they differ within the shorter (-1: none). */
typedef struct cmp_result {
  uint64_t seen_size;
  int64_t diff_at;
  unsigned char seen_byte, want_byte;
} cmp_result;

/* The expected bytes [off, off+n): a payload or a text. */
static void want_bytes(const srv_want_file *f, uint64_t off,
                       unsigned char *buf, size_t n)
{
  if (f->has_payload)
    qc_payload_fill(f->seed, off, buf, n);
  else
    memcpy(buf, f->text + off, n);
}

static int compare_fd(int fd, const srv_want_file *f, uint64_t want_size,
                      cmp_result *r, char *err, size_t errlen)
{
  unsigned char got[EXPECT_CHUNK], want[EXPECT_CHUNK];
  r->seen_size = 0;
  r->diff_at = -1;
  for (;;) {
    ssize_t n = read(fd, got, sizeof got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      snprintf(err, errlen, "read: %s", strerror(errno));
      return -1;
    }
    if (n == 0)
      return 0;
    uint64_t off = r->seen_size;
    r->seen_size += (uint64_t)n;
    if (r->diff_at >= 0 || off >= want_size)
      continue; /* keep counting the size */
    size_t k = (size_t)n;
    if (off + k > want_size)
      k = (size_t)(want_size - off);
    want_bytes(f, off, want, k);
    for (size_t i = 0; i < k; i++)
      if (got[i] != want[i]) {
        r->diff_at = (int64_t)(off + i);
        r->seen_byte = got[i];
        r->want_byte = want[i];
        break;
      }
  }
}

/* "payload (1000 bytes, seed 7)" or "text "abc" (3 bytes)". */
static void describe_want(const srv_want_file *f, uint64_t size, char *buf,
                          size_t len)
{
  if (f->has_payload)
    snprintf(buf, len, "payload (%" PRIu64 " bytes, seed %" PRIu32 ")", size,
             f->seed);
  else
    snprintf(buf, len, "text \"%.*s%s\" (%" PRIu64 " bytes)", EXPECT_QUOTE_MAX,
             f->text, strlen(f->text) > EXPECT_QUOTE_MAX ? "..." : "", size);
}

static const char *type_name(mode_t m)
{
  return S_ISREG(m)   ? "a regular file"
         : S_ISDIR(m) ? "a directory"
         : S_ISLNK(m) ? "a symbolic link"
                      : "a special file";
}

/* One file assertion: 0 holds, -1 with the reason after the file's name
 * in why ("expected ..., seen ..."). */
static int check_file(const char *home, const srv_want_file *f, char *why,
                      size_t len)
{
  char err[512];
  int missing;
  if (srv_path_check(f->path, err, sizeof err) < 0) {
    snprintf(why, len, "%s", err);
    return -1;
  }
  if (f->absent) {
    struct stat st;
    if (srv_homefile_stat(home, f->path, &st, &missing, err, sizeof err) == 0) {
      snprintf(why, len, "expected absent, seen %s of %" PRIu64 " bytes",
               type_name(st.st_mode), (uint64_t)st.st_size);
      return -1;
    }
    if (missing)
      return 0;
    snprintf(why, len, "expected absent, cannot tell: %s", err);
    return -1;
  }
  bool compare = f->has_payload || f->text;
  uint64_t size = f->has_payload ? f->size : f->text ? strlen(f->text) : 0;
  char want[160];
  if (compare)
    describe_want(f, size, want, sizeof want);
  else
    snprintf(want, sizeof want, "a regular file");
  int fd = srv_homefile_open(home, f->path, &missing, err, sizeof err);
  if (fd < 0) {
    snprintf(why, len, "expected %s, seen %s", want,
             missing ? "no such file" : err);
    return -1;
  }
  if (!compare) {
    close(fd);
    return 0;
  }
  cmp_result r;
  int rc = compare_fd(fd, f, size, &r, err, sizeof err);
  close(fd);
  if (rc < 0) {
    snprintf(why, len, "expected %s, cannot read it: %s", want, err);
    return -1;
  }
  if (r.diff_at < 0 && r.seen_size == size)
    return 0;
  char diff[96] = "";
  if (r.diff_at >= 0)
    snprintf(diff, sizeof diff,
             " differing from offset %" PRId64 " (0x%02x, expected 0x%02x)",
             r.diff_at, r.seen_byte, r.want_byte);
  else if (r.seen_size > size)
    snprintf(diff, sizeof diff, ", the expected bytes then %" PRIu64 " more",
             r.seen_size - size);
  else
    snprintf(diff, sizeof diff, ", a correct prefix");
  snprintf(why, len, "expected %s, seen %" PRIu64 " bytes%s", want, r.seen_size,
           diff);
  return -1;
}

/* Records a failure: the first one's message is kept, later ones counted. */
static void note_failure(int *failed, char *msg, size_t len, const char *text)
{
  if ((*failed)++ == 0)
    snprintf(msg, len, "%s", text);
}

int srv_expect_check(const char *home, const char *log_path, uint64_t offset,
                     const srv_expect *e, char *msg, size_t len)
{
  if (len)
    msg[0] = '\0';
  if (!e)
    return 0;
  int failed = 0;
  char one[EXPECT_MSG_MAX], why[EXPECT_MSG_MAX - 128];
  for (size_t i = 0; i < e->nfiles; i++) {
    const srv_want_file *f = &e->files[i];
    if (check_file(home, f, why, sizeof why) == 0)
      continue;
    char where[300] = "";
    if (f->where.file)
      snprintf(where, sizeof where, "%s:%d:%d: ", f->where.file, f->where.line,
               f->where.col);
    snprintf(one, sizeof one, "%sserver_expect file \"%.200s\": %s", where,
             f->path ? f->path : "", why);
    note_failure(&failed, msg, len, one);
  }
  if (e->nlog > 0) {
    char *text, err[512];
    size_t n;
    int cut;
    if (srv_log_read_since(log_path, offset, &text, &n, &cut, err, sizeof err) <
        0) {
      snprintf(one, sizeof one, "server_expect log_contains: %s", err);
      note_failure(&failed, msg, len, one);
    } else {
      for (size_t i = 0; i < e->nlog; i++) {
        const char *want = e->log_contains[i];
        if (want && memmem(text, n, want, strlen(want)))
          continue;
        snprintf(one, sizeof one,
                 "server_expect log_contains \"%.*s%s\": not in the case's "
                 "server log (%zu bytes%s)",
                 EXPECT_QUOTE_MAX, want ? want : "",
                 want && strlen(want) > EXPECT_QUOTE_MAX ? "..." : "", n,
                 cut ? ", its end only" : "");
        note_failure(&failed, msg, len, one);
      }
      free(text);
    }
  }
  if (failed > 1) {
    size_t k = strlen(msg);
    if (k < len)
      snprintf(msg + k, len - k, " (+%d more failed)", failed - 1);
  }
  return failed ? -1 : 0;
}

int srv_ftp_check_expect(const srv_ftp *s, uint64_t log_offset,
                         const srv_expect *e, char *msg, size_t len)
{
  if (!s) {
    snprintf(msg, len, "server_expect: no server");
    return -1;
  }
  return srv_expect_check(srv_ftp_home(s), srv_ftp_log_path(s), log_offset, e,
                          msg, len);
}
