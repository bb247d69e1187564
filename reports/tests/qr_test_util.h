/* Helpers shared by the reports/ tests: a scratch directory, whole-file
 * reads, a small sample run, and an XML well-formedness check of our own
 * (so the tests do not depend on xmllint being installed). */
#ifndef QR_TEST_UTIL_H
#define QR_TEST_UTIL_H

#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qr_report.h"

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
  (void)st, (void)flag, (void)f;
  return remove(p);
}

/* mkdtemp under TMPDIR (or /tmp); path must hold 64 bytes. */
static inline void tu_mkdtemp(char *path, size_t len)
{
  const char *t = getenv("TMPDIR");
  snprintf(path, len, "%s/qr-test-XXXXXX", t && *t ? t : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(path));
}

static inline void tu_rmtree(const char *path)
{
  nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The whole file, NUL-terminated (caller frees); NULL if unreadable. */
static inline char *tu_slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, len = 0;
  char *s = malloc(cap);
  size_t n;
  while (s && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (cap - len < 2) {
      char *ns = realloc(s, cap * 2);
      if (!ns) {
        free(s);
        s = NULL;
        break;
      }
      s = ns;
      cap *= 2;
    }
  }
  fclose(f);
  if (s)
    s[len] = '\0';
  return s;
}

static inline void tu_spit(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
  ck_assert_int_eq(fclose(f), 0);
}

/* Entries in dir whose name contains `part`; -1 if dir is unreadable. */
static inline int tu_count_names(const char *dir, const char *part)
{
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strstr(e->d_name, part))
      n++;
  }
  closedir(d);
  return n;
}

/* Four cases, one of each verdict, with awkward text where it hurts. */
static inline qr_run_result *tu_sample_run(void)
{
  qr_run_result *r = qr_run_result_new("sim", "note", 0.05);
  r->duration_s = 3.25;
  char *tags[] = {"qftpopen", "smoke"};
  qr_case_result *c =
      qr_run_add_case(r, "open.ok", "Open <works> & \"logs in\"", "2.5",
                      "cases/open/ok.yaml", tags, 2);
  c->started = 0.001;
  c->duration_s = 1.2346;
  qr_case_add_line(c, 0.0, '>', "AT+QFTPOPEN=\"127.0.0.1\",2121", (size_t)-1);
  qr_case_add_line(c, 0.5, '<', "OK\r\n", (size_t)-1);
  qr_case_note(c, 0.6, "step %d done", 1);
  qr_case_set_verdict(c, QR_PASS, 0, NULL);
  /* Wire evidence as the analysis writes it (servers/wire), for the
   * ladder in report.html. */
  qr_case_set_evidence(
      c, NULL,
      "{\"control\": [{\"t_open\": 0.0, \"auth_tls\": false, "
      "\"commands\": [{\"t\": 0.002, \"text\": \"USER <u>\"}], "
      "\"replies\": [{\"t\": 0.001, \"text\": \"220 ready\", \"code\": "
      "220}]}], \"data\": [{\"t_open\": 0.003, \"t_close\": 0.004, "
      "\"direction\": \"download\", \"bytes\": 12, \"opened_by\": "
      "\"client\", \"module_close\": \"rst\", \"tls\": {\"tls\": false}}]}");

  c = qr_run_add_case(r, "get.fail", "Get", "2.9", "cases/get/fail.yaml", NULL,
                      0);
  c->started = 1.5;
  c->duration_s = 0.5;
  qr_case_add_line(c, 0.1, '<', "+QFTPGET: 627,550 ]]> <x> & 'q'\x01",
                   (size_t)-1);
  qr_case_add_unexpected(c, "+QIURC: \"pdpdeact\",1");
  qr_case_set_verdict(c, QR_FAIL, 4,
                      "step 4 (get.yaml:12:5): expected `<0>` & got \"]]>\" "
                      "'x'\x02\x1b");

  c = qr_run_add_case(r, "srv.error", "Server", "2.1", "cases/e.yaml", tags, 1);
  qr_case_set_verdict(c, QR_ERROR, 0, "server plain: vsftpd exited 2");

  c = qr_run_add_case(r, "sd.skip", "SD # card", "2.3", "cases/sd.yaml", NULL,
                      0);
  qr_case_set_verdict(c, QR_SKIP, 0, "needs:sd # not on this target");
  return r;
}

