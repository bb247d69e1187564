/* FTPS end to end: the built qftp-sim on its pty link against a TLS fake
 * server (OpenSSL, certificate made here): implicit and explicit login,
 * verification, a GET over TLS with the control session resumed. */
#include "sim_e2e_util.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define PAYLOAD_LEN 70000 /* several TLS records */

/* ---- the TLS fake server ---- */

typedef struct {
  e2e_srv f; /* f.user is this tsrv */
  X509 *cert;
  char payload[PAYLOAD_LEN];
  /* observed by the server */
  char cmds[1024]; /* every command, ';'-separated */
  int handshake_ok;
  int data_tls;    /* data connections that spoke TLS */
  int data_reused; /* ... and resumed a session */
} tsrv;

/* A self-signed EC certificate for 127.0.0.1 (the test's own CA). */
static void make_cert(tsrv *t)
{
  EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  ck_assert_ptr_nonnull(k);
  X509 *x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_NAME *n = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                             (const unsigned char *)"127.0.0.1", -1, -1, 0);
  X509_set_issuer_name(x, n);
  X509_set_pubkey(x, k);
  ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
  t->f.tls = SSL_CTX_new(TLS_server_method());
  ck_assert_int_eq(SSL_CTX_use_certificate(t->f.tls, x), 1);
  ck_assert_int_eq(SSL_CTX_use_PrivateKey(t->f.tls, k), 1);
  SSL_CTX_set_session_id_context(t->f.tls, (const unsigned char *)"t", 1);
  t->cert = x;
  EVP_PKEY_free(k);
}

static void write_cert(tsrv *t, const char *path)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  PEM_write_X509(f, t->cert);
  fclose(f);
}

static void retr(tsrv *t)
{
  int d = e2e_srv_data_open(&t->f);
  if (d < 0) {
    e2e_srv_say(&t->f, "425 no data connection\r\n");
    return;
  }
  e2e_srv_say(&t->f, "150 Here comes the data.\r\n");
  SSL *s = SSL_new(t->f.tls);
  SSL_set_fd(s, d);
  bool ok = SSL_accept(s) == 1;
  if (ok) {
    t->data_tls++;
    t->data_reused += SSL_session_reused(s);
    SSL_write(s, t->payload, PAYLOAD_LEN);
    SSL_shutdown(s);
  }
  SSL_free(s);
  close(d);
  e2e_srv_say(&t->f, ok ? "226 Transfer complete.\r\n" : "522 TLS needed\r\n");
}

static void on_cmd(e2e_srv *f, const char *line)
{
  tsrv *t = f->user;
  size_t u = strlen(t->cmds);
  snprintf(t->cmds + u, sizeof t->cmds - u, "%.*s;",
           strncmp(line, "PASS", 4) ? 40 : 4, line);
  if (!strcmp(line, "AUTH TLS")) {
    t->handshake_ok = e2e_srv_auth_tls(f);
  } else if (!strncmp(line, "USER", 4)) {
    e2e_srv_say(f, "331 Please specify the password.\r\n");
  } else if (!strncmp(line, "PASS", 4)) {
    t->handshake_ok |= f->implicit && f->ssl;
    e2e_srv_say(f, "230 Login successful.\r\n");
  } else if (!strncmp(line, "PBSZ", 4)) {
    e2e_srv_say(f, "200 PBSZ set to 0.\r\n");
  } else if (!strncmp(line, "PROT", 4)) {
    e2e_srv_say(f, "200 PROT now Private.\r\n");
  } else if (!strncmp(line, "TYPE", 4)) {
    e2e_srv_say(f, "200 Switching mode.\r\n");
  } else if (!strncmp(line, "PASV", 4)) {
    e2e_srv_pasv(f, NULL);
  } else if (!strncmp(line, "RETR", 4)) {
    retr(t);
  } else if (!strncmp(line, "QUIT", 4)) {
    e2e_srv_say(f, "221 Goodbye.\r\n");
  } else {
    e2e_srv_say(f, "500 Unknown command.\r\n");
  }
}

static void tsrv_start(tsrv *t, int implicit)
{
  memset(t, 0, sizeof *t);
  t->f.implicit = implicit;
  t->f.on_cmd = on_cmd;
  t->f.user = t;
  for (size_t i = 0; i < PAYLOAD_LEN; i++) /* binary, with AT look-alikes */
    t->payload[i] = (char)((i * 7 + i / 251) & 0xFF);
  memcpy(t->payload + 1000, "\r\nOK\r\n+QFTPGET: 0,5\r\n", 21);
  make_cert(t);
  e2e_srv_start(&t->f);
}

