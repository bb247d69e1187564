/* The AT framer, splitter and parameter parser (1.2), table-driven. */
#include "sim_at.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Feeds `in` (n bytes) one byte at a time; records events in order:
 * 'L' line (and its text appended to lines, '|' separated), 'E' error. */
static void frame_all(const char *in, size_t n, char *evs, size_t evlen,
                      char *lines, size_t llen)
{
  sim_at_framer f;
  sim_at_framer_init(&f);
  size_t e = 0, l = 0;
  evs[0] = lines[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    sim_at_event ev = sim_at_framer_byte(&f, (unsigned char)in[i]);
    if (ev == SIM_AT_EV_NONE)
      continue;
    ck_assert_uint_lt(e + 1, evlen);
    evs[e++] = ev == SIM_AT_EV_LINE ? 'L' : 'E';
    evs[e] = '\0';
    if (ev == SIM_AT_EV_LINE) {
      size_t len;
      const char *s = sim_at_framer_line(&f, &len);
      ck_assert_uint_lt(l + len + 2, llen);
      memcpy(lines + l, s, len);
      l += len;
      lines[l++] = '|';
      lines[l] = '\0';
    }
  }
}

static const struct {
  const char *in;
  size_t n; /* 0: strlen */
  const char *events;
  const char *lines;
} frame_cases[] = {
    {"AT\r", 0, "L", "AT|"},
    {"at\r\nAt\raT\r", 0, "LLL", "at|At|aT|"},
    {"\n\nAT\n\r", 0, "L", "AT|"},
    {"\r\r\r", 0, "", ""},
    {"xyzAT\rAT\r", 0, "EL", "AT|"},
    {"A\rT\r", 0, "EE", ""},
    {"AT+X=\"a,b\"\r", 0, "L", "AT+X=\"a,b\"|"},
    {"A\0T\rAT\r", 7, "EL", "AT|"},
    {"AT\0\r", 4, "L", "AT\0|"},
    {"\xff\xfe\r", 0, "E", ""},
};

START_TEST(test_framer_table)
{
  char evs[16], lines[256];
  const char *in = frame_cases[_i].in;
  size_t n = frame_cases[_i].n ? frame_cases[_i].n : strlen(in);
  frame_all(in, n, evs, sizeof evs, lines, sizeof lines);
  ck_assert_str_eq(evs, frame_cases[_i].events);
  ck_assert_mem_eq(lines, frame_cases[_i].lines,
                   strlen(frame_cases[_i].lines) + 1);
}
END_TEST

START_TEST(test_framer_overlong)
{
  /* 10 KB without CR: one ERROR at the CR, bounded buffer, then AT works. */
  size_t big = 10 * 1024;
  char *in = malloc(big + 8);
  ck_assert_ptr_nonnull(in);
  memset(in, 'A', big);
  memcpy(in + big, "\rAT\r", 4);
  char evs[16], lines[64];
  frame_all(in, big + 4, evs, sizeof evs, lines, sizeof lines);
  ck_assert_str_eq(evs, "EL");
  ck_assert_str_eq(lines, "AT|");
  free(in);
}
END_TEST

START_TEST(test_framer_limit_exact)
{
  /* A line of exactly SIM_AT_LINE_MAX bytes is kept; one more is not. */
  static char in[SIM_AT_LINE_MAX + 8];
  memset(in, 'x', sizeof in);
  in[0] = 'A';
  in[1] = 'T';
  in[SIM_AT_LINE_MAX] = '\r';
  char evs[16], lines[SIM_AT_LINE_MAX + 16];
  frame_all(in, SIM_AT_LINE_MAX + 1, evs, sizeof evs, lines, sizeof lines);
  ck_assert_str_eq(evs, "L");
  in[SIM_AT_LINE_MAX] = 'x';
  in[SIM_AT_LINE_MAX + 1] = '\r';
  frame_all(in, SIM_AT_LINE_MAX + 2, evs, sizeof evs, lines, sizeof lines);
  ck_assert_str_eq(evs, "E");
}
END_TEST

/* What ATE1 sends back for the host bytes `in`: each byte the framer
 * says it echoes, in the order main.c feeds them (echo, then frame). */
