/* srv_evidence: the three log formats, line by line (table-driven). */
#include "srv_evidence.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

typedef struct ev_want {
  srv_ev_kind kind;
  long pid;
  int code;
  const char *text; /* COMMAND/REPLY */
  const char *path; /* STORED */
  uint64_t bytes;
  bool complete;
} ev_want;

typedef struct line_case {
  const char *line;
  size_t n;
  ev_want ev[SRV_EV_PER_LINE];
} line_case;

#define VS "Tue Nov 24 16:26:47 2026 [pid 4] [qftpab12cd] "
#define PF "[24/Nov/2026:16:26:03 +0000] [pid 2] [qftpab12cd]\t"

static const line_case cases[] = {
    /* vsftpd protocol log */
    {VS "FTP command: Client \"127.0.0.1\", \"STOR up x.bin\"\n",
     1,
     {{SRV_EV_COMMAND, 4, 0, "STOR up x.bin", NULL, 0, false}}},
    {"Tue Nov 24 16:26:47 2026 [pid 3] FTP command: Client \"127.0.0.1\", "
     "\"USER qftpab12cd\"",
     1,
     {{SRV_EV_COMMAND, 3, 0, "USER qftpab12cd", NULL, 0, false}}},
    {VS "FTP command: Client \"127.0.0.1\", \"PASS <password>\"\r\n",
     1,
     {{SRV_EV_COMMAND, 4, 0, "PASS <password>", NULL, 0, false}}},
    {VS "FTP response: Client \"127.0.0.1\", \"257 \"/\" is the current "
        "directory\"",
     1,
     {{SRV_EV_REPLY, 4, 257, "\"/\" is the current directory", NULL, 0,
       false}}},
    {VS "FTP response: Client \"127.0.0.1\", \"211-Features:\"",
     1,
     {{SRV_EV_REPLY, 4, 211, "Features:", NULL, 0, false}}},
    {VS "FTP response: Client \"127.0.0.1\", \"hello\"", 0, {{0}}},
    {VS "OK UPLOAD: Client \"127.0.0.1\", \"/up x.bin\", 5000 bytes, "
        "2446.30Kbyte/sec",
     1,
     {{SRV_EV_STORED, 4, 0, NULL, "/up x.bin", 5000, true}}},
    /* a name holding the separator: the last `", N bytes` wins */
    {VS "FAIL UPLOAD: Client \"127.0.0.1\", \"/a\", 3 bytes\", 17 bytes, "
        "1.00Kbyte/sec",
     1,
     {{SRV_EV_STORED, 4, 0, NULL, "/a\", 3 bytes", 17, false}}},
    {VS "OK DOWNLOAD: Client \"127.0.0.1\", \"/a.txt\", 2 bytes, 1Kbyte/sec",
     0,
     {{0}}},
    {"Tue Nov 24 16:26:47 2026 [pid 3] CONNECT: Client \"127.0.0.1\"",
     0,
     {{0}}},
    {VS "OK LOGIN: Client \"127.0.0.1\"", 0, {{0}}},
    /* ProFTPD, our ExtendedLog format */
    {PF "226\t5000\t/run/home/up.bin\tSTOR up.bin\tTransfer complete\n",
     3,
     {{SRV_EV_COMMAND, 2, 0, "STOR up.bin", NULL, 0, false},
      {SRV_EV_REPLY, 2, 226, "Transfer complete", NULL, 0, false},
      {SRV_EV_STORED, 2, 0, NULL, "/run/home/up.bin", 5000, true}}},
    {"[24/Nov/2026:16:26:04 +0000] [pid 5] [-]\t530\t-\t-\tPASS (hidden)\t"
     "Login incorrect.",
     2,
     {{SRV_EV_COMMAND, 5, 0, "PASS (hidden)", NULL, 0, false},
      {SRV_EV_REPLY, 5, 530, "Login incorrect.", NULL, 0, false}}},
    {PF "226\t845\t/run/home/\tMLSD\tTransfer complete",
     2,
     {{SRV_EV_COMMAND, 2, 0, "MLSD", NULL, 0, false},
      {SRV_EV_REPLY, 2, 226, "Transfer complete", NULL, 0, false}}},
    {PF "426\t1000\t/run/home/a.bin\tAPPE a.bin\tTransfer aborted",
     3,
     {{SRV_EV_COMMAND, 2, 0, "APPE a.bin", NULL, 0, false},
      {SRV_EV_REPLY, 2, 426, "Transfer aborted", NULL, 0, false},
      {SRV_EV_STORED, 2, 0, NULL, "/run/home/a.bin", 1000, false}}},
    /* a tab in the command stays in it: the reply is after the last tab */
    {PF "550\t-\t-\tDELE a\tb\tNo such file",
     2,
     {{SRV_EV_COMMAND, 2, 0, "DELE a\tb", NULL, 0, false},
      {SRV_EV_REPLY, 2, 550, "No such file", NULL, 0, false}}},
    {PF "abc\t-\t-\tNOOP\tok", 0, {{0}}},
    {PF "200\t-\t-\tNOOP", 0, {{0}}}, /* no reply text field */
    /* xferlog */
    {"Tue Nov 24 16:26:03 2026 0 127.0.0.1 5000 /run/home/up.bin b _ i r "
     "qftpab12cd ftp 0 * c",
     1,
     {{SRV_EV_STORED, -1, 0, NULL, "/run/home/up.bin", 5000, true}}},
    {"Tue Nov  4 06:26:03 2026 12 127.0.0.1 77 /up_x.bin a _ i r qftpab12cd "
     "ftp 0 * i\n",
     1,
     {{SRV_EV_STORED, -1, 0, NULL, "/up_x.bin", 77, false}}},
    {"Tue Nov 24 16:26:04 2026 0 127.0.0.1 2 /a.txt b _ o r qftpab12cd ftp 0 "
     "* c",
     0,
     {{0}}},
    {"Tue Nov 24 16:26:04 2026 0 127.0.0.1 x /a.txt b _ i r u ftp 0 * c",
     0,
     {{0}}},
    /* noise */
    {"", 0, {{0}}},
    {"[pid ]", 0, {{0}}},
    {"[pid 12", 0, {{0}}},
    {"random words that are not a log line", 0, {{0}}},
};

