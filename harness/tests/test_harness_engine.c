/* Unit tests: the case engine against a scripted module on a socketpair. */
#include "case_engine.h"

#include "qc_payload.h"
#include "qc_time.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake_transport.h"

typedef struct fixture {
  int sv[2];
  qh_transport t;
  qh_lines lines;
  qh_vars vars;
  qh_engine_env env;
  qh_case c;
  qh_step steps[16];
  qr_run_result *run;
  qr_case_result *r;
  qh_engine *eng;
} fixture;

static fixture *fx;

static void setup(void)
{
  fx = calloc(1, sizeof *fx);
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fx->sv), 0);
  fx->eng = qh_engine_new();
  ck_assert_ptr_nonnull(fx->eng);
  fx->t.ops = &fake_ops;
  fx->t.fd = fx->sv[0];
  qh_lines_init(&fx->lines);
  qh_vars_set(&fx->vars, "port", "2121");
  fx->env = (qh_engine_env){.t = &fx->t,
                            .lines = &fx->lines,
                            .vars = &fx->vars,
                            .time_scale = 0.05,
                            .min_timeout = 0.3,
                            .expect_timeout = 0.3,
                            .urc_timeout = 0.3};
  fx->c.id = "t";
  fx->c.steps = fx->steps;
  fx->run = qr_run_result_new("sim", "note", 0.05);
  fx->r = qr_run_add_case(fx->run, "t", "title", "1.2", "t.yaml", NULL, 0);
}

static void teardown(void)
{
  close(fx->sv[0]);
  if (fx->sv[1] >= 0)
    close(fx->sv[1]);
  qr_run_result_free(fx->run);
  qh_engine_free(fx->eng);
  free(fx);
}

static void step(qh_step_kind k, const char *text, double secs)
{
  qh_step *s = &fx->steps[fx->c.nsteps];
  s->kind = k;
  s->text = (char *)text;
  s->seconds = secs;
  s->where.file = "t.yaml";
  s->where.line = (int)fx->c.nsteps + 3;
  s->where.col = 5;
  fx->c.nsteps++;
}

static void module_says(const char *bytes)
{
  ck_assert_int_eq(write(fx->sv[1], bytes, strlen(bytes)),
                   (ssize_t)strlen(bytes));
}

static bool transcript_has(char dir, const char *text)
{
  for (size_t i = 0; i < fx->r->nlines; i++)
    if (fx->r->lines[i].dir == dir && strcmp(fx->r->lines[i].text, text) == 0)
      return true;
  return false;
}

START_TEST(test_send_expect_skips_echo)
{
  step(QH_STEP_SEND, "AT+QFTPOPEN=\"h\",${port}", 0);
  step(QH_STEP_EXPECT, "OK", 0);
  module_says("AT+QFTPOPEN=\"h\",2121\r\r\nOK\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_PASS);
  ck_assert_ptr_null(fx->r->reason);
  ck_assert(transcript_has('>', "AT+QFTPOPEN=\"h\",2121"));
  ck_assert(transcript_has('<', "OK"));
  char got[64] = "";
  ssize_t n = read(fx->sv[1], got, sizeof got - 1);
  ck_assert_int_eq(n, 21);
  ck_assert_str_eq(got, "AT+QFTPOPEN=\"h\",2121\r");
}
END_TEST

START_TEST(test_expect_mismatch_names_step)
{
  step(QH_STEP_SEND, "AT", 0);
  step(QH_STEP_EXPECT, "OK", 0);
  module_says("\r\nERROR\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_int_eq(fx->r->failed_step, 2);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "step 2 (t.yaml:4:5)"));
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "expected `OK`, got `ERROR`"));
}
END_TEST

/* The run says the case's server died: the step that then fails is the
 * environment's doing, an error naming it, not the module's fail. */
static void server_died(void *ctx, char *buf, size_t len)
{
  (void)ctx;
  snprintf(buf, len, "server plain: vsftpd exited with status 1");
}