static const struct {
  const char *in;
  const char *echo;
} echo_cases[] = {
    {"AT\r", "AT\r"},
    /* CR LF line ends (Quectel's host SDK): the LF is not echoed, so the
     * response is the next line after the echo. */
    {"AT\r\n", "AT\r"},
    {"AT+QFTPGET=\"a\",\"COM:\"\r\nAT\r\n",
     "AT+QFTPGET=\"a\",\"COM:\"\rAT\r"},
    /* Only the LF right after a CR; a stray LF elsewhere is echoed. */
    {"\nAT\r", "\nAT\r"},
    {"A\nT\r\n", "A\nT\r"},
    {"AT\r\n\n", "AT\r\n"},
    /* A CR alone (empty line) still ends a line for this purpose. */
    {"\r\nAT\r\n", "\rAT\r"},
    /* After a garbage line (ERROR) too. */
    {"xx\r\nAT\r\n", "xx\rAT\r"},
    {"AT\n\r", "AT\n\r"},
};

START_TEST(test_echo_table)
{
  sim_at_framer f;
  sim_at_framer_init(&f);
  const char *in = echo_cases[_i].in;
  char out[128];
  size_t o = 0;
  for (size_t i = 0; in[i]; i++) {
    if (sim_at_framer_echoes(&f, (unsigned char)in[i]))
      out[o++] = in[i];
    (void)sim_at_framer_byte(&f, (unsigned char)in[i]);
  }
  out[o] = '\0';
  ck_assert_str_eq(out, echo_cases[_i].echo);
}
END_TEST

static const struct {
  const char *line;
  int rc;
  const char *name;
  sim_at_form form;
  const char *args;
} split_cases[] = {
    {"AT", 0, "", SIM_AT_FORM_EXEC, ""},
    {"ATE0", 0, "E", SIM_AT_FORM_SET, "0"},
    {"ati", 0, "I", SIM_AT_FORM_EXEC, ""},
    {"AT+qftpcfg=?", 0, "+QFTPCFG", SIM_AT_FORM_TEST, ""},
    {"AT+CPIN?", 0, "+CPIN", SIM_AT_FORM_QUERY, ""},
    {"AT+QFTPOPEN=\"h\",21", 0, "+QFTPOPEN", SIM_AT_FORM_SET, "\"h\",21"},
    {"AT+QFTPPWD", 0, "+QFTPPWD", SIM_AT_FORM_EXEC, ""},
    {"AT&D1", 0, "&D1", SIM_AT_FORM_EXEC, ""},
    {"AT+", -1, "", 0, ""},
    {"AT+CPIN?x", -1, "", 0, ""},
    {"AT#x", -1, "", 0, ""},
    {"AT+ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG", -1, "", 0, ""},
};

START_TEST(test_split_table)
{
  sim_at_cmd c;
  const char *l = split_cases[_i].line;
  int rc = sim_at_split(l, strlen(l), &c);
  ck_assert_int_eq(rc, split_cases[_i].rc);
  if (rc != 0)
    return;
  ck_assert_str_eq(c.name, split_cases[_i].name);
  ck_assert_int_eq(c.form, split_cases[_i].form);
  ck_assert_uint_eq(c.args_len, strlen(split_cases[_i].args));
  ck_assert_mem_eq(c.args, split_cases[_i].args, c.args_len);
}
END_TEST

/* Parameters as a compact description: i<num> s<str> r<raw> e, joined by
 * '/'; "!" for a syntax error. */
static void describe(const char *in, char *out, size_t outlen)
{
  sim_at_params ps;
  if (sim_at_params_parse(in, strlen(in), &ps) != 0) {
    snprintf(out, outlen, "!");
    return;
  }
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < ps.n; i++) {
    const sim_at_param *p = &ps.p[i];
    int w = 0;
    switch (p->kind) {
    case SIM_AT_P_EMPTY:
      w = snprintf(out + o, outlen - o, "%se", i ? "/" : "");
      break;
    case SIM_AT_P_INT:
      w = snprintf(out + o, outlen - o, "%si%ld", i ? "/" : "", p->num);
      break;
    case SIM_AT_P_STR:
      w = snprintf(out + o, outlen - o, "%ss%s", i ? "/" : "", p->str);
      break;
    case SIM_AT_P_RAW:
      w = snprintf(out + o, outlen - o, "%sr%s", i ? "/" : "", p->str);
      break;
    }
    o += (size_t)w;
  }
}