static void tsrv_join(tsrv *t)
{
  e2e_srv_join(&t->f);
  SSL_CTX_free(t->f.tls);
  X509_free(t->cert);
}

/* PDP up, passive mode, FTPS of `ssltype` on SSL context 1. */
static void setup(e2e_sim *s, int ssltype)
{
  char cmd[96];
  ck_assert(e2e_chat(s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(e2e_chat(s, "AT+QFTPCFG=\"transmode\",1\r", "OK\r\n"));
  snprintf(cmd, sizeof cmd, "AT+QFTPCFG=\"ssltype\",%d\r", ssltype);
  ck_assert(e2e_chat(s, cmd, "OK\r\n"));
  ck_assert(e2e_chat(s, "AT+QFTPCFG=\"sslctxid\",1\r", "OK\r\n"));
}

static void open_expect(e2e_sim *s, tsrv *t, const char *urc)
{
  char cmd[96];
  snprintf(cmd, sizeof cmd, "AT+QFTPOPEN=\"127.0.0.1\",%d\r", t->f.port);
  ck_assert_msg(e2e_chat(s, cmd, urc), "no %s", urc);
}

START_TEST(test_explicit_get_resumes_session)
{
  e2e_sim s;
  tsrv t;
  e2e_sim_start(&s, NULL, NULL);
  tsrv_start(&t, 0);
  setup(&s, 2);
  open_expect(&s, &t, "+QFTPOPEN: 0,0\r\n");
  ck_assert(t.handshake_ok);
  ck_assert(e2e_chat(&s, "AT+QFTPGET=\"f.bin\",\"COM:\"\r", "CONNECT\r\n"));
  static char got[PAYLOAD_LEN];
  e2e_read_exact(&s, got, PAYLOAD_LEN);
  ck_assert(memcmp(got, t.payload, PAYLOAD_LEN) == 0);
  ck_assert(e2e_expect(&s, "\r\nOK\r\n"));
  ck_assert(e2e_expect(&s, "+QFTPGET: 0,70000\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCLOSE\r", "+QFTPCLOSE: 0,0\r\n"));
  tsrv_join(&t);
  ck_assert(t.data_tls);
  ck_assert_msg(t.data_reused, "data connection did not resume the session");
  /* RFC 4217 order: AUTH before USER; PBSZ, PROT after login. */
  ck_assert_str_eq(t.cmds, "AUTH TLS;USER anonymous;PASS;PBSZ 0;PROT P;"
                           "TYPE I;PASV;RETR f.bin;QUIT;");
  e2e_sim_stop(&s);
}
END_TEST

START_TEST(test_implicit_verified_by_cacert)
{
  e2e_sim s;
  tsrv t;
  e2e_sim_start(&s, NULL, NULL);
  tsrv_start(&t, 1);
  char p[400];
  snprintf(p, sizeof p, "%s/UFS/ca.pem", s.dir);
  write_cert(&t, p);
  setup(&s, 1);
  ck_assert(e2e_chat(&s, "AT+QSSLCFG=\"seclevel\",1,1\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QSSLCFG=\"cacert\",1,\"UFS:ca.pem\"\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QSSLCFG=\"cacert\",1\r",
                 "+QSSLCFG: \"cacert\",1,\"UFS:ca.pem\"\r\n"));
  open_expect(&s, &t, "+QFTPOPEN: 0,0\r\n");
  ck_assert(e2e_chat(&s, "AT+QFTPCLOSE\r", "+QFTPCLOSE: 0,0\r\n"));
  tsrv_join(&t);
  ck_assert(t.handshake_ok);
  /* implicit: no AUTH, TLS from the first byte */
  ck_assert_str_eq(t.cmds, "USER anonymous;PASS;PBSZ 0;PROT P;QUIT;");
  e2e_sim_stop(&s);
}
END_TEST

START_TEST(test_verify_failure_is_631)
{
  static const int types[] = {1, 2};
  for (size_t i = 0; i < 2; i++) {
    e2e_sim s;
    tsrv t;
    e2e_sim_start(&s, NULL, NULL);
    tsrv_start(&t, types[i] == 1);
    setup(&s, types[i]);
    /* seclevel 1 without the server's certificate as cacert */
    ck_assert(e2e_chat(&s, "AT+QSSLCFG=\"seclevel\",1,1\r", "OK\r\n"));
    open_expect(&s, &t, "+QFTPOPEN: 631,0\r\n");
    ck_assert(e2e_chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,4\r\n"));
    tsrv_join(&t);
    ck_assert(!t.handshake_ok);
    e2e_sim_stop(&s);
  }
}
END_TEST

START_TEST(test_prot_c_quirk)
{
  e2e_sim s;
  tsrv t;
  e2e_sim_start(&s, NULL, "prot-c");
  tsrv_start(&t, 0);
  setup(&s, 2);
  open_expect(&s, &t, "+QFTPOPEN: 0,0\r\n");
  ck_assert(e2e_chat(&s, "AT+QFTPCLOSE\r", "+QFTPCLOSE: 0,0\r\n"));
  tsrv_join(&t);
  ck_assert_str_eq(t.cmds, "AUTH TLS;USER anonymous;PASS;PBSZ 0;PROT C;QUIT;");
  e2e_sim_stop(&s);
}
END_TEST

START_TEST(test_active_mode_refused)
{
  e2e_sim s;
  e2e_sim_start(&s, NULL, NULL);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"ssltype\",2\r", "OK\r\n"));
  /* 2.1: FTPS requires passive mode; transmode is 0 by default */
  ck_assert(e2e_chat(&s, "AT+QFTPOPEN=\"127.0.0.1\",21\r", "+CME ERROR: 610\r\n"));
  e2e_sim_stop(&s);
}
END_TEST

/* AT+QSSLCFG: {command, expected answer} */
static const struct {
  const char *cmd, *want;
} sslcfg_cases[] = {
    {"AT+QSSLCFG=\"sslversion\",2\r", "+QSSLCFG: \"sslversion\",2,4\r\n"},
    {"AT+QSSLCFG=\"sslversion\",2,3\r", "OK\r\n"},
    {"AT+QSSLCFG=\"sslversion\",2\r", "+QSSLCFG: \"sslversion\",2,3\r\n"},
    {"AT+QSSLCFG=\"sslversion\",2,5\r", "ERROR\r\n"},
    {"AT+QSSLCFG=\"sslversion\",6,1\r", "ERROR\r\n"},
    {"AT+QSSLCFG=\"ciphersuite\",0\r", "+QSSLCFG: \"ciphersuite\",0,0xFFFF\r\n"},
    {"AT+QSSLCFG=\"ciphersuite\",0,\"0X0035;0XC02F\"\r", "OK\r\n"},
    {"AT+QSSLCFG=\"ciphersuite\",0\r",
     "+QSSLCFG: \"ciphersuite\",0,0X0035;0XC02F\r\n"},
    {"AT+QSSLCFG=\"ciphersuite\",0,\"0035\"\r", "ERROR\r\n"},
    {"AT+QSSLCFG=\"seclevel\",3,2\r", "OK\r\n"},
    {"AT+QSSLCFG=\"seclevel\",3\r", "+QSSLCFG: \"seclevel\",3,2\r\n"},
    {"AT+QSSLCFG=\"cacert\",0,\"UFS:../x.pem\"\r", "ERROR\r\n"},
    {"AT+QSSLCFG=\"nosuchkey\",0,1\r", "ERROR\r\n"},
};

START_TEST(test_qsslcfg_forms)
{
  e2e_sim s;
  e2e_sim_start(&s, NULL, NULL);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  for (size_t i = 0; i < sizeof sslcfg_cases / sizeof sslcfg_cases[0]; i++)
    ck_assert_msg(e2e_chat(&s, sslcfg_cases[i].cmd, sslcfg_cases[i].want),
                  "%s: no %s", sslcfg_cases[i].cmd, sslcfg_cases[i].want);
  e2e_sim_stop(&s);
}
END_TEST

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  Suite *su = suite_create("sim_tls_e2e");
  TCase *tc = tcase_create("ftps");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_explicit_get_resumes_session);
  tcase_add_test(tc, test_implicit_verified_by_cacert);
  tcase_add_test(tc, test_verify_failure_is_631);
  tcase_add_test(tc, test_prot_c_quirk);
  tcase_add_test(tc, test_active_mode_refused);
  tcase_add_test(tc, test_qsslcfg_forms);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
