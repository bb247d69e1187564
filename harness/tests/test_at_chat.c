/* Unit tests: the AT chat layer against a scripted module on a socketpair. */
#include "at_chat.h"

#include "qc_io.h"
#include "qc_time.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake_transport.h"

typedef struct fixture {
  int sv[2];
  qh_transport t;
  qh_lines lines;
  qh_chat chat;
  char log[4096]; /* "<dir>text\n" per recorded line */
} fixture;

static fixture *fx;

static void on_line(void *ctx, char dir, const char *text, size_t len,
                    bool cut)
{
  (void)ctx;
  (void)cut;
  size_t o = strlen(fx->log);
  snprintf(fx->log + o, sizeof fx->log - o, "%c%.*s\n", dir, (int)len, text);
}

static void setup(void)
{
  fx = calloc(1, sizeof *fx);
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fx->sv), 0);
  fx->t.ops = &fake_ops;
  fx->t.fd = fx->sv[0];
  qh_lines_init(&fx->lines);
  qh_chat_init(&fx->chat, &fx->t, &fx->lines, on_line, NULL);
}

static void teardown(void)
{
  close(fx->sv[0]);
  close(fx->sv[1]);
  free(fx);
}

static void module_says(const char *bytes)
{
  ck_assert_int_eq(write(fx->sv[1], bytes, strlen(bytes)),
                   (ssize_t)strlen(bytes));
}

START_TEST(test_final_codes)
{
  ck_assert_int_eq(qh_chat_final_of("OK"), QH_FINAL_OK);
  ck_assert_int_eq(qh_chat_final_of("ERROR"), QH_FINAL_ERROR);
  ck_assert_int_eq(qh_chat_final_of("+CME ERROR: 603"), QH_FINAL_ERROR);
  ck_assert_int_eq(qh_chat_final_of("+CMS ERROR: 500"), QH_FINAL_ERROR);
  ck_assert_int_eq(qh_chat_final_of("CONNECT"), QH_FINAL_CONNECT);
  ck_assert_int_eq(qh_chat_final_of("NO CARRIER"), QH_FINAL_NO_CARRIER);
  ck_assert_int_eq(qh_chat_final_of("OKAY"), QH_FINAL_NONE);
  ck_assert_int_eq(qh_chat_final_of("+QFTPOPEN: 0,0"), QH_FINAL_NONE);
}
END_TEST

/* The echo is recorded and skipped, URCs before the final code kept. */
START_TEST(test_cmd_collects_to_final)
{
  module_says("AT+CPIN?\r\r\n+QIURC: \"x\"\r\n\r\n+CPIN: READY\r\n\r\nOK\r\n");
  qh_chat_reply a;
  qh_chat_cmd(&fx->chat, "AT+CPIN?", qc_deadline_in(1000), &a);
  ck_assert_int_eq(a.rc, 1);
  ck_assert_int_eq(a.final, QH_FINAL_OK);
  ck_assert(fx->chat.echoed);
  ck_assert_uint_eq(a.ninfo, 2);
  ck_assert_str_eq(a.infop[1], "+CPIN: READY");
  ck_assert_str_eq(fx->log, ">AT+CPIN?\n<AT+CPIN?\n<+QIURC: \"x\"\n"
                            "<+CPIN: READY\n<OK\n");
  char got[32] = "";
  ck_assert_int_eq(read(fx->sv[1], got, sizeof got - 1), 9);
  ck_assert_str_eq(got, "AT+CPIN?\r");
}
END_TEST

START_TEST(test_cmd_error_and_timeout)
{
  module_says("\r\n+CME ERROR: 603\r\n");
  qh_chat_reply a;
  qh_chat_cmd(&fx->chat, "AT+QFTPCLOSE", qc_deadline_in(1000), &a);
  ck_assert_int_eq(a.rc, 1);
  ck_assert_int_eq(a.final, QH_FINAL_ERROR);
  ck_assert_str_eq(a.final_text, "+CME ERROR: 603");
  ck_assert(!fx->chat.echoed);
  qh_chat_cmd(&fx->chat, "AT", qc_deadline_in(100), &a);
  ck_assert_int_eq(a.rc, QC_IO_TIMEOUT);
}
END_TEST

/* A wait ends within a slice of the flag reaching the chat's level. */
START_TEST(test_interrupt_level)
{
  volatile sig_atomic_t flag = 1;
  fx->chat.interrupted = &flag;
  fx->chat.interrupt_level = 2;
  qh_line ln;
  int64_t t0 = qc_now_ms();
  ck_assert_int_eq(qh_chat_next(&fx->chat, qc_deadline_in(300), &ln),
                   QC_IO_TIMEOUT);
  ck_assert_int_ge(qc_now_ms() - t0, 290);
  flag = 2;
  ck_assert_int_eq(qh_chat_next(&fx->chat, qc_deadline_in(5000), &ln),
                   QH_CHAT_INTERRUPTED);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("harness.chat");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_final_codes);
  tcase_add_test(tc, test_cmd_collects_to_final);
  tcase_add_test(tc, test_cmd_error_and_timeout);
  tcase_add_test(tc, test_interrupt_level);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