START_TEST(test_dead_server_is_error)
{
  fx->env.explain = server_died;
  step(QH_STEP_SEND, "AT", 0);
  step(QH_STEP_EXPECT, "OK", 0);
  module_says("\r\nERROR\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_ERROR);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "vsftpd exited"));
}
END_TEST

START_TEST(test_wait_for_records_unexpected)
{
  step(QH_STEP_WAIT_FOR, "+QFTPOPEN: 0,0", 0);
  step(QH_STEP_EXPECT_MATCH, "^\\+QFTPSTAT: 0,[0-4]$", 0);
  module_says("\r\n+QIURC: \"pdpdeact\",1\r\n\r\nRING\r\n\r\n+QFTPOPEN: 0,0\r\n"
              "\r\n+QFTPSTAT: 0,1\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_PASS);
  ck_assert_uint_eq(fx->r->nunexpected, 2);
  ck_assert_str_eq(fx->r->unexpected[1], "RING");
}
END_TEST

START_TEST(test_timeout_and_scaling)
{
  step(QH_STEP_EXPECT, "OK", 0);
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "got nothing within 0.3 s"));
  /* Step timeouts are module time: 20 s at scale 0.05 is 1 s... */
  qh_step s = {.kind = QH_STEP_WAIT_FOR, .timeout_s = 20};
  ck_assert_double_eq_tol(qh_engine_step_timeout(&fx->env, &s), 1.0, 1e-9);
  /* ...but never below the floor. */
  s.timeout_s = 2;
  ck_assert_double_eq_tol(qh_engine_step_timeout(&fx->env, &s), 0.3, 1e-9);
  s.timeout_s = 0;
  ck_assert_double_eq_tol(qh_engine_step_timeout(&fx->env, &s), 0.3, 1e-9);
}
END_TEST

START_TEST(test_silence_broken)
{
  step(QH_STEP_SILENCE, NULL, 0.5);
  module_says("\r\n+QFTPCLOSE: 0,0\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "got `+QFTPCLOSE: 0,0`"));
}
END_TEST

START_TEST(test_silence_kept_after_echo)
{
  step(QH_STEP_SEND, "ATE1", 0);
  step(QH_STEP_EXPECT, "OK", 0);
  step(QH_STEP_SILENCE, NULL, 0.3);
  module_says("ATE1\r\r\nOK\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_PASS);
}
END_TEST

/* The LF that ends the OK before a silence is still unread when it
 * starts; a URC that comes after the silence ran out (but within the
 * 200 ms a partial line is given to complete) is the next step's, not a
 * break (at --time-scale 0.01 rsptimeout's 609 comes just then). */
START_TEST(test_silence_framing_then_late_urc)
{
  step(QH_STEP_EXPECT, "OK", 0);
  step(QH_STEP_SILENCE, NULL, 0.1);
  step(QH_STEP_WAIT_FOR, "+QFTPOPEN: 609,0", 0);
  module_says("\r\nOK\r\n");
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    usleep(150 * 1000);
    const char urc[] = "\r\n+QFTPOPEN: 609,0\r\n";
    _exit(write(fx->sv[1], urc, sizeof urc - 1) == (ssize_t)sizeof urc - 1
              ? 0
              : 1);
  }
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  int st;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  ck_assert_msg(fx->r->verdict == QR_PASS, "%s", fx->r->reason);
}
END_TEST

START_TEST(test_unknown_variable_is_error)
{
  step(QH_STEP_SEND, "AT+X=${nope}", 0);
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_ERROR);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "unknown variable ${nope}"));
}
END_TEST

START_TEST(test_hangup)
{
  step(QH_STEP_EXPECT, "OK", 0);
  close(fx->sv[1]);
  fx->sv[1] = -1;
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "hung up"));
}
END_TEST

START_TEST(test_silence_partial_line_then_hangup)
{
  /* A module that prints half a line and dies: the step ends at once with
   * a reason, it does not wait (or loop) forever. */
  step(QH_STEP_SILENCE, NULL, 5.0);
  module_says("+QFTPGET: 0,");
  close(fx->sv[1]);
  fx->sv[1] = -1;
  int64_t t0 = qc_now_ms();
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_lt(qc_now_ms() - t0, 1000);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "hung up"));
}
END_TEST

START_TEST(test_send_raw_bytes)
{
  step(QH_STEP_SEND_RAW, "A\\x00B\\r", 0);
  step(QH_STEP_EXPECT, "A?B", 0); /* raw: the echo is the case's to expect */
  module_says("A");
  ck_assert_int_eq(write(fx->sv[1], "\0B\r", 3), 3);
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_PASS);
  unsigned char got[8];
  ck_assert_int_eq(read(fx->sv[1], got, sizeof got), 4);
  ck_assert_int_eq(got[1], 0);
  ck_assert_int_eq(got[3], '\r');
}
END_TEST

