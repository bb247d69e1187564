/* The profile loader (qc_profile.c over qc_yaml.c): any text loads or is
 * refused with one line "path:line:col: what" (or "path: what" when the
 * file itself cannot be read), in bounded time (libFuzzer's -timeout);
 * a loaded profile answers every schema key.
 *
 * Input: the profile text; after a NUL byte, the text of a second profile
 * "b.yaml" beside it, so `base: b` (and `base: p`, a cycle) reach a second
 * file. Both are served from memory through the loader's qc_yaml_src. */
#include "qc_profile.h"
#include "qc_yaml_mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The two files live in memory, so a run costs no file system calls. */
static const char main_path[] = "/fuzz/p.yaml", base_path[] = "/fuzz/b.yaml";

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  const uint8_t *nul = memchr(d, 0, n);
  size_t n1 = nul ? (size_t)(nul - d) : n;
  qc_yaml_mem_file files[2] = {
      {main_path, d, n1, true},
      {base_path, nul ? nul + 1 : NULL, nul ? n - n1 - 1 : 0, nul != NULL}};
  qc_yaml_mem m = {files, 2};
  qc_yaml_src mem = qc_yaml_mem_src(&m);
  qc_profile *p = NULL;
  char err[1024];
  err[0] = '\0';
  if (qc_profile_load_src(&mem, main_path, &p, err, sizeof err) < 0) {
    if (p)
      abort();
    if (!qc_yaml_msg_ok(&m, err)) /* one line, at one of the two files */
      abort();
    return 0;
  }
  if (!p)
    abort();
  size_t count = qc_profile_count(p);
  if (count == 0)
    abort();
  for (size_t i = 0; i < count; i++) {
    const char *k = qc_profile_key_at(p, i);
    if (!k)
      abort();
    const char *v = qc_profile_value_at(p, i);
    if (v != qc_profile_get(p, k))
      abort();
    (void)qc_profile_get_long(p, k, 0);
    (void)qc_profile_get_bool(p, k, false);
    (void)qc_profile_origin(p, k);
    (void)qc_profile_evidence(p, k);
  }
  qc_profile_free(p);
  return 0;
}
