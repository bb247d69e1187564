/* merge: see merge.h. */
#include "merge.h"

#include "fsutil.h"
#include "qr_doc.h"
#include "qr_merge.h"
#include "qr_report.h"
#include "report_dir.h"
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MERGE_MAX_DIRS = 1000 };

static const char merge_usage[] =
    "usage: qftp-harness merge DIR... -o OUT   (or --report-dir OUT)\n"
    "Joins the report directories of runs over disjoint cases (the shards\n"
    "of `run --shard K/N`) into OUT: one results.json with every case in id\n"
    "order, junit.xml, report.html, results.tap rendered from it, and each\n"
    "case's folder (cases/<id>/) copied so the report's links work. A case\n"
    "id in two DIRs, or DIRs of different profiles or time scales, are\n"
    "refused; different targets or modules are warnings. The merged run is\n"
    "interrupted when a part was; planned is the sum of the parts'.\n"
    "Exit status as run's: 0 every case passed (or was skipped or waived),\n"
    "1 a case failed, 2 an error or an interrupted part, or bad input.\n";

/* cp -r src dst for regular files and directories (evidence has no
 * links, devices or fifos: anything else is skipped). */
static int copy_file(const char *src, const char *dst, mode_t mode)
{
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return -1;
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 0777);
  if (out < 0) {
    close(in);
    return -1;
  }
  char buf[65536];
  ssize_t n;
  int rc = 0;
  while ((n = read(in, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rc = -1;
      break;
    }
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0) {
        rc = -1;
        break;
      }
      off += w;
    }
    if (rc < 0)
      break;
  }
  close(in);
  if (close(out) < 0)
    rc = -1;
  return rc;
}

static int copy_tree(const char *src, const char *dst)
{
  if (qh_mkdirs(dst, 0755) < 0)
    return -1;
  DIR *d = opendir(src);
  if (!d)
    return -1;
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    char s[PATH_MAX], t[PATH_MAX];
    if (snprintf(s, sizeof s, "%s/%s", src, e->d_name) >= (int)sizeof s ||
        snprintf(t, sizeof t, "%s/%s", dst, e->d_name) >= (int)sizeof t) {
      errno = ENAMETOOLONG;
      rc = -1;
      break;
    }
    struct stat st;
    if (lstat(s, &st) < 0)
      rc = -1;
    else if (S_ISDIR(st.st_mode))
      rc = copy_tree(s, t);
    else if (S_ISREG(st.st_mode))
      rc = copy_file(s, t, st.st_mode);
  }
  closedir(d);
  return rc;
}

/* A case's folder, relative to its report directory: no way out of it. */
static bool safe_rel(const char *rel)
{
  return *rel && rel[0] != '/' && !strstr(rel, "..");
}

/* Brings each case's folder from its part into out, part by part. */
static int bring_cases(const qr_merge *m, const char *const *dirs,
                       const char *out, bool move, char *err, size_t errlen)
{
  size_t ran = qr_merge_state(m).ran;
  for (size_t i = 0; i < ran; i++) {
    qr_merge_case c = qr_merge_case_at(m, i);
    const char *rel = c.dir, *dir = dirs[c.part];
    if (!*rel)
      continue; /* a case without a folder (hand-written results) */
    if (!safe_rel(rel)) {
      snprintf(err, errlen, "%s/results.json: case folder '%s' is not inside "
                            "the report directory",
               dir, rel);
      return -1;
    }
    char src[PATH_MAX], dst[PATH_MAX];
    snprintf(src, sizeof src, "%s/%s", dir, rel);
    snprintf(dst, sizeof dst, "%s/%s", out, rel);
    struct stat st;
    if (stat(src, &st) < 0 || !S_ISDIR(st.st_mode))
      continue; /* results without evidence: the reports say so */
    qh_remove_tree(dst);
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", dst);
    char *slash = strrchr(parent, '/');
    if (slash) {
      *slash = '\0';
      qh_mkdirs(parent, 0755);
    }
    if (move && rename(src, dst) == 0)
      continue;
    if (copy_tree(src, dst) < 0) {
      snprintf(err, errlen, "cannot copy %s to %s: %s", src, dst,
               strerror(errno));
      return -1;
    }
    if (move)
      qh_remove_tree(src);
  }
  return 0;
}

int qh_merge_dirs(const char *const *dirs, size_t n, const char *out,
                  bool move, FILE *warn, qr_merge **merged, char *err,
                  size_t errlen)
{
  *merged = NULL;
  char **paths = calloc(n ? n : 1, sizeof *paths);
  if (!paths) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    paths[i] = malloc(PATH_MAX);
    if (!paths[i]) {
      snprintf(err, errlen, "out of memory");
      rc = -1;
    } else {
      snprintf(paths[i], PATH_MAX, "%s/results.json", dirs[i]);
    }
  }
  qr_merge *m = NULL;
  if (rc == 0)
    m = qr_merge_files((const char *const *)paths, dirs, n, warn, err,
                       errlen);
  if (!m || (out && bring_cases(m, dirs, out, move, err, errlen) < 0)) {
    qr_merge_free(m);
    rc = -1;
  } else {
    *merged = m;
  }
  for (size_t i = 0; i < n; i++)
    free(paths[i]);
  free(paths);
  return rc;
}