static const struct {
  const char *in;
  const char *out;
} param_cases[] = {
    {"", ""},
    {"1", "i1"},
    {"\"a,b\",21", "sa,b/i21"},
    {"a,,b", "ra/e/rb"},
    {"1,", "i1/e"},
    {",", "e/e"},
    {" \"x\" , 7 ", "sx/i7"},
    {"\"\"", "s"},
    {"\"abc", "!"},
    {"\"abc\"x", "!"},
    {"ab\"c\"", "!"},
    {"-5", "r-5"},
    {"1234567890", "r1234567890"},
    {"\"filetype\",1", "sfiletype/i1"},
    {"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", "i1/i2/i3/i4/i5/i6/i7/i8/i9/"
                                               "i10/i11/i12/i13/i14/i15/i16"},
    {"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "!"},
};

START_TEST(test_params_table)
{
  char out[256];
  describe(param_cases[_i].in, out, sizeof out);
  ck_assert_str_eq(out, param_cases[_i].out);
}
END_TEST

START_TEST(test_params_nul_and_cstr)
{
  sim_at_params ps;
  const char in[] = "\"a\0b\",\"ok\",5";
  ck_assert_int_eq(sim_at_params_parse(in, sizeof in - 1, &ps), 0);
  ck_assert_uint_eq(ps.n, 3);
  ck_assert_uint_eq(ps.p[0].len, 3);
  ck_assert_ptr_null(sim_at_param_cstr(&ps, 0)); /* holds a NUL */
  ck_assert_str_eq(sim_at_param_cstr(&ps, 1), "ok");
  ck_assert_ptr_null(sim_at_param_cstr(&ps, 2)); /* not a string */
  ck_assert(!sim_at_param_omitted(&ps, 2));
  ck_assert(sim_at_param_omitted(&ps, 3));
}
END_TEST

/* Parameter i of "5,,\"7\",x" (0: 5, 1: empty, 2: string, 3: raw, 4:
 * absent) against [lo, hi]; out starts at -1. */
static const struct {
  size_t i;
  long long lo, hi;
  bool ok, opt_ok;
  long long out; /* after a true answer */
} int_cases[] = {
    {0, 0, 9, true, true, 5},    {0, 5, 5, true, true, 5},
    {0, 6, 9, false, false, -1}, {0, 0, 4, false, false, -1},
    {1, 0, 9, false, true, -1},  {2, 0, 9, false, false, -1},
    {3, 0, 9, false, false, -1}, {4, 0, 9, false, true, -1},
};

START_TEST(test_param_int_table)
{
  sim_at_params ps;
  const char in[] = "5,,\"7\",x";
  ck_assert_int_eq(sim_at_params_parse(in, sizeof in - 1, &ps), 0);
  long long v = -1;
  ck_assert(sim_at_param_int(&ps, int_cases[_i].i, int_cases[_i].lo,
                             int_cases[_i].hi, &v) == int_cases[_i].ok);
  ck_assert_int_eq(v, int_cases[_i].ok ? int_cases[_i].out : -1);
  v = -1;
  ck_assert(sim_at_param_opt_int(&ps, int_cases[_i].i, int_cases[_i].lo,
                                 int_cases[_i].hi,
                                 &v) == int_cases[_i].opt_ok);
  ck_assert_int_eq(v, int_cases[_i].ok ? int_cases[_i].out : -1);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim_at");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, test_framer_table, 0,
                      sizeof frame_cases / sizeof frame_cases[0]);
  tcase_add_test(tc, test_framer_overlong);
  tcase_add_test(tc, test_framer_limit_exact);
  tcase_add_loop_test(tc, test_echo_table, 0,
                      sizeof echo_cases / sizeof echo_cases[0]);
  tcase_add_loop_test(tc, test_split_table, 0,
                      sizeof split_cases / sizeof split_cases[0]);
  tcase_add_loop_test(tc, test_params_table, 0,
                      sizeof param_cases / sizeof param_cases[0]);
  tcase_add_test(tc, test_params_nul_and_cstr);
  tcase_add_loop_test(tc, test_param_int_table, 0,
                      sizeof int_cases / sizeof int_cases[0]);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