/* Writes a payload of (seed, size) to the module side in one go. */
static void module_sends_payload(uint32_t seed, size_t size)
{
  unsigned char *b = malloc(size);
  qc_payload_fill(seed, 0, b, size);
  ck_assert_int_eq(write(fx->sv[1], b, size), (ssize_t)size);
  free(b);
}

START_TEST(test_expect_data_byte_exact)
{
  /* The payload carries "\r\nOK\r\n" and "+QFTPGET: 0," text (qc_payload):
   * counted bytes, never scanned. */
  qh_step *s;
  step(QH_STEP_EXPECT, "CONNECT", 0);
  step(QH_STEP_EXPECT_DATA, NULL, 0);
  s = &fx->steps[1];
  s->has_payload = true;
  s->seed = 9;
  s->size = 10000;
  step(QH_STEP_EXPECT, "OK", 0);
  step(QH_STEP_EXPECT, "+QFTPGET: 0,${data_len}", 0);
  module_says("\r\nCONNECT\r\n");
  module_sends_payload(9, 10000);
  module_says("\r\nOK\r\n\r\n+QFTPGET: 0,10000\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_msg(fx->r->verdict == QR_PASS, "%s", fx->r->reason);
  ck_assert_str_eq(qh_vars_get(&fx->vars, "data_len"), "10000");
}
END_TEST

START_TEST(test_expect_data_reports_offset)
{
  step(QH_STEP_EXPECT_DATA, NULL, 0);
  fx->steps[0].has_payload = true;
  fx->steps[0].seed = 9;
  fx->steps[0].size = 100;
  unsigned char b[100];
  qc_payload_fill(9, 0, b, sizeof b);
  b[77] ^= 0x20;
  ck_assert_int_eq(write(fx->sv[1], b, sizeof b), 100);
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "first difference at byte 77"));
}
END_TEST

START_TEST(test_expect_data_short)
{
  step(QH_STEP_EXPECT_DATA, "abcdef", 0);
  module_says("abc");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "after 3 bytes"));
}
END_TEST

static const struct {
  const char *module; /* what the module prints after CONNECT */
  const char *len;    /* ${data_len} */
} listing_cases[] = {
    {"a.txt\r\nsub\r\n\r\nOK\r\n", "12"}, /* CRLF before OK is framing */
    {"a.txt\r\nsub\r\nOK\r\n", "12"},       /* ...or the listing's own */
    {"OK\r\n", "0"},                          /* empty listing */
    {"\r\nOK\r\n", "0"},
    /* An entry named OK prints the marker too: only the one the URC
     * follows ends the listing. */
    {"a\r\nOK\r\nb\r\n\r\nOK\r\n", "10"},
    {"OK\r\nb\r\n\r\nOK\r\n", "7"},        /* first */
    {"a\r\nOK\r\n\r\nOK\r\n", "7"},        /* last, module's CRLF */
    {"a\r\nOK\r\nOK\r\n", "7"},              /* last, listing's CRLF */
    {"a\r\nOK\r\nOK\r\n\r\nOK\r\n", "11"},    /* two, at the end */
};

START_TEST(test_read_listing)
{
  step(QH_STEP_EXPECT, "CONNECT", 0);
  step(QH_STEP_READ_LISTING, NULL, 0);
  step(QH_STEP_EXPECT, "+QFTPLIST: 0,${data_len}", 0);
  char buf[128];
  snprintf(buf, sizeof buf, "\r\nCONNECT\r\n%s\r\n+QFTPLIST: 0,%s\r\n",
           listing_cases[_i].module, listing_cases[_i].len);
  module_says(buf);
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_msg(fx->r->verdict == QR_PASS, "%s", fx->r->reason);
  ck_assert_str_eq(qh_vars_get(&fx->vars, "data_len"), listing_cases[_i].len);
}
END_TEST