int qh_merge_write(const qr_merge *m, const char *out, char *err,
                   size_t errlen)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/results.json", out);
  if (qr_merge_write(m, path, err, errlen) < 0)
    return -1;
  return qr_render_reports(out, err, errlen);
}

static int merge_bad(const char *what)
{
  fprintf(stderr, "qftp-harness: merge: %s\nTry 'qftp-harness merge "
                  "--help'.\n",
          what);
  return QH_EXIT_ENV;
}

/* Whether a and b are the same directory (out must be none of the parts:
 * its cases/ is emptied first). */
static bool same_dir(const char *a, const char *b)
{
  struct stat x, y;
  return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
         x.st_ino == y.st_ino;
}

int qh_merge_main(int argc, char **argv)
{
  const char *out = NULL;
  const char *dirs[MERGE_MAX_DIRS];
  size_t n = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(merge_usage, stdout);
      return QH_EXIT_PASS;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--report-dir") == 0) {
      if (i + 1 == argc)
        return merge_bad("-o/--report-dir needs a directory (OUT)");
      out = argv[++i];
    } else if (strncmp(a, "--report-dir=", 13) == 0) {
      out = a + 13;
    } else if (a[0] == '-') {
      fprintf(stderr, "qftp-harness: merge: unknown option '%s'\n", a);
      return merge_bad("options: -o OUT (--report-dir OUT)");
    } else if (n == MERGE_MAX_DIRS) {
      return merge_bad("too many directories");
    } else {
      dirs[n++] = a;
    }
  }
  if (!out)
    return merge_bad("name the merged report directory: -o OUT");
  if (n == 0)
    return merge_bad("name the report directories to merge (DIR...)");
  for (size_t i = 0; i < n; i++) {
    if (same_dir(dirs[i], out)) {
      fprintf(stderr, "qftp-harness: merge: OUT %s is also a part (%s)\n",
              out, dirs[i]);
      return QH_EXIT_ENV;
    }
    for (size_t j = 0; j < i; j++)
      if (same_dir(dirs[i], dirs[j])) {
        fprintf(stderr, "qftp-harness: merge: %s and %s are the same "
                        "directory\n",
                dirs[j], dirs[i]);
        return QH_EXIT_ENV;
      }
  }
  const char *env_home = getenv("QFTP_HOME");
  const char *home = env_home && *env_home ? env_home : QFTP_SOURCE_DIR;
  char err[1024];
  qr_merge *m = NULL;
  /* The parts are read before OUT is touched: a refused merge leaves OUT
   * as it was. */
  if (qh_merge_dirs(dirs, n, NULL, false, NULL, &m, err, sizeof err) < 0) {
    fprintf(stderr, "qftp-harness: merge: %s\n", err);
    return QH_EXIT_ENV;
  }
  qr_merge_free(m);
  m = NULL;
  if (qh_report_dir_prepare(out, home, err, sizeof err) < 0 ||
      qh_merge_dirs(dirs, n, out, false, stderr, &m, err, sizeof err) < 0 ||
      qh_merge_write(m, out, err, sizeof err) < 0) {
    fprintf(stderr, "qftp-harness: merge: %s\n", err);
    qr_merge_free(m);
    return QH_EXIT_ENV;
  }
  const json_t *s = json_object_get(qr_merge_head(m), "summary");
  qr_doc_run st = qr_merge_state(m);
  json_int_t pass = json_integer_value(json_object_get(s, "pass"));
  json_int_t fail = json_integer_value(json_object_get(s, "fail"));
  json_int_t errs = json_integer_value(json_object_get(s, "error"));
  json_int_t skip = json_integer_value(json_object_get(s, "skip"));
  json_int_t waived = json_integer_value(json_object_get(s, "waived"));
  printf("merged %zu director%s: %zu cases of %zu planned: %lld passed, %lld "
         "failed, %lld errors, %lld skipped, %lld waived%s\n",
         n, n == 1 ? "y" : "ies", st.ran, st.planned, (long long)pass,
         (long long)fail, (long long)errs, (long long)skip,
         (long long)waived, st.interrupted ? " (interrupted)" : "");
  printf("reports: %s/results.json\n         %s/junit.xml\n"
         "         %s/report.html\n         %s/results.tap\n",
         out, out, out, out);
  qr_merge_free(m);
  if (st.interrupted || errs)
    return QH_EXIT_ENV;
  return fail ? QH_EXIT_FAIL : QH_EXIT_PASS;
}
