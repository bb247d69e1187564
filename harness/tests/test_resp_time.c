/* Unit tests of resp_time: the note's maximum response times checked over
 * hand-made transcripts: the bound named, rsptimeout followed, time scale,
 * tolerance and host margin applied, URC bounds from the command, CONNECT
 * bounds, UFS: transfers unbounded, the case's verdict and record. */
#include "resp_time.h"

#include <check.h>
#include <math.h>
#include <string.h>

typedef struct tl {
  double t;
  char dir;
  const char *text;
  int step;
} tl;

enum { MAXL = 32 };

/* The transcript as the model stores it (text is not written). */
static size_t mk(const tl *in, size_t n, qr_tline *out)
{
  for (size_t i = 0; i < n; i++)
    out[i] = (qr_tline){.t = in[i].t, .dir = in[i].dir,
                        .text = (char *)in[i].text, .step = in[i].step};
  return n;
}

/* Tolerance 0 %, margin 0 ms, scale 1: the note's bare bounds. */
static qh_rt_limits bare(void)
{
  qh_rt_limits l;
  qh_rt_limits_from_profile(NULL, 1, &l);
  l.tolerance_pct = 0;
  l.margin_ms = 0;
  return l;
}

static long check(const tl *in, size_t n, const qh_rt_limits *lim,
                  qh_rt_late *late, size_t *nlate)
{
  qr_tline lines[MAXL];
  mk(in, n, lines);
  return qh_rt_check(lines, n, lim, late, 4, nlate, NULL);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(profile_defaults)
{
  qh_rt_limits l;
  qh_rt_limits_from_profile(NULL, 0.05, &l);
  ck_assert_double_eq(l.fixed_ms[QH_RT_FIXED_CFG], 300);
  ck_assert_double_eq(l.fixed_ms[QH_RT_FIXED_OPEN], 125000);
  ck_assert_double_eq(l.tolerance_pct, 10);
  ck_assert_double_eq(l.margin_ms, 250);
  ck_assert_double_eq(l.rsptimeout_s, 90);
  ck_assert_double_eq(l.time_scale, 0.05);
  ck_assert_str_eq(qh_rt_key(QH_RT_FIXED_CFG), "response_ms.qftpcfg");
  ck_assert_ptr_null(qh_rt_key(QH_RT_RSPTIMEOUT));
  /* Every row names a command and a section; no family twice. */
  for (size_t i = 0; i < qh_rt_count(); i++) {
    const qh_rt_bound *b = qh_rt_at(i);
    ck_assert_ptr_eq(qh_rt_find(b->cmd), b);
    ck_assert(strncmp(b->section, "2.", 2) == 0);
  }
  ck_assert_ptr_null(qh_rt_find("AT+QIACT"));
}
END_TEST

static const tl cfg_412[] = {
    {1.000, '>', "AT+QFTPCFG=\"filetype\",0", 1},
    {1.001, '<', "AT+QFTPCFG=\"filetype\",0", 2},
    {1.412, '<', "OK", 2},
};

START_TEST(fast_passes)
{
  static const tl in[] = {
      {1.000, '>', "AT+QFTPCFG=\"filetype\",0", 1},
      {1.100, '<', "OK", 2},
  };
  qh_rt_limits lim = bare();
  qh_rt_late late[4];
  size_t nlate;
  ck_assert_int_eq(check(in, N(in), &lim, late, &nlate), 1);
  ck_assert_uint_eq(nlate, 0);
}
END_TEST

START_TEST(slow_fails_naming_bound)
{
  qh_rt_limits lim = bare();
  lim.tolerance_pct = 10; /* 330 ms */
  qh_rt_late late[4];
  size_t nlate;
  ck_assert_int_eq(check(cfg_412, N(cfg_412), &lim, late, &nlate), 1);
  ck_assert_uint_eq(nlate, 1);
  ck_assert_uint_eq(late[0].line, 2);
  ck_assert_int_eq(late[0].step, 2);
  ck_assert(fabs(late[0].s - 0.412) < 1e-9);
  ck_assert(fabs(late[0].limit_s - 0.330) < 1e-9);
  char msg[256];
  qh_rt_describe(&late[0], &lim, msg, sizeof msg);
  ck_assert_str_eq(msg, "AT+QFTPCFG answered OK after 412 ms, the note "
                        "allows 300 ms (2.1; tolerance 10 % + 0 ms host "
                        "time)");
}
END_TEST

/* The default margin (250 ms of host time) takes 412 ms in; 600 not. */
START_TEST(tolerance_and_margin)
{
  qh_rt_limits lim;
  qh_rt_limits_from_profile(NULL, 1, &lim);
  qh_rt_late late[4];
  size_t nlate;
  check(cfg_412, N(cfg_412), &lim, late, &nlate);
  ck_assert_uint_eq(nlate, 0);
  tl in[N(cfg_412)];
  memcpy(in, cfg_412, sizeof in);
  in[2].t = 1.581; /* 300 x 1.1 + 250 = 580 ms */
  check(in, N(in), &lim, late, &nlate);
  ck_assert_uint_eq(nlate, 1);
  in[2].t = 1.579;
  check(in, N(in), &lim, late, &nlate);
  ck_assert_uint_eq(nlate, 0);
}
END_TEST

/* Module time is real time / scale; the host margin is real time. */
START_TEST(time_scale_applied)
{
  static const tl in[] = {
      {1.000, '>', "AT+QFTPCFG=\"filetype\",0", 1},
      {1.020, '<', "OK", 2}, /* 400 ms of module time at 0.05 */
  };
  qh_rt_limits lim = bare();
  lim.time_scale = 0.05;
  qh_rt_late late[4];
  size_t nlate;
  check(in, N(in), &lim, late, &nlate);
  ck_assert_uint_eq(nlate, 1);
  ck_assert(fabs(late[0].s - 0.4) < 1e-9);
  char msg[256];
  lim.margin_ms = 10; /* 200 ms of module time: 500 ms allowed */
  check(in, N(in), &lim, late, &nlate);
  ck_assert_uint_eq(nlate, 0);
  lim.margin_ms = 4; /* 80 ms: 380 ms allowed */
  check(in, N(in), &lim, late, &nlate);
  ck_assert_uint_eq(nlate, 1);
  ck_assert(fabs(late[0].limit_s - 0.38) < 1e-9);
  qh_rt_describe(&late[0], &lim, msg, sizeof msg);
  ck_assert_msg(strstr(msg, "after 400 ms, the note allows 300 ms (2.1; "
                            "tolerance 0 % + 4 ms host time, 80 ms of module "
                            "time at time scale 0.05)") != NULL,
                "%s", msg);
}
END_TEST

/* rsptimeout follows a '>' set answered OK; an ERROR, or a set that is only
 * an echo ('<'), changes nothing. */
START_TEST(rsptimeout_tracked)
{
  tl in[] = {
      {0.0, '>', "AT+QFTPCFG=\"rsptimeout\",20", 1},
      {0.0, '<', "AT+QFTPCFG=\"rsptimeout\",20", 2},
      {0.1, '<', "OK", 2},
      {1.0, '>', "AT+QFTPPWD", 3},
      {1.1, '<', "OK", 4},
      {26.0, '<', "+QFTPPWD: 609,0", 5}, /* 25 s > 20 s */
  };
  qh_rt_limits lim = bare();
  qh_rt_late late[4];
  size_t nlate;
  ck_assert_int_eq(check(in, N(in), &lim, late, &nlate), 2);
  ck_assert_uint_eq(nlate, 1);
  ck_assert_str_eq(late[0].b->cmd, "AT+QFTPPWD");
  ck_assert_double_eq(late[0].bound_s, 20);
  ck_assert_int_eq(late[0].step, 5);
  char msg[256];
  qh_rt_describe(&late[0], &lim, msg, sizeof msg);
  ck_assert_str_eq(msg, "AT+QFTPPWD gave +QFTPPWD: 609,0 after 25 s, the "
                        "note allows 20 s (2.4: rsptimeout 20 s; tolerance "
                        "0 % + 0 ms host time)");
  in[2].text = "+CME ERROR: 610"; /* refused: still 90 s */
  check(in, N(in), &lim, late, &nlate);
  ck_assert_uint_eq(nlate, 0);
  in[2].text = "OK";
  in[0].dir = '<'; /* only the echo: nothing was sent */
  check(in, N(in), &lim, late, &nlate);
  ck_assert_uint_eq(nlate, 0);
  /* "rsp_time_out" is the same key to a lenient firmware. */
  in[0].dir = '>';
  in[0].text = "at+qftpcfg=\"RSP_TIME_OUT\",20";
  check(in, N(in), &lim, late, &nlate);
  ck_assert_uint_eq(nlate, 1);
  /* A query is not a set. */
  in[0].text = "AT+QFTPCFG=\"rsptimeout\"";
  check(in, N(in), &lim, late, &nlate);
  ck_assert_uint_eq(nlate, 0);
}
END_TEST

/* A URC's bound runs from the command, through its OK. */
START_TEST(urc_bound_from_command)
{
  static const tl in[] = {
      {0.0, '>', "AT+QFTPCWD=\"/\"", 1},
      {50.0, '<', "OK", 2},
      {95.0, '<', "+QFTPCWD: 0,0", 3}, /* 45 s after OK, 95 s in all */
  };
  qh_rt_limits lim = bare();
  qh_rt_late late[4];
  size_t nlate;
  ck_assert_int_eq(check(in, N(in), &lim, late, &nlate), 1);
  ck_assert_uint_eq(nlate, 1);
  ck_assert_double_eq(late[0].s, 95);
  ck_assert_double_eq(late[0].bound_s, 90);
  ck_assert_str_eq(qh_rt_what_name(late[0].b->what), "urc");
  /* AT+QFTPOPEN: 125 s, not rsptimeout. */
  static const tl open[] = {
      {0.0, '>', "AT+QFTPOPEN=\"h\",21", 1},
      {0.1, '<', "OK", 2},
      {120.0, '<', "+QFTPOPEN: 609,0", 3},
  };
  ck_assert_int_eq(check(open, N(open), &lim, late, &nlate), 1);
  ck_assert_uint_eq(nlate, 0);
}
END_TEST

/* COM: transfers are bounded to CONNECT; UFS: ones are not bounded. */
START_TEST(connect_bound_and_ufs_unbounded)
{
  static const tl com[] = {
      {0.0, '>', "AT+QFTPGET=\"a.bin\",\"COM:\"", 1},
      {95.0, '<', "CONNECT", 2},
      {96.0, '<', "data", 3},
      {97.0, '<', "OK", 3},
      {98.0, '<', "+QFTPGET: 0,4", 4},
  };
  qh_rt_limits lim = bare();
  qh_rt_late late[4];
  size_t nlate;
  ck_assert_int_eq(check(com, N(com), &lim, late, &nlate), 1);
  ck_assert_uint_eq(nlate, 1);
  ck_assert_str_eq(qh_rt_what_name(late[0].b->what), "connect");
  ck_assert_str_eq(late[0].seen, "CONNECT");
  ck_assert_str_eq(late[0].b->section, "2.6");
  static const tl ufs[] = {
      {0.0, '>', "AT+QFTPGET=\"a.bin\",\"UFS:a.bin\"", 1},
      {0.1, '<', "OK", 2},
      {500.0, '<', "+QFTPGET: 0,100000000", 3},
  };
  ck_assert_int_eq(check(ufs, N(ufs), &lim, late, &nlate), 0);
  ck_assert_uint_eq(nlate, 0);
}
END_TEST

/* The preflight's and the teardown's commands are not the case's. */
START_TEST(outside_steps_unchecked)
{
  static const tl in[] = {
      {0.0, '>', "AT+QFTPCFG=\"filetype\",0", 0},
      {5.0, '<', "OK", 0},
      {6.0, '>', "AT+QFTPCFG=\"filetype\",0", -1},
      {9.0, '<', "OK", -1},
      {10.0, '>', "AT+QFTPCLOSE", 3},
      {10.1, '<', "OK", 4},
      {300.0, '<', "+QFTPCLOSE: 0,0", -1}, /* read by the teardown */
  };
  qh_rt_limits lim = bare();
  qh_rt_late late[4];
  size_t nlate;
  ck_assert_int_eq(check(in, N(in), &lim, late, &nlate), 0);
  ck_assert_uint_eq(nlate, 0);
}
END_TEST

/* A case that passed fails with the record; one that failed keeps its
 * verdict and takes a note. */
START_TEST(case_verdicts)
{
  qr_run_result *r = qr_run_result_new("sim", "note", 1);
  qr_case_result *c = qr_run_add_case(r, "x.y", "t", "2.1", "f", NULL, 0);
  qr_case_add_step(c, "send", "cases/x.yaml:6:5", NULL);
  qr_case_add_step(c, "expect", "cases/x.yaml:7:5", "login");
  for (size_t i = 0; i < N(cfg_412); i++) {
    c->cur_step = cfg_412[i].step;
    qr_case_add_line(c, cfg_412[i].t, cfg_412[i].dir, cfg_412[i].text,
                     (size_t)-1);
  }
  qh_rt_limits lim = bare();
  qh_rt_check_case(c, &lim);
  ck_assert_int_eq(c->verdict, QR_FAIL);
  ck_assert_int_eq(c->failed_step, 2);
  ck_assert_str_eq(c->reason, "step 2 (cases/x.yaml:7:5): AT+QFTPCFG "
                              "answered OK after 412 ms, the note allows "
                              "300 ms (2.1; tolerance 0 % + 0 ms host time)");
  ck_assert_ptr_nonnull(c->failure);
  ck_assert_str_eq(c->failure->kind, "response-time");
  ck_assert_str_eq(c->failure->where, "cases/x.yaml:7:5");
  ck_assert_str_eq(c->failure->fragment, "login");
  ck_assert_str_eq(c->failure->seen, "OK after 412 ms");
  ck_assert_int_eq(c->failure->line, 2);
  ck_assert_int_eq(c->rt_checked, 1);
  ck_assert_uint_eq(c->nrt_late, 1);
  ck_assert_str_eq(c->rt_late[0].bound, "ok");
  ck_assert(c->rt_worst > 1.3);

  qr_case_result *d = qr_run_add_case(r, "x.z", "t", "2.1", "f", NULL, 0);
  ck_assert_int_eq(d->rt_checked, -1); /* not checked yet */
  for (size_t i = 0; i < N(cfg_412); i++)
    qr_case_add_line(d, cfg_412[i].t, cfg_412[i].dir, cfg_412[i].text,
                     (size_t)-1);
  d->lines[0].step = 1;
  d->lines[2].step = 2;
  qr_case_set_verdict(d, QR_FAIL, 1, "step 1: something else");
  size_t before = d->nlines;
  qh_rt_check_case(d, &lim);
  ck_assert_str_eq(d->reason, "step 1: something else");
  ck_assert_int_eq(d->failed_step, 1);
  ck_assert_uint_eq(d->nlines, before + 1);
  ck_assert_int_eq(d->lines[before].dir, '#');
  ck_assert(strstr(d->lines[before].text, "the note allows 300 ms"));

  /* A sleep step between the command and its OK: only a note. */
  qr_case_result *e = qr_run_add_case(r, "x.s", "t", "2.1", "f", NULL, 0);
  qr_case_add_step(e, "send", "cases/x.yaml:6:5", NULL);
  qr_case_add_step(e, "sleep", "cases/x.yaml:7:5", NULL);
  qr_case_add_step(e, "expect", "cases/x.yaml:8:5", NULL);
  for (size_t i = 0; i < N(cfg_412); i++)
    qr_case_add_line(e, cfg_412[i].t, cfg_412[i].dir, cfg_412[i].text,
                     (size_t)-1);
  e->lines[0].step = 1;
  e->lines[2].step = 3;
  qh_rt_check_case(e, &lim);
  ck_assert_int_eq(e->verdict, QR_PASS);
  ck_assert_uint_eq(e->nrt_late, 0);
  ck_assert(strstr(e->lines[e->nlines - 1].text, "a sleep step came between"));
  qr_run_result_free(r);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("resp_time");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, profile_defaults);
  tcase_add_test(tc, fast_passes);
  tcase_add_test(tc, slow_fails_naming_bound);
  tcase_add_test(tc, tolerance_and_margin);
  tcase_add_test(tc, time_scale_applied);
  tcase_add_test(tc, rsptimeout_tracked);
  tcase_add_test(tc, urc_bound_from_command);
  tcase_add_test(tc, connect_bound_and_ufs_unbounded);
  tcase_add_test(tc, outside_steps_unchecked);
  tcase_add_test(tc, case_verdicts);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
