/* qc_redact: credentials never appear in clear in what a run writes out.
 *
 * The run's secrets (the generated password of its FTP user, any
 * ${pass}-like case variable) are registered once, process-wide, where
 * they are made; every text that goes into a report (transcript entries,
 * verdict reasons, notes, evidence JSON, copied logs) passes
 * qc_redact_text on its way out. Rules, applied line by line:
 *   - the argument of an FTP PASS command ("PASS " in upper case, at the
 *     start of a line or after a character that is not a letter or digit,
 *     up to the end of the line, a quote or a backslash) becomes "****";
 *   - every byte covered by an occurrence of a secret (overlapping ones,
 *     one secret a prefix of another) is hidden, each run of hidden bytes
 *     written as one "********".
 * Only what is written out is redacted: payload comparisons use the real
 * bytes. wire.pcap, the capture, stays as it crossed the wire. */
#ifndef QC_REDACT_H
#define QC_REDACT_H

#include <stddef.h>
#include <stdint.h>

#define QC_REDACT_SECRET "********"
#define QC_REDACT_PASS "****"

enum {
  QC_REDACT_SECRETS_MAX = 32,
  QC_REDACT_SECRET_MIN = 4, /* shorter values would hide ordinary text */
};

/* Registers a secret for the rest of the process (a copy is kept). Empty,
 * too short or already known values are ignored (0). -1 when the table is
 * full: the caller must then not write the secret out. */
int qc_redact_add_secret(const char *secret);

/* Forgets every registered secret (tests). */
void qc_redact_clear(void);

/* Redacts in[0..n) with the given secrets: a new NUL-terminated buffer
 * (free it), its length in *outlen when not NULL. NULL only when memory
 * runs out. */
char *qc_redact_with(const char *const *secrets, size_t nsecrets,
                     const char *in, size_t n, size_t *outlen);

/* qc_redact_with and the registered secrets; n == (size_t)-1 for strlen. */
char *qc_redact_text(const char *in, size_t n, size_t *outlen);

/* Copies from fd `in` (at its current offset) up to `max` bytes
 * (UINT64_MAX: to end of file) into fd `out`, redacting whole lines: a
 * secret split across two reads is still found. 0, or -1 with errno set
 * (EIO for a short write). */
int qc_redact_copy_fd(int in, uint64_t max, int out);

#endif
