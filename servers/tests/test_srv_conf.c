/* srv_conf: template rendering, and the shipped templates render into
 * text vsftpd's strict parser accepts. */
#include "srv_conf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const srv_conf_kv table[] = {
    {"PORT", "2121"},  {"HOME", "/srv/run/home"}, {"EMPTY", ""},
    {"MISSING", NULL}, {"BAD", "a\nb"},
};
#define NTABLE (sizeof table / sizeof table[0])

typedef struct render_case {
  const char *tmpl;
  const char *want; /* NULL: must fail */
  const char *err;  /* a fragment the error must hold */
} render_case;

static const render_case cases[] = {
    {"", "", NULL},
    {"listen=YES\n", "listen=YES\n", NULL},
    {"listen_port=@PORT@\n", "listen_port=2121\n", NULL},
    {"@HOME@/@PORT@@PORT@", "/srv/run/home/21212121", NULL},
    {"x=@EMPTY@\n", "x=\n", NULL},
    {"ssl_ciphers=DEFAULT:@@SECLEVEL=0\n", "ssl_ciphers=DEFAULT:@SECLEVEL=0\n",
     NULL},
    {"mail me@ home @ 1 @x@\n", "mail me@ home @ 1 @x@\n", NULL},
    {"a=1\nb=@NOPE@\n", NULL, "line 2: unknown placeholder @NOPE@"},
    {"a=@MISSING@", NULL, "line 1: no value for placeholder @MISSING@"},
    {"a=1\n\n\nb=@PORT\n", NULL, "line 4: unterminated placeholder @PORT"},
    {"b=@BAD@\n", NULL, "@BAD@ holds a line break"},
    {"@port@", "@port@", NULL}, /* lower case is not a placeholder */
};

START_TEST(test_render_table)
{
  const render_case *c = &cases[_i];
  char *out = (char *)"sentinel", err[256] = "";
  int rc = srv_conf_render(c->tmpl, table, NTABLE, &out, err, sizeof err);
  if (c->want) {
    ck_assert_msg(rc == 0, "case %d: %s", _i, err);
    ck_assert_str_eq(out, c->want);
    free(out);
  } else {
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(err, c->err) != NULL, "case %d: \"%s\" lacks \"%s\"",
                  _i, err, c->err);
  }
}
END_TEST

START_TEST(test_render_too_big)
{
  size_t n = SRV_CONF_OUT_MAX / 4 + 1;
  char *tmpl = malloc(n * 6 + 1);
  ck_assert_ptr_nonnull(tmpl);
  for (size_t i = 0; i < n; i++)
    memcpy(tmpl + i * 6, "@PORT@", 6); /* 4 bytes each once rendered */
  tmpl[n * 6] = '\0';
  char *out, err[128];
  ck_assert_int_eq(srv_conf_render(tmpl, table, NTABLE, &out, err, sizeof err),
                   -1);
  ck_assert_ptr_nonnull(strstr(err, "exceeds"));
  free(tmpl);
}
END_TEST

/* Every key a template may use: what srv_ftp.c passes. */
static const srv_conf_kv full[] = {
    {"LISTEN_ADDR", "127.0.0.1"},  {"LISTEN_PORT", "2121"},
    {"HOME", "/r/home"},           {"SECURE_CHROOT_DIR", "/r/empty"},
    {"LOG_FILE", "/r/vsftpd.log"}, {"XFERLOG_FILE", "/r/xferlog"},
    {"PAM_SERVICE", "qftp-x"},     {"PASV_MIN_PORT", "40000"},
    {"PASV_MAX_PORT", "40031"},    {"CERT_FILE", "/r/cert.pem"},
    {"KEY_FILE", "/r/key.pem"},
};

static const char *const profiles[] = {"plain", "ftps-explicit",
                                       "ftps-implicit"};

/* Renders servers/vsftpd/<profile>.conf.in and checks each line is a
 * comment or key=value with no blank around '=' or at the end. */
