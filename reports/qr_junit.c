/* qr_junit: junit.xml rendered from results.json.
 *
 * The shape CI servers read (Jenkins, GitLab): one <testsuite> with its
 * counts, a <testcase> per case, <failure>/<error>/<skipped> by verdict,
 * the transcript in <system-out> with the case's files as attachments
 * ([[ATTACHMENT|path]] lines), and for an interrupted run one more
 * <testcase name="run.interrupted"> in error. Everything goes through
 * qr_escape_markup, so text holds no "]]>", no raw control byte and no
 * unescaped markup whatever the module sent. */
#include "qr_report.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "qr_doc.h"
#include "qr_file.h"
#include "qr_escape.h"

static void esc(qc_buf *b, const char *s, size_t n, unsigned flags)
{
  qr_escape_markup(b, s, n, flags);
}

static void attr(qc_buf *b, const char *name, const char *s, size_t n)
{
  qc_buf_addf(b, " %s=\"", name);
  esc(b, s, n, QR_ESC_ATTR);
  qc_buf_addc(b, '"');
}

static void attr_key(qc_buf *b, const char *name, const json_t *o,
                     const char *key)
{
  size_t n;
  const char *s = qr_doc_str(o, key, &n);
  attr(b, name, s, n);
}

static void property(qc_buf *b, const json_t *doc, const char *key)
{
  qc_buf_adds(b, "    <property");
  attr(b, "name", key, strlen(key));
  const json_t *v = json_object_get(doc, key);
  if (json_is_number(v)) {
    qc_buf_addf(b, " value=\"%g\"/>\n", json_number_value(v));
    return;
  }
  attr_key(b, "value", doc, key);
  qc_buf_adds(b, "/>\n");
}

/* A case's evidence files, in the order a reader wants them. */
static const char *const attachments[] = {"transcript.txt", "server.log",
                                          "module.log", "wire.pcap",
                                          "proxy.log"};

/* The "[[ATTACHMENT|cases/<id>/wire.pcap]]" lines CI servers turn into
 * links (Jenkins' JUnit attachments, GitLab's test report), one per file
 * of the case's folder that exists; paths relative to the directory of
 * the junit.xml (the report dir: docs/CI.md). */
static void attachment_lines(qc_buf *b, const json_t *c, const char *base)
{
  size_t dn;
  const char *dir = qr_doc_str(c, "dir", &dn);
  if (!dn || memchr(dir, '\0', dn) || dir[0] == '/' || strstr(dir, ".."))
    return; /* a folder outside the report dir is no attachment of it */
  for (size_t i = 0; i < sizeof attachments / sizeof attachments[0]; i++) {
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s/%s", base, dir, attachments[i]);
    struct stat st;
    if (n < 0 || (size_t)n >= sizeof path || stat(path, &st) != 0 ||
        !S_ISREG(st.st_mode))
      continue;
    qc_buf_adds(b, "[[ATTACHMENT|");
    esc(b, dir, dn, 0);
    qc_buf_addc(b, '/');
    esc(b, attachments[i], strlen(attachments[i]), 0);
    qc_buf_adds(b, "]]\n");
  }
}

static void system_out(qc_buf *b, const json_t *c, const char *base)
{
  const json_t *tr = qr_doc_arr(c, "transcript");
  const json_t *un = qr_doc_arr(c, "unexpected");
  qc_buf att;
  qc_buf_init(&att, QR_FILE_MAX);
  attachment_lines(&att, c, base);
  if (json_array_size(tr) == 0 && json_array_size(un) == 0 &&
      qc_buf_len(&att) == 0) {
    qc_buf_free(&att);
    return;
  }
  qc_buf_adds(b, "    <system-out>");
  size_t i, n;
  const json_t *e;
  json_array_foreach(tr, i, e)
  {
    const char *d = qr_doc_str(e, "dir", &n);
    qc_buf_addf(b, "%8.3f ", qr_doc_num(e, "t"));
    esc(b, n ? d : "?", 1, 0);
    qc_buf_addc(b, ' ');
    const char *s = qr_doc_str(e, "text", &n);
    esc(b, s, n, 0);
    qc_buf_addc(b, '\n');
  }
  if (json_array_size(un))
    qc_buf_adds(b, "unexpected lines:\n");
  json_array_foreach(un, i, e)
  {
    if (!json_is_string(e))
      continue;
    qc_buf_adds(b, "  ");
    esc(b, json_string_value(e), json_string_length(e), 0);
    qc_buf_addc(b, '\n');
  }
  qc_buf_add(b, qc_buf_data(&att), qc_buf_len(&att));
  qc_buf_free(&att);
  qc_buf_adds(b, "</system-out>\n");
}