START_TEST(test_parse_table)
{
  const line_case *c = &cases[_i];
  srv_ev ev[SRV_EV_PER_LINE];
  size_t n = srv_ev_parse_line(c->line, strlen(c->line), ev);
  ck_assert_msg(n == c->n, "line %d \"%s\": %zu events, want %zu", _i, c->line,
                n, c->n);
  for (size_t i = 0; i < n; i++) {
    const ev_want *w = &c->ev[i];
    ck_assert_msg(ev[i].kind == w->kind, "line %d event %zu: kind", _i, i);
    ck_assert_int_eq(ev[i].pid, w->pid);
    switch (w->kind) {
    case SRV_EV_COMMAND:
      ck_assert_str_eq(ev[i].text, w->text);
      break;
    case SRV_EV_REPLY:
      ck_assert_int_eq(ev[i].code, w->code);
      ck_assert_str_eq(ev[i].text, w->text);
      break;
    case SRV_EV_STORED:
      ck_assert_str_eq(ev[i].path, w->path);
      ck_assert_uint_eq(ev[i].bytes, w->bytes);
      ck_assert_int_eq(ev[i].complete, w->complete);
      break;
    }
  }
}
END_TEST

/* A line longer than any field is cut, never overflows. */
START_TEST(test_long_command_cut)
{
  char line[4096];
  int k = snprintf(line, sizeof line, VS "FTP command: Client \"1.2.3.4\", \"");
  memset(line + k, 'A', 3000);
  snprintf(line + k + 3000, sizeof line - (size_t)k - 3000, "\"");
  srv_ev ev[SRV_EV_PER_LINE];
  ck_assert_uint_eq(srv_ev_parse_line(line, strlen(line), ev), 1);
  ck_assert_uint_eq(strlen(ev[0].text), SRV_EV_TEXT_MAX);
}
END_TEST

typedef struct rel_case {
  const char *logged, *home, *want; /* want NULL: -1 */
} rel_case;

static const rel_case rels[] = {
    {"/run/home/up.bin", "/run/home", "up.bin"},
    {"/run/home/d/up.bin", "/run/home/", "d/up.bin"},
    {"/up x.bin", "/run/home", "up x.bin"}, /* vsftpd: chroot-relative */
    {"/run/homeother/a", "/run/home", "run/homeother/a"},
    {"/run/home", "/run/home", NULL},
    {"/", "/run/home", NULL},
    {"a.txt", NULL, "a.txt"},
};

START_TEST(test_home_relative)
{
  const rel_case *c = &rels[_i];
  char buf[SRV_PATH_MAX + 1];
  int rc = srv_ev_home_relative(c->logged, c->home, buf, sizeof buf);
  if (!c->want) {
    ck_assert_int_eq(rc, -1);
    return;
  }
  ck_assert_int_eq(rc, 0);
  ck_assert_str_eq(buf, c->want);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("srv_evidence");
  TCase *tc = tcase_create("parse");
  tcase_add_loop_test(tc, test_parse_table, 0,
                      (int)(sizeof cases / sizeof cases[0]));
  tcase_add_test(tc, test_long_command_cut);
  tcase_add_loop_test(tc, test_home_relative, 0,
                      (int)(sizeof rels / sizeof rels[0]));
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
