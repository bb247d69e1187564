/* coverage_main: `qftp-harness coverage [--json] [RESULTS]`. */
#include "coverage.h"

#include "case_set.h"
#include "qc_profile.h"
#include "qr_doc.h"
#include "runner.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_CASE_PATHS = 64 };

static const char usage[] =
    "usage: qftp-harness coverage [--json] [RESULTS] [options]\n"
    "\n"
    "Prints which items of the application note the passing cases of a run\n"
    "exercise: command x form, AT+QFTPCFG parameter x value class (min,\n"
    "max, below, above, wrong_type, missing, too_long, read_back), err x\n"
    "case, FTP reply x command family, a command after each err, note\n"
    "section x case. Items are derived from what the cases send and expect\n"
    "(variables resolved with the run's profile); only cases whose verdict\n"
    "in RESULTS is pass count.\n"
    "\n"
    "RESULTS is a results.json or the report directory holding it (default\n"
    "./qftp-reports/results.json).\n"
    "  --json            the matrix as JSON (schema: README.md)\n"
    "  --cases PATH      case file or directory (repeatable; default the\n"
    "                    cases/ directory of the project)\n"
    "  --reasons FILE    stated reasons for items no case can cover\n"
    "                    (default cases/_coverage.yaml of the project)\n"
    "  --profile NAME    module profile for ${profile.*} (default the one\n"
    "                    RESULTS was run with)\n"
    "  --home DIR        project directory (default $QFTP_HOME, else the\n"
    "                    source tree)\n"
    "\n"
    "Exit status: 0 every required item is covered or has a stated reason,\n"
    "1 some required item is not (each is named), 2 bad input (no results\n"
    "file, a case file or the reasons file in error).\n";

static int bad(const char *fmt, const char *arg)
{
  fprintf(stderr, "qftp-harness: coverage: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'qftp-harness coverage --help'.\n");
  return QH_EXIT_ENV;
}

typedef struct cov_opts {
  bool json;
  const char *results;
  const char *cases[MAX_CASE_PATHS];
  size_t ncases;
  const char *reasons;
  const char *profile;
  const char *home;
} cov_opts;

/* 0 parsed, 1 --help printed, -1 usage error (printed). */
static int parse(int argc, char **argv, cov_opts *o)
{
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char **val = NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage, stdout);
      return 1;
    } else if (strcmp(a, "--json") == 0) {
      o->json = true;
      continue;
    } else if (strcmp(a, "--cases") == 0) {
      if (o->ncases == MAX_CASE_PATHS) {
        bad("%s", "too many --cases");
        return -1;
      }
      val = &o->cases[o->ncases++];
    } else if (strcmp(a, "--reasons") == 0) {
      val = &o->reasons;
    } else if (strcmp(a, "--profile") == 0) {
      val = &o->profile;
    } else if (strcmp(a, "--home") == 0) {
      val = &o->home;
    } else if (a[0] == '-') {
      bad("unknown option '%s'", a);
      return -1;
    } else if (o->results) {
      bad("%s", "one results file at a time");
      return -1;
    } else {
      o->results = a;
      continue;
    }
    if (i + 1 == argc || !argv[i + 1][0]) {
      bad("%s needs a value", a);
      return -1;
    }
    *val = argv[++i];
  }
  return 0;
}

/* The ids of the cases RESULTS says passed; NULL after a message.
 * *doc_out: the run's keys (not its cases). Read one case at a time. */
static json_t *passing_ids(const char *path, json_t **doc_out)
{
  char err[1024];
  qr_doc_stream *s = qr_doc_open(path, err, sizeof err);
  if (!s) {
    fprintf(stderr, "qftp-harness: coverage: %s\n", err);
    if (strstr(err, "No such file"))
      fprintf(stderr, "qftp-harness: coverage: no results file: run the "
                      "suite first (qftp-harness run) or name one\n");
    return NULL;
  }
  json_t *ids = json_object();
  size_t len;
  const json_t *c;
  while ((c = qr_doc_next(s)))
    if (strcmp(qr_doc_str(c, "verdict", &len), "pass") == 0)
      json_object_set_new(ids, qr_doc_str(c, "id", &len), json_false());
  qr_doc_run run = qr_doc_stream_state(s);
  if (run.interrupted)
    fprintf(stderr, "qftp-harness: coverage: warning: %s is of an "
                    "interrupted run (%zu of %zu cases)\n",
            path, run.ran, run.planned);
  *doc_out = json_incref((json_t *)qr_doc_head(s));
  qr_doc_close(s);
  return ids;
}