/* A waived case is <skipped>: CI servers (GitLab, Jenkins) show it
 * neither green nor red, with the message beside it. The message says it
 * is a waived failure and why; the body keeps the failure itself. */
static void waived(qc_buf *b, const json_t *c, const char *reason, size_t n)
{
  const json_t *w = json_object_get(c, "waiver");
  size_t wn, rn;
  const char *wr = qr_doc_str(w, "reason", &wn);
  const char *ref = qr_doc_str(w, "reference", &rn);
  qc_buf b2;
  qc_buf_init(&b2, QR_FILE_MAX);
  qc_buf_adds(&b2, "waived failure: ");
  qc_buf_add(&b2, wr, wn);
  qc_buf_adds(&b2, " (");
  qc_buf_add(&b2, ref, rn);
  qc_buf_adds(&b2, ")");
  qc_buf_adds(b, "    <skipped");
  attr(b, "message", qc_buf_data(&b2), qc_buf_len(&b2));
  qc_buf_free(&b2);
  qc_buf_adds(b, " type=\"waived\">");
  qc_buf_adds(b, "failure: ");
  esc(b, reason, n, 0);
  double step = qr_doc_num(c, "failed_step");
  if (step > 0)
    qc_buf_addf(b, "\n(step %.0f)", step);
  qc_buf_adds(b, "\nwaiver: ");
  esc(b, wr, wn, 0);
  qc_buf_adds(b, "\nreference: ");
  esc(b, ref, rn, 0);
  qc_buf_adds(b, "</skipped>\n");
}

/* <failure>, <error> or <skipped> for a verdict that is not a pass. */
static void outcome(qc_buf *b, const json_t *c, qr_verdict v)
{
  size_t n;
  const char *reason = qr_doc_str(c, "reason", &n);
  const char *tag = "failure";
  switch (v) {
  case QR_PASS:
    return;
  case QR_FAIL:
    tag = "failure";
    break;
  case QR_ERROR:
    tag = "error";
    break;
  case QR_SKIP:
    tag = "skipped";
    break;
  case QR_WAIVED:
    waived(b, c, reason, n);
    return;
  }
  qc_buf_addf(b, "    <%s", tag);
  attr(b, "message", reason, n);
  if (v == QR_SKIP) {
    qc_buf_adds(b, "/>\n");
    return;
  }
  attr(b, "type", qr_verdict_name(v), strlen(qr_verdict_name(v)));
  qc_buf_addc(b, '>');
  esc(b, reason, n, 0);
  double step = qr_doc_num(c, "failed_step");
  if (step > 0)
    qc_buf_addf(b, "\n(step %.0f)", step);
  qc_buf_addf(b, "</%s>\n", tag);
}

static void testcase(qc_buf *b, const json_t *c, const char *base)
{
  qr_verdict v = (qr_verdict)qr_verdict_parse(
      json_string_value(json_object_get(c, "verdict")));
  const json_t *tags = qr_doc_arr(c, "tags");
  const json_t *t0 = json_array_get(tags, 0);
  qc_buf_adds(b, "  <testcase");
  if (json_is_string(t0))
    attr(b, "classname", json_string_value(t0), json_string_length(t0));
  else
    attr(b, "classname", "cases", 5);
  attr_key(b, "name", c, "id");
  qc_buf_addf(b, " time=\"%.3f\"", qr_doc_num(c, "duration_s"));
  attr_key(b, "file", c, "file");
  qc_buf_adds(b, ">\n");
  outcome(b, c, v);
  system_out(b, c, base);
  qc_buf_adds(b, "  </testcase>\n");
}

/* An interrupted run must not read as a complete green one: one more
 * testcase, in error, that CI tools show red. */