/* The URC after OK may arrive later than OK: the listing waits for it. */
START_TEST(test_read_listing_ok_entry_split)
{
  char *want[] = {"OK", "zz"};
  step(QH_STEP_READ_LISTING, NULL, 0);
  fx->steps[0].contains = want;
  fx->steps[0].ncontains = 2;
  step(QH_STEP_WAIT_FOR, "+QFTPNLST: 0,11", 0);
  module_says("a\r\nOK\r\n"); /* an entry, or the end? */
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    usleep(150 * 1000);
    module_says("zz\r\n\r\nOK\r\n\r\n+QFTPNLST: 0,11\r\n");
    _exit(0);
  }
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
  ck_assert_msg(fx->r->verdict == QR_PASS, "%s", fx->r->reason);
  ck_assert_str_eq(qh_vars_get(&fx->vars, "data_len"), "11");
}
END_TEST

START_TEST(test_read_listing_contains)
{
  char *want[] = {"b.txt"};
  step(QH_STEP_READ_LISTING, NULL, 0);
  fx->steps[0].contains = want;
  fx->steps[0].ncontains = 1;
  module_says("a.txt\r\n\r\nOK\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "`b.txt` is not in the listing"));
}
END_TEST

START_TEST(test_escape_guard_times)
{
  step(QH_STEP_ESCAPE, NULL, 2.0); /* 2 s of module time at scale 0.05 */
  int64_t t0 = qc_now_ms();
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  int64_t took = qc_now_ms() - t0;
  ck_assert_int_eq(fx->r->verdict, QR_PASS);
  ck_assert_int_ge(took, 2 * 170); /* 0.1 s, x1.5 + 20 ms, each side */
  char got[8] = "";
  ck_assert_int_eq(read(fx->sv[1], got, sizeof got - 1), 3);
  ck_assert_str_eq(got, "+++");
}
END_TEST

START_TEST(test_send_data_payload)
{
  step(QH_STEP_SEND_DATA, NULL, 0);
  fx->steps[0].has_payload = true;
  fx->steps[0].seed = 4;
  fx->steps[0].size = 5000;
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_PASS);
  unsigned char got[5000], want[5000];
  size_t n = 0;
  while (n < sizeof got) {
    ssize_t k = read(fx->sv[1], got + n, sizeof got - n);
    ck_assert_int_gt(k, 0);
    n += (size_t)k;
  }
  qc_payload_fill(4, 0, want, sizeof want);
  ck_assert_mem_eq(got, want, sizeof want);
}
END_TEST

START_TEST(test_dtr_on_socket_is_error)
{
  step(QH_STEP_DTR, NULL, 0);
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_ERROR);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "no DTR"));
}
END_TEST