int qh_coverage_main(int argc, char **argv)
{
  cov_opts o = {0};
  int prc = parse(argc, argv, &o);
  if (prc)
    return prc > 0 ? QH_EXIT_PASS : QH_EXIT_ENV;
  if (!o.home) {
    const char *env = getenv("QFTP_HOME");
    o.home = env && *env ? env : QFTP_SOURCE_DIR;
  }
  char results[PATH_MAX];
  const char *r = o.results ? o.results : "qftp-reports";
  struct stat st;
  if (stat(r, &st) == 0 && S_ISDIR(st.st_mode))
    snprintf(results, sizeof results, "%s/results.json", r);
  else
    snprintf(results, sizeof results, "%s", r);

  json_t *doc = NULL;
  json_t *pass = passing_ids(results, &doc);
  if (!pass)
    return QH_EXIT_ENV;
  int rc = QH_EXIT_ENV;
  qc_profile *profile = NULL;
  qh_case_set set = {0};
  qh_cov_model m;
  bool model = false;

  char err[1024];
  size_t plen;
  const char *pname = o.profile ? o.profile : qr_doc_str(doc, "profile", &plen);
  if (!*pname)
    pname = "note";
  char pdir[PATH_MAX];
  snprintf(pdir, sizeof pdir, "%s/fixtures/profiles", o.home);
  if (qc_profile_load_named(pdir, pname, &profile, err, sizeof err) < 0) {
    fprintf(stderr, "qftp-harness: coverage: profile %s: %s\n", pname, err);
    goto out;
  }

  char cases_dir[PATH_MAX], frag[PATH_MAX];
  snprintf(cases_dir, sizeof cases_dir, "%s/cases", o.home);
  snprintf(frag, sizeof frag, "%s/cases/_fragments", o.home);
  const char *def[] = {cases_dir};
  size_t errors = qh_case_set_load(&set, o.ncases ? o.cases : def,
                                   o.ncases ? o.ncases : 1, frag, cases_dir,
                                   stderr);
  if (errors) {
    fprintf(stderr, "qftp-harness: coverage: %zu case file error%s\n",
            errors, errors == 1 ? "" : "s");
    goto out;
  }

  if (qh_cov_model_init(&m) < 0) {
    fprintf(stderr, "qftp-harness: coverage: out of memory\n");
    goto out;
  }
  model = true;
  qh_vars vars = {.profile = profile};
  for (size_t i = 0; i < set.n; i++) {
    json_t *seen = json_object_get(pass, set.cases[i]->id);
    if (!seen)
      continue;
    json_object_set(pass, set.cases[i]->id, json_true());
    qh_cov_model_add_case(&m, set.cases[i], &vars);
  }
  /* A passing case the case files no longer hold covers nothing. */
  size_t gone = 0;
  const char *id;
  json_t *v;
  json_object_foreach(pass, id, v)
  {
    if (json_is_false(v) && gone++ < 5)
      fprintf(stderr, "qftp-harness: coverage: warning: passing case %s of "
                      "%s is not in the case files; not counted\n",
              id, results);
  }
  if (gone > 5)
    fprintf(stderr, "qftp-harness: coverage: warning: ... %zu such cases "
                    "in all\n",
            gone);

  char reasons[PATH_MAX];
  snprintf(reasons, sizeof reasons, "%s/cases/_coverage.yaml", o.home);
  const char *rpath = o.reasons ? o.reasons : reasons;
  if (o.reasons || access(rpath, F_OK) == 0) {
    if (qh_cov_reasons_load(&m, rpath, err, sizeof err) < 0) {
      fprintf(stderr, "qftp-harness: coverage: %s\n", err);
      goto out;
    }
  }
  qh_cov_model_inherit(&m);
  if (m.oom) {
    fprintf(stderr, "qftp-harness: coverage: out of memory\n");
    goto out;
  }
  if (o.json) {
    if (qh_cov_render_json(&m, results, pname, stdout) < 0) {
      fprintf(stderr, "qftp-harness: coverage: cannot write JSON\n");
      goto out;
    }
  } else {
    qh_cov_render_text(&m, results, stdout);
  }
  rc = qh_cov_exit_status(&m);
  if (rc) /* the gate's message; the items are named on stdout */
    fprintf(stderr, "qftp-harness: coverage: %zu required item%s uncovered\n",
            qh_cov_model_counts(&m).uncovered,
            qh_cov_model_counts(&m).uncovered == 1 ? "" : "s");
out:
  if (model)
    qh_cov_model_free(&m);
  qh_case_set_free(&set);
  qc_profile_free(profile);
  json_decref(pass);
  json_decref(doc);
  return rc;
}
