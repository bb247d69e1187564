/* case_fragment: one fragment file as a step list of its own. */
#include "case_fragment.h"

#include "case_parse.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int qh_fragment_load(const char *fragments_dir, const char *name,
                     qh_case **out, char *err, size_t errlen)
{
  *out = NULL;
  if (errlen)
    err[0] = '\0';
  char path[PATH_MAX];
  int w = snprintf(path, sizeof path, "%s/%s.yaml", fragments_dir, name);
  if (w < 0 || (size_t)w >= sizeof path) {
    snprintf(err, errlen, "%s/%s.yaml: path too long", fragments_dir, name);
    return -1;
  }
  qh_case *c = calloc(1, sizeof *c);
  if (!c || !(c->path = strdup(path)) || !(c->id = strdup(name))) {
    snprintf(err, errlen, "%s: out of memory", path);
    qh_case_free(c);
    return -1;
  }
  c->wire.tls_control = c->wire.tls_data = -1;
  cl_loader l = {.c = c,
                 .fragments_dir = fragments_dir,
                 .err = err,
                 .errlen = errlen};
  /* The fragment is on the stack, so it cannot use: itself. */
  l.stack[l.depth++] = name;
  cl_doc dc;
  yaml_node_t *root;
  int rc = cl_open_doc(&l, path, &dc, &root);
  if (rc == 0) {
    yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
    rc = cl_walk_map(&l, &dc, root, SC_FRAGMENT, "", kn, vals);
    if (rc == 0 && vals[K_FTITLE])
      rc = cl_scalar(&l, &dc, vals[K_FTITLE], "title") ? 0 : -1;
    if (rc == 0)
      rc = cl_load_steps(&l, &dc, vals[K_FSTEPS]);
    cl_close_doc(&dc);
  }
  if (rc < 0) {
    qh_case_free(c);
    return -1;
  }
  *out = c;
  return 0;
}