/* A minimal XML 1.0 well-formedness check: one root, balanced and
 * properly nested tags, quoted attributes with no raw '<', entity
 * references that exist, no "]]>" or control byte in text, no CDATA, no
 * comment. 1 when well formed; else 0 with why. */
static inline int tu_xml_ok(const char *s, char *why, size_t whylen)
{
  char stack[64][64];
  int depth = 0, roots = 0;
  const char *p = s;
  if (strncmp(p, "<?xml ", 6) == 0) {
    p = strstr(p, "?>");
    if (!p)
      return snprintf(why, whylen, "unterminated declaration"), 0;
    p += 2;
  }
  while (*p) {
    unsigned char c = (unsigned char)*p;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return snprintf(why, whylen, "control byte 0x%02x", c), 0;
    if (c == '&') {
      static const char *const ents[] = {"&amp;",  "&lt;",   "&gt;",
                                         "&quot;", "&apos;", "&#39;",
                                         "&#9;",   "&#10;",  "&#13;"};
      size_t k;
      for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
        if (strncmp(p, ents[k], strlen(ents[k])) == 0)
          break;
      }
      if (k == sizeof ents / sizeof ents[0])
        return snprintf(why, whylen, "bad reference at %.12s", p), 0;
      p += strlen(ents[k]);
      continue;
    }
    if (c == ']' && strncmp(p, "]]>", 3) == 0)
      return snprintf(why, whylen, "]]> in text"), 0;
    if (c == '>')
      return snprintf(why, whylen, "raw > in text"), 0;
    if (c != '<') {
      if (depth == 0 && c != ' ' && c != '\n' && c != '\t' && c != '\r')
        return snprintf(why, whylen, "text outside the root"), 0;
      p++;
      continue;
    }
    /* A tag. */
    p++;
    int closing = *p == '/';
    if (closing)
      p++;
    char name[64];
    size_t n = 0;
    while (*p && !strchr(" \t\r\n/>", *p) && n + 1 < sizeof name)
      name[n++] = *p++;
    name[n] = '\0';
    if (n == 0 || strchr("!?", name[0]))
      return snprintf(why, whylen, "unsupported markup <%s", name), 0;
    int empty = 0;
    while (*p && *p != '>') {
      if (*p == '"' || *p == '\'') {
        char q = *p++;
        while (*p && *p != q) {
          if (*p == '<')
            return snprintf(why, whylen, "< in attribute of %s", name), 0;
          if ((unsigned char)*p < 0x20)
            return snprintf(why, whylen, "raw control in attribute"), 0;
          p++;
        }
        if (!*p)
          return snprintf(why, whylen, "unterminated attribute"), 0;
        p++;
        continue;
      }
      if (*p == '=' && p[1] != '"' && p[1] != '\'')
        return snprintf(why, whylen, "unquoted attribute in %s", name), 0;
      if (*p == '/' && p[1] == '>')
        empty = 1;
      else if (*p == '<')
        return snprintf(why, whylen, "< inside tag %s", name), 0;
      p++;
    }
    if (!*p)
      return snprintf(why, whylen, "unterminated tag %s", name), 0;
    p++;
    if (closing) {
      if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
        return snprintf(why, whylen, "</%s> does not close <%s>", name,
                        depth ? stack[depth - 1] : ""),
               0;
      depth--;
    } else {
      if (depth == 0 && ++roots > 1)
        return snprintf(why, whylen, "second root <%s>", name), 0;
      if (!empty) {
        if (depth == 64)
          return snprintf(why, whylen, "too deep"), 0;
        snprintf(stack[depth++], sizeof stack[0], "%s", name);
      }
    }
  }
  if (depth)
    return snprintf(why, whylen, "<%s> never closed", stack[depth - 1]), 0;
  if (roots != 1)
    return snprintf(why, whylen, "no root"), 0;
  return 1;
}

/* jansson's live bytes and their peak: the trees a writer, reader or
 * merge holds at once (json_set_alloc_funcs(tu_count_malloc,
 * tu_count_free); counted by malloc_usable_size, so a block jansson gives
 * back with free() stays counted, which only makes a bound stricter). */
static size_t tu_live, tu_peak;

static inline void *tu_count_malloc(size_t n)
{
  void *p = malloc(n);
  tu_live += p ? malloc_usable_size(p) : 0;
  if (tu_live > tu_peak)
    tu_peak = tu_live;
  return p;
}

static inline void tu_count_free(void *p)
{
  if (p)
    tu_live -= malloc_usable_size(p);
  free(p);
}

#endif