START_TEST(test_wait_match_skips_to_a_match)
{
  step(QH_STEP_SEND, "AT+QFTPCLOSE", 0);
  step(QH_STEP_WAIT_MATCH, "^(\\+QFTPCLOSE:|ERROR)", 0);
  module_says("AT+QFTPCLOSE\r\r\nOK\r\n\r\n+QFTPCLOSE: 0,0\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_msg(fx->r->verdict == QR_PASS, "%s", fx->r->reason);
  ck_assert_uint_eq(fx->r->nunexpected, 1);
  ck_assert_str_eq(fx->r->unexpected[0], "OK");
}
END_TEST

static bool transcript_note_has(const char *part)
{
  for (size_t i = 0; i < fx->r->nlines; i++)
    if (fx->r->lines[i].dir == '#' && strstr(fx->r->lines[i].text, part))
      return true;
  return false;
}

/* The teardown's close: 603 is busy, whatever else the step allows. */
START_TEST(test_play_busy)
{
  step(QH_STEP_SEND, "AT+QFTPCLOSE", 0);
  step(QH_STEP_WAIT_MATCH, "^(\\+QFTPCLOSE:|ERROR|\\+CME ERROR)", 0);
  fx->steps[1].busy = "+CME ERROR: 603";
  fx->steps[1].optional = true;
  step(QH_STEP_SEND, "ATE1", 0);
  step(QH_STEP_EXPECT, "OK", 0);
  module_says("\r\n+QFTPGET: 0,10\r\n\r\n+CME ERROR: 603\r\n\r\nOK\r\n");
  char busy[64] = "";
  qr_verdict before = fx->r->verdict;
  ck_assert_int_eq(qh_engine_play(fx->eng, &fx->c, &fx->env, fx->r, busy, sizeof busy),
                   QH_ENGINE_BUSY);
  ck_assert_str_eq(busy, "+CME ERROR: 603");
  ck_assert(!transcript_has('>', "ATE1")); /* the steps stopped there */
  ck_assert_int_eq(fx->r->verdict, before); /* no verdict from a play */
  ck_assert_ptr_null(fx->r->reason);
  ck_assert_uint_eq(fx->r->nunexpected, 0); /* the teardown's are not */
}
END_TEST

/* An optional step that times out is noted; the next ones still run. A
 * step that is not optional stops the play. */
START_TEST(test_play_optional_then_failed)
{
  step(QH_STEP_WAIT_FOR, "+QFTPCLOSE: 0,0", 0);
  fx->steps[0].optional = true;
  step(QH_STEP_SEND, "AT", 0);
  step(QH_STEP_EXPECT, "OK", 0);
  step(QH_STEP_EXPECT, "OK", 0);
  step(QH_STEP_SEND, "ATI", 0);
  module_says("\r\nOK\r\n");
  ck_assert_int_eq(qh_engine_play(fx->eng, &fx->c, &fx->env, fx->r, NULL, 0),
                   QH_ENGINE_FAILED);
  ck_assert(transcript_has('>', "AT"));
  ck_assert(!transcript_has('>', "ATI"));
  ck_assert(transcript_note_has("(optional: going on)"));
  ck_assert(transcript_note_has("teardown step 3 (t.yaml:5:5)"));
  ck_assert_ptr_null(fx->r->reason);
}
END_TEST

/* In a case, an optional step does not fail it either. */
START_TEST(test_optional_step_in_a_case)
{
  step(QH_STEP_EXPECT, "X", 0);
  fx->steps[0].optional = true;
  step(QH_STEP_EXPECT, "B", 0);
  module_says("\r\nA\r\n\r\nB\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_msg(fx->r->verdict == QR_PASS, "%s", fx->r->reason);
  ck_assert(transcript_note_has("step 1 (t.yaml:3:5): expected `X`, got `A`"));
}
END_TEST

/* if_sent: the teardown resets only what the case's lines touched; a
 * send_raw makes every if_sent hold. */
START_TEST(test_play_if_sent)
{
  step(QH_STEP_SEND, "at+qftpcfg=\"transmode\",1", 0);
  step(QH_STEP_EXPECT, "OK", 0);
  module_says("OK\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_PASS);
  char got[256] = "";
  ck_assert_int_gt(read(fx->sv[1], got, sizeof got - 1), 0);

  qh_case td = {.id = "teardown", .steps = fx->steps + 8};
  fx->c.nsteps = 8;
  step(QH_STEP_SEND, "AT+QFTPCFG=\"filetype\",0", 0);
  fx->steps[8].if_sent = "QFTPCFG[^,]*filetype";
  step(QH_STEP_SEND, "AT+QFTPCFG=\"transmode\",0", 0);
  fx->steps[9].if_sent = "QFTPCFG[^,]*transmode";
  td.nsteps = 2;
  ck_assert_int_eq(qh_engine_play(fx->eng, &td, &fx->env, fx->r, NULL, 0),
                   QH_ENGINE_DONE);
  memset(got, 0, sizeof got);
  ck_assert_int_gt(read(fx->sv[1], got, sizeof got - 1), 0);
  ck_assert_str_eq(got, "AT+QFTPCFG=\"transmode\",0\r");

  /* A raw send: every reset plays. */
  fx->c.nsteps = 0;
  step(QH_STEP_SEND_RAW, "AT\\r", 0);
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_gt(read(fx->sv[1], got, sizeof got - 1), 0);
  ck_assert_int_eq(qh_engine_play(fx->eng, &td, &fx->env, fx->r, NULL, 0),
                   QH_ENGINE_DONE);
  usleep(20000);
  memset(got, 0, sizeof got);
  ck_assert_int_gt(read(fx->sv[1], got, sizeof got - 1), 0);
  ck_assert_ptr_nonnull(strstr(got, "filetype"));
}
END_TEST


/* The failure record: the step, what it wanted (variables expanded), the
 * line seen and its transcript index; the steps' statuses; each transcript
 * entry stamped with its step. A fragment's step names the fragment, and
 * paths under the home are shown relative to it. */
START_TEST(test_failure_record_and_steps)
{
  fx->env.home = "/proj";
  fx->c.path = "/proj/cases/t.yaml";
  step(QH_STEP_SEND, "AT+QFTPOPEN=\"h\",${port}", 0);
  fx->steps[0].where.file = "/proj/cases/_fragments/login.yaml";
  step(QH_STEP_EXPECT, "+QFTPOPEN: 0,${port}", 0);
  fx->steps[1].where.file = "/proj/cases/t.yaml";
  step(QH_STEP_EXPECT, "OK", 0);
  fx->steps[2].where.file = "/proj/cases/t.yaml";
  module_says("AT+QFTPOPEN=\"h\",2121\r\r\n+QFTPOPEN: 625\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_ptr_nonnull(strstr(fx->r->reason, "step 2 (cases/t.yaml:4:5)"));
  const qr_failure *f = fx->r->failure;
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->step, 2);
  ck_assert_str_eq(f->kind, "expect");
  ck_assert_str_eq(f->where, "cases/t.yaml:4:5");
  ck_assert_ptr_null(f->fragment);
  ck_assert_str_eq(f->expected, "+QFTPOPEN: 0,2121");
  ck_assert_str_eq(f->seen, "+QFTPOPEN: 625");
  ck_assert_int_ge(f->line, 0);
  ck_assert_uint_lt((size_t)f->line, fx->r->nlines);
  ck_assert_str_eq(fx->r->lines[f->line].text, "+QFTPOPEN: 625");
  ck_assert_int_eq(fx->r->lines[f->line].dir, '<');
  ck_assert_int_eq(fx->r->lines[f->line].step, 2);

  ck_assert_uint_eq(fx->r->nsteps, 3);
  ck_assert_str_eq(fx->r->steps[0].kind, "send");
  ck_assert_str_eq(fx->r->steps[0].where,
                   "cases/_fragments/login.yaml:3:5");
  ck_assert_str_eq(fx->r->steps[0].fragment, "login");
  ck_assert_int_eq(fx->r->steps[0].status, QR_STEP_PASS);
  ck_assert_ptr_null(fx->r->steps[1].fragment);
  ck_assert_int_eq(fx->r->steps[1].status, QR_STEP_FAIL);
  ck_assert(fx->r->steps[1].t >= fx->r->steps[0].t);
  ck_assert_int_eq(fx->r->steps[2].status, QR_STEP_NOT_RUN);
  ck_assert(fx->r->steps[2].t != fx->r->steps[2].t); /* NAN: not run */
  /* The send's echo and line belong to step 1; after the steps, 0. */
  ck_assert(transcript_has('>', "AT+QFTPOPEN=\"h\",2121"));
  for (size_t i = 0; i < fx->r->nlines; i++)
    if (fx->r->lines[i].dir == '>')
      ck_assert_int_eq(fx->r->lines[i].step, 1);
  ck_assert_int_eq(fx->r->cur_step, 0);
}
END_TEST

/* A wait that times out: seen is a sentence, no line; a case outside the
 * home keeps its path as given. */
START_TEST(test_failure_record_timeout)
{
  fx->env.home = "/elsewhere";
  step(QH_STEP_WAIT_FOR, "+QFTPGET: 0,${port}", 0);
  module_says("\r\n+QIURC: 1\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  const qr_failure *f = fx->r->failure;
  ck_assert_ptr_nonnull(f);
  ck_assert_str_eq(f->kind, "wait_for");
  ck_assert_str_eq(f->where, "t.yaml:3:5");
  ck_assert_str_eq(f->expected, "+QFTPGET: 0,2121");
  ck_assert_ptr_nonnull(strstr(f->seen, "nothing within"));
  ck_assert_ptr_nonnull(strstr(f->seen, "last `+QIURC: 1`"));
  ck_assert_int_eq(f->line, -1);
}
END_TEST

/* Silence and payload steps say what they wanted in words; an optional
 * step that failed is "optional-failed", a passing case has no record. */
START_TEST(test_failure_record_silence_and_optional)
{
  step(QH_STEP_EXPECT, "X", 0);
  fx->steps[0].optional = true;
  step(QH_STEP_SILENCE, NULL, 0.4);
  module_says("\r\nA\r\n");
  usleep(50000);
  module_says("\r\nRING\r\n");
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_int_eq(fx->r->steps[0].status, QR_STEP_OPTIONAL_FAILED);
  ck_assert_int_eq(fx->r->steps[1].status, QR_STEP_FAIL);
  ck_assert_str_eq(fx->r->failure->kind, "silence");
  ck_assert_str_eq(fx->r->failure->expected, "silence for 0.40 s");
  ck_assert_str_eq(fx->r->failure->seen, "RING");
  ck_assert_str_eq(fx->r->lines[fx->r->failure->line].text, "RING");

  /* The same result entry run again, passing: the record goes. */
  fx->c.nsteps = 0;
  step(QH_STEP_EXPECT_DATA, NULL, 0);
  fx->steps[0].has_payload = true;
  fx->steps[0].seed = 3;
  fx->steps[0].size = 10;
  module_sends_payload(3, 10);
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_PASS);
  ck_assert_ptr_null(fx->r->failure);
}
END_TEST

START_TEST(test_failure_record_expect_data)
{
  step(QH_STEP_EXPECT_DATA, NULL, 0);
  fx->steps[0].has_payload = true;
  fx->steps[0].seed = 3;
  fx->steps[0].size = 100;
  unsigned char b[100];
  qc_payload_fill(3, 0, b, sizeof b);
  b[10] ^= 0x01;
  ck_assert_int_eq(write(fx->sv[1], b, sizeof b), 100);
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  ck_assert_int_eq(fx->r->verdict, QR_FAIL);
  ck_assert_str_eq(fx->r->failure->expected, "100 bytes, seed 3");
  ck_assert_ptr_nonnull(strstr(fx->r->failure->seen, "byte 10 is 0x"));
}
END_TEST

/* A line that is not open: no step's failure, the environment's. */
START_TEST(test_failure_record_environment)
{
  step(QH_STEP_SEND, "AT", 0);
  fx->t.fd = -1;
  qh_engine_run(fx->eng, &fx->c, &fx->env, fx->r);
  fx->t.fd = fx->sv[0];
  ck_assert_int_eq(fx->r->verdict, QR_ERROR);
  ck_assert_int_eq(fx->r->failure->step, 0);
  ck_assert_str_eq(fx->r->failure->kind, "environment");
  ck_assert_ptr_null(fx->r->failure->where);
  ck_assert_int_eq(fx->r->steps[0].status, QR_STEP_NOT_RUN);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("harness.engine");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_send_expect_skips_echo);
  tcase_add_test(tc, test_failure_record_and_steps);
  tcase_add_test(tc, test_failure_record_timeout);
  tcase_add_test(tc, test_failure_record_silence_and_optional);
  tcase_add_test(tc, test_failure_record_expect_data);
  tcase_add_test(tc, test_failure_record_environment);
  tcase_add_test(tc, test_expect_mismatch_names_step);
  tcase_add_test(tc, test_dead_server_is_error);
  tcase_add_test(tc, test_wait_for_records_unexpected);
  tcase_add_test(tc, test_timeout_and_scaling);
  tcase_add_test(tc, test_silence_broken);
  tcase_add_test(tc, test_silence_kept_after_echo);
  tcase_add_test(tc, test_silence_framing_then_late_urc);
  tcase_add_test(tc, test_unknown_variable_is_error);
  tcase_add_test(tc, test_hangup);
  tcase_add_test(tc, test_send_raw_bytes);
  tcase_add_test(tc, test_silence_partial_line_then_hangup);
  tcase_add_test(tc, test_expect_data_byte_exact);
  tcase_add_test(tc, test_expect_data_reports_offset);
  tcase_add_test(tc, test_expect_data_short);
  tcase_add_loop_test(tc, test_read_listing, 0,
                      sizeof listing_cases / sizeof listing_cases[0]);
  tcase_add_test(tc, test_read_listing_contains);
  tcase_add_test(tc, test_read_listing_ok_entry_split);
  tcase_add_test(tc, test_wait_match_skips_to_a_match);
  tcase_add_test(tc, test_play_busy);
  tcase_add_test(tc, test_play_if_sent);
  tcase_add_test(tc, test_play_optional_then_failed);
  tcase_add_test(tc, test_optional_step_in_a_case);
  tcase_add_test(tc, test_escape_guard_times);
  tcase_add_test(tc, test_send_data_payload);
  tcase_add_test(tc, test_dtr_on_socket_is_error);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
