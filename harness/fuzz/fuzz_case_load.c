/* The case loader (case_load.c and the cl_* parsers over qc_yaml.c): any
 * text loads or is refused with one line "path:line:col: what" (or
 * "path: what" when a file itself cannot be read), in bounded time
 * (libFuzzer's -timeout) and memory (-rss_limit_mb).
 *
 * Input: the case text; after a NUL byte, the text of a fragment
 * "f.yaml" in the fragments directory, so `use: f` reaches a second file.
 * Both are served from memory through the loader's qc_yaml_src. */
#include "case.h"
#include "qc_yaml_mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The two files live in memory, so a run costs no file system calls;
 * `use: f` finds the fragment in the fragments directory `dir`. */
static const char dir[] = "/fuzz", case_path[] = "/fuzz/c.yaml",
                  frag_path[] = "/fuzz/f.yaml";

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  const uint8_t *nul = memchr(d, 0, n);
  size_t n1 = nul ? (size_t)(nul - d) : n;
  qc_yaml_mem_file files[2] = {
      {case_path, d, n1, true},
      {frag_path, nul ? nul + 1 : NULL, nul ? n - n1 - 1 : 0, nul != NULL}};
  qc_yaml_mem m = {files, 2};
  qc_yaml_src mem = qc_yaml_mem_src(&m);
  qh_case *c = NULL;
  char err[1024];
  err[0] = '\0';
  if (qh_case_load_src(&mem, case_path, dir, NULL, &c, err, sizeof err) < 0) {
    if (c)
      abort();
    if (!qc_yaml_msg_ok(&m, err)) /* one line, at one of the two files */
      abort();
    return 0;
  }
  if (!c)
    abort();
  qh_case_free(c);
  return 0;
}