static void interrupted_case(qc_buf *b, qr_doc_run st)
{
  qc_buf_adds(b, "  <testcase classname=\"qftp-harness\" "
                 "name=\"run.interrupted\" time=\"0.000\">\n");
  qc_buf_addf(b,
              "    <error message=\"run interrupted after %zu of %zu cases\" "
              "type=\"",
              st.ran, st.planned);
  /* The type is the stop_reason; the body says why in words. */
  const char *type = *st.stop_reason ? st.stop_reason : "interrupted";
  esc(b, type, strlen(type), QR_ESC_ATTR);
  qc_buf_adds(b, "\">");
  qc_buf tmp;
  qc_buf_init(&tmp, QR_FILE_MAX);
  qr_doc_stop_text(st, &tmp);
  esc(b, qc_buf_data(&tmp), qc_buf_len(&tmp), 0);
  qc_buf_free(&tmp);
  qc_buf_adds(b, "</error>\n  </testcase>\n");
}

/* The module's identity as properties: CI shows which firmware ran. */
static void module_properties(qc_buf *b, const json_t *doc)
{
  const json_t *m = json_object_get(doc, "module");
  if (!json_is_object(m))
    return;
  static const char *const keys[] = {"manufacturer", "model", "revision",
                                     "imei_masked"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    char name[64];
    snprintf(name, sizeof name, "module.%s", keys[k]);
    qc_buf_adds(b, "    <property");
    attr(b, "name", name, strlen(name));
    attr_key(b, "value", m, keys[k]);
    qc_buf_adds(b, "/>\n");
  }
  /* ATI as the module sent it, its lines joined by " | ". */
  qc_buf ati;
  qc_buf_init(&ati, QR_FILE_MAX);
  size_t i;
  const json_t *l;
  json_array_foreach(qr_doc_arr(m, "ati"), i, l)
  {
    if (i)
      qc_buf_adds(&ati, " | ");
    if (json_is_string(l))
      qc_buf_add(&ati, json_string_value(l), json_string_length(l));
  }
  qc_buf_adds(b, "    <property name=\"module.ati\"");
  attr(b, "value", qc_buf_data(&ati), qc_buf_len(&ati));
  qc_buf_adds(b, "/>\n");
  qc_buf_free(&ati);
}

static void render(qr_doc_stream *s, const char *out_path, qc_buf *b)
{
  /* Attachments are looked up beside the junit.xml. */
  char base[PATH_MAX];
  snprintf(base, sizeof base, "%s", out_path);
  char *slash = strrchr(base, '/');
  if (slash)
    *slash = '\0';
  else
    snprintf(base, sizeof base, ".");
  const json_t *doc = qr_doc_head(s);
  qr_doc_run st = qr_doc_stream_state(s);
  size_t cnt[QR_VERDICTS];
  qr_doc_counts(s, cnt);
  const json_t *c;
  size_t extra = st.interrupted ? 1 : 0; /* the run.interrupted testcase */
  qc_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  qc_buf_addf(b,
              "<testsuite name=\"qftp-harness\" tests=\"%zu\" "
              "failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
              "time=\"%.3f\"",
              st.ran + extra, cnt[QR_FAIL], cnt[QR_ERROR] + extra,
              cnt[QR_SKIP] + cnt[QR_WAIVED], qr_doc_num(doc, "duration_s"));
  attr_key(b, "timestamp", doc, "started_at");
  qc_buf_adds(b, ">\n  <properties>\n");
  static const char *const props[] = {"version",         "target",
                                      "profile",         "time_scale",
                                      "module_revision", "stop_reason"};
  for (size_t k = 0; k < sizeof props / sizeof props[0]; k++)
    property(b, doc, props[k]);
  module_properties(b, doc);
  qc_buf_addf(b, "    <property name=\"waived\" value=\"%zu\"/>\n",
              cnt[QR_WAIVED]);
  qc_buf_addf(b,
              "    <property name=\"planned\" value=\"%zu\"/>\n"
              "    <property name=\"interrupted\" value=\"%s\"/>\n",
              st.planned, st.interrupted ? "true" : "false");
  qc_buf_adds(b, "  </properties>\n");
  for (qr_doc_rewind(s); (c = qr_doc_next(s));)
    testcase(b, c, base);
  if (st.interrupted)
    interrupted_case(b, st);
  qc_buf_adds(b, "</testsuite>\n");
}

int qr_render_junit(const char *json_path, const char *xml_path, char *err,
                    size_t errlen)
{
  return qr_doc_render(json_path, xml_path, render, err, errlen);
}
