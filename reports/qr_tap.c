/* qr_tap: results.tap (TAP version 13) rendered from results.json.
 *
 * pass -> "ok", skip -> "ok ... # SKIP", waived -> "not ok ... # TODO" (a
 * known failure, which TAP consumers do not count), fail and error ->
 * "not ok"; every "not ok" has a YAML block (verdict, reason, failed step, duration). Strings in the
 * block are JSON-quoted: JSON is YAML, and that quoting escapes anything
 * that could break a line. The plan is the number of cases the run
 * planned; an interrupted run ends with "Bail out!". */
#include "qr_report.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "qr_doc.h"
#include "qr_file.h"

/* A TAP description: one line, and a '#' would start a directive. */
static void description(qc_buf *b, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '#' || c == '\\')
      qc_buf_addc(b, '\\');
    qc_buf_addc(b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
  }
}

static void yaml_str(qc_buf *b, const json_t *v)
{
  char *q = json_is_string(v) ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
  qc_buf_adds(b, q ? q : "\"\"");
  free(q);
}

static void render(qr_doc_stream *s, const char *out_path, qc_buf *b)
{
  (void)out_path;
  const json_t *doc = qr_doc_head(s);
  /* The plan is what the run selected: a consumer that counts results
   * against it sees an interrupted run come up short, and the bail-out
   * line says why. */
  qr_doc_run st = qr_doc_stream_state(s);
  qc_buf_addf(b, "TAP version 13\n1..%zu\n", st.planned);
  /* Which module ran: a comment, for people and log greps. */
  qc_buf mod;
  qc_buf_init(&mod, QR_FILE_MAX);
  qr_doc_module(doc, true, &mod);
  qc_buf_adds(b, "# module: ");
  description(b, qc_buf_data(&mod), qc_buf_len(&mod));
  qc_buf_addc(b, '\n');
  qc_buf_free(&mod);
  size_t i = 0, n;
  const json_t *c;
  for (qr_doc_rewind(s); (c = qr_doc_next(s)); i++) {
    const json_t *reason = json_object_get(c, "reason");
    qr_verdict v = (qr_verdict)qr_verdict_parse(
        json_string_value(json_object_get(c, "verdict")));
    bool ok = v == QR_PASS || v == QR_SKIP;
    qc_buf_addf(b, "%s %zu - ", ok ? "ok" : "not ok", i + 1);
    const char *id = qr_doc_str(c, "id", &n);
    description(b, id, n);
    const json_t *w = json_object_get(c, "waiver");
    if (v == QR_SKIP) {
      const char *r = qr_doc_str(c, "reason", &n);
      qc_buf_adds(b, " # SKIP ");
      description(b, r, n);
    } else if (v == QR_WAIVED) {
      /* TAP's way to say "fails, and that is known": not ok # TODO. */
      const char *r = qr_doc_str(w, "reason", &n);
      qc_buf_adds(b, " # TODO waived: ");
      description(b, r, n);
    }
    qc_buf_addc(b, '\n');
    if (ok)
      continue;
    qc_buf_addf(b, "  ---\n  verdict: %s\n  reason: ", qr_verdict_name(v));
    yaml_str(b, reason);
    if (v == QR_WAIVED) {
      qc_buf_adds(b, "\n  waiver_reason: ");
      yaml_str(b, json_object_get(w, "reason"));
      qc_buf_adds(b, "\n  waiver_reference: ");
      yaml_str(b, json_object_get(w, "reference"));
    }
    qc_buf_addf(b, "\n  failed_step: %.0f\n  duration_s: %.3f\n  file: ",
                qr_doc_num(c, "failed_step"), qr_doc_num(c, "duration_s"));
    yaml_str(b, json_object_get(c, "file"));
    qc_buf_adds(b, "\n  ...\n");
  }
  if (st.interrupted) {
    qc_buf_addf(b, "Bail out! run interrupted after %zu of %zu cases", st.ran,
                st.planned);
    if (*st.stop_reason) {
      qc_buf why;
      qc_buf_init(&why, QR_FILE_MAX);
      qr_doc_stop_text(st, &why);
      qc_buf_adds(b, " (");
      description(b, qc_buf_data(&why), qc_buf_len(&why));
      qc_buf_adds(b, ")");
      qc_buf_free(&why);
    }
    qc_buf_addc(b, '\n');
  }
}

int qr_render_tap(const char *json_path, const char *tap_path, char *err,
                  size_t errlen)
{
  return qr_doc_render(json_path, tap_path, render, err, errlen);
}