/* @DATA_PORT@ is LISTEN_PORT - 1 unless the table names it. */
START_TEST(test_render_data_port)
{
  char *out, err[256] = "";
  srv_conf_kv kv[] = {{"LISTEN_PORT", "2121"}};
  ck_assert_int_eq(srv_conf_render("p=@DATA_PORT@\n", kv, 1, &out, err,
                                   sizeof err), 0);
  ck_assert_str_eq(out, "p=2120\n");
  free(out);
  srv_conf_kv named[] = {{"LISTEN_PORT", "2121"}, {"DATA_PORT", "20"}};
  ck_assert_int_eq(srv_conf_render("p=@DATA_PORT@", named, 2, &out, err,
                                   sizeof err), 0);
  ck_assert_str_eq(out, "p=20");
  free(out);
  srv_conf_kv low[] = {{"LISTEN_PORT", "1"}};
  ck_assert_int_eq(srv_conf_render("p=@DATA_PORT@", low, 1, &out, err,
                                   sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "no value for placeholder @DATA_PORT@"));
  ck_assert_int_eq(srv_conf_render("p=@DATA_PORT@", table, NTABLE, &out, err,
                                   sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "unknown placeholder @DATA_PORT@"));
}
END_TEST

START_TEST(test_shipped_templates)
{
  char path[512], err[256], *tmpl, *out;
  snprintf(path, sizeof path, "%s/servers/vsftpd/%s.conf.in", QFTP_SOURCE_DIR,
           profiles[_i]);
  ck_assert_msg(srv_conf_read_file(path, &tmpl, err, sizeof err) == 0, "%s",
                err);
  ck_assert_msg(srv_conf_render(tmpl, full, sizeof full / sizeof full[0], &out,
                                err, sizeof err) == 0,
                "%s: %s", profiles[_i], err);
  ck_assert_ptr_nonnull(strstr(out, "\nlisten_port=2121\n"));
  ck_assert_ptr_nonnull(strstr(out, "\nlog_ftp_protocol=YES\n"));
  ck_assert_ptr_nonnull(strstr(out, "\nseccomp_sandbox=NO\n"));
  ck_assert_ptr_nonnull(strstr(out, "\npam_service_name=qftp-x\n"));
  ck_assert_ptr_nonnull(strstr(out, "\nchroot_local_user=YES\n"));
  /* active-mode data from L-1: the capture filter names it in advance */
  ck_assert_ptr_nonnull(strstr(out, "\nconnect_from_port_20=YES\n"));
  ck_assert_ptr_nonnull(strstr(out, "\nftp_data_port=2120\n"));
  for (char *line = out; *line;) {
    char *nl = strchr(line, '\n');
    ck_assert_msg(nl != NULL, "%s: last line lacks a newline", profiles[_i]);
    *nl = '\0';
    if (line[0] != '#' && line[0] != '\0') {
      char *eq = strchr(line, '=');
      ck_assert_msg(eq && eq > line, "%s: not key=value: %s", profiles[_i],
                    line);
      ck_assert_msg(eq[-1] != ' ' && eq[1] != ' ' && nl[-1] != ' ',
                    "%s: blank in: %s", profiles[_i], line);
      ck_assert_msg(strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
                        (size_t)(eq - line),
                    "%s: bad key: %s", profiles[_i], line);
    }
    line = nl + 1;
  }
  free(out);
  free(tmpl);
}
END_TEST

START_TEST(test_read_missing)
{
  char *t, err[256];
  ck_assert_int_eq(
      srv_conf_read_file("/nonexistent/x.conf.in", &t, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.conf.in"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("srv_conf");
  TCase *tc = tcase_create("render");
  tcase_add_test(tc, test_render_data_port);
  tcase_add_loop_test(tc, test_render_table, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test(tc, test_render_too_big);
  tcase_add_loop_test(tc, test_shipped_templates, 0,
                      sizeof profiles / sizeof profiles[0]);
  tcase_add_test(tc, test_read_missing);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
