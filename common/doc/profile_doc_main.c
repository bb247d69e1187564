/* qftp-profile-doc: prints docs/PROFILES.md (the schema reference, then
 * each profile of DIR with the keys it sets and their evidence).
 *   qftp-profile-doc DIR            the text on stdout
 *   qftp-profile-doc DIR --check F  exit 1 when F differs from the text */
#include "qc_profile.h"
#include "qc_profile_schema.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The profiles of dir, sorted, each with what it sets. */
static int write_profiles(FILE *f, const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "qftp-profile-doc: %s: cannot open\n", dir);
    return -1;
  }
  char *names[256];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256) {
    size_t l = strlen(e->d_name);
    if (l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0)
      names[n++] = strndup(e->d_name, l - 5);
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  fputs("\n## Profiles in fixtures/profiles\n", f);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    qc_profile *p;
    char err[1024];
    if (qc_profile_load_named(dir, names[i], &p, err, sizeof err) < 0) {
      fprintf(stderr, "qftp-profile-doc: %s\n", err);
      rc = -1;
      free(names[i]);
      continue;
    }
    fprintf(f, "\n### `%s`%s\n\n%s\n\n", names[i],
            qc_profile_get_bool(p, "test", false) ? " (test profile)" : "",
            qc_profile_get(p, "description"));
    const char *base = qc_profile_get(p, "base");
    fprintf(f, "Base: %s.", base ? base : "none (the note's defaults)");
    bool any = false;
    for (size_t k = 0; k < qc_profile_count(p); k++) {
      const char *key = qc_profile_key_at(p, k);
      const char *o = qc_profile_origin(p, key);
      if (!o || strcmp(o, names[i]) != 0 ||
          qc_pschema_find(key)->kind == QC_PK_META)
        continue;
      if (!any)
        fputs(" Sets:\n\n| key | value | evidence |\n|---|---|---|\n", f);
      any = true;
      const char *v = qc_profile_value_at(p, k);
      const char *ev = qc_profile_evidence(p, key);
      fprintf(f, "| `%s` | %s%s%s | ", key, *v ? "`" : "(empty)", v,
              *v ? "`" : "");
      for (const char *s = ev ? ev : "-"; *s; s++) {
        if (*s == '|')
          fputs("\\|", f); /* would end the cell */
        else
          fputc(*s, f);
      }
      fputs(" |\n", f);
    }
    if (!any)
      fputs(" Sets nothing of its own.\n", f);
    qc_profile_free(p);
    free(names[i]);
  }
  return rc;
}

int main(int argc, char **argv)
{
  if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--check") == 0)) {
    fprintf(stderr, "usage: qftp-profile-doc DIR [--check FILE]\n");
    return 2;
  }
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f)
    return 2;
  qc_pschema_write_doc(f);
  int rc = write_profiles(f, argv[1]);
  fclose(f);
  if (rc < 0) {
    free(buf);
    return 2;
  }
  if (argc == 2) {
    fwrite(buf, 1, len, stdout);
    free(buf);
    return 0;
  }
  FILE *in = fopen(argv[3], "r");
  char *have = NULL;
  size_t hlen = 0;
  if (in) {
    have = malloc(len + 2);
    hlen = have ? fread(have, 1, len + 1, in) : 0;
    fclose(in);
  }
  int same = have && hlen == len && memcmp(have, buf, len) == 0;
  if (!same)
    fprintf(stderr,
            "qftp-profile-doc: %s disagrees with the profile schema; "
            "regenerate it: qftp-profile-doc %s > %s\n",
            argv[3], argv[1], argv[3]);
  free(have);
  free(buf);
  return same ? 0 : 1;
}
