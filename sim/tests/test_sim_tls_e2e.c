/* FTPS end to end: the built qftp-sim on its pty link against a TLS fake
 * server (OpenSSL, certificate made here): implicit and explicit login,
 * verification, a GET over TLS with the control session resumed. */
#include "qc_proc.h"
#include "qc_time.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define WAIT_MS 3000 /* longest wait for one expected answer */
#define PAYLOAD_LEN 70000 /* several TLS records */

typedef struct {
  char dir[256];
  char link[300];
  pid_t pid;
  int fd;
  char buf[16384];
  size_t len;
} sim;

static void sim_start(sim *s, const char *quirk)
{
  const char *tmp = getenv("TMPDIR");
  snprintf(s->dir, sizeof s->dir, "%s/test_sim_tls.XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(s->dir));
  snprintf(s->link, sizeof s->link, "%s/tty", s->dir);
  char *argv[] = {QFTP_SIM_BIN, "--link", s->link,   "--root",
                  s->dir,       "--time-scale", "0.01", NULL, NULL, NULL};
  if (quirk) {
    argv[7] = "--quirk";
    argv[8] = (char *)quirk;
  }
  char err[256];
  s->pid = qc_spawn(argv, -1, -1, -1, err, sizeof err);
  ck_assert_msg(s->pid > 0, "spawn: %s", err);
  int64_t dl = qc_deadline_in(WAIT_MS);
  struct stat st;
  while (lstat(s->link, &st) != 0 && qc_now_ms() < dl)
    usleep(5000);
  s->fd = open(s->link, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  ck_assert_int_ge(s->fd, 0);
  s->len = 0;
}

static void sim_stop(sim *s)
{
  close(s->fd);
  int st = qc_stop(s->pid, SIGTERM, 2000);
  ck_assert(WIFEXITED(st));
  ck_assert_int_eq(WEXITSTATUS(st), 0);
  char p[400];
  snprintf(p, sizeof p, "%s/UFS/ca.pem", s->dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/UFS", s->dir);
  rmdir(p);
  snprintf(p, sizeof p, "%s/SD", s->dir);
  rmdir(p);
  rmdir(s->dir);
}

static void send_bytes(sim *s, const char *b)
{
  size_t off = 0, n = strlen(b);
  int64_t dl = qc_deadline_in(WAIT_MS);
  while (off < n && qc_now_ms() < dl) {
    ssize_t w = write(s->fd, b + off, n - off);
    if (w > 0)
      off += (size_t)w;
    else
      usleep(1000);
  }
  ck_assert_uint_eq(off, n);
}

/* Reads until `want` appears; true when it did. Drops what precedes it. */
static bool expect(sim *s, const char *want)
{
  int64_t dl = qc_deadline_in(WAIT_MS);
  for (;;) {
    char *hit = memmem(s->buf, s->len, want, strlen(want));
    if (hit) {
      size_t cut = (size_t)(hit - s->buf) + strlen(want);
      memmove(s->buf, s->buf + cut, s->len - cut);
      s->len -= cut;
      return true;
    }
    if (qc_now_ms() >= dl)
      return false;
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    poll(&p, 1, qc_remaining_ms(dl));
    ssize_t r = read(s->fd, s->buf + s->len, sizeof s->buf - 1 - s->len);
    if (r > 0)
      s->len += (size_t)r;
    if (s->len == sizeof s->buf - 1) {
      memmove(s->buf, s->buf + s->len / 2, s->len - s->len / 2);
      s->len -= s->len / 2;
    }
  }
}

static bool chat(sim *s, const char *line, const char *want)
{
  send_bytes(s, line);
  return expect(s, want);
}

static void read_exact(sim *s, char *out, size_t n)
{
  size_t got = s->len < n ? s->len : n;
  memcpy(out, s->buf, got);
  memmove(s->buf, s->buf + got, s->len - got);
  s->len -= got;
  int64_t dl = qc_deadline_in(WAIT_MS);
  while (got < n && qc_now_ms() < dl) {
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    poll(&p, 1, qc_remaining_ms(dl));
    ssize_t r = read(s->fd, out + got, n - got);
    if (r > 0)
      got += (size_t)r;
  }
  ck_assert_uint_eq(got, n);
}

/* ---- the TLS fake server ---- */

typedef struct {
  int implicit; /* TLS from the first byte, else AUTH TLS */
  SSL_CTX *ctx;
  X509 *cert;
  int lfd, port, dlfd;
  pthread_t th;
  char payload[PAYLOAD_LEN];
  /* observed by the server */
  char cmds[1024]; /* every command, ';'-separated */
  int handshake_ok;
  int data_tls;     /* the data connection spoke TLS */
  int data_reused;  /* ... and resumed the control session */
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
  t->ctx = SSL_CTX_new(TLS_server_method());
  ck_assert_int_eq(SSL_CTX_use_certificate(t->ctx, x), 1);
  ck_assert_int_eq(SSL_CTX_use_PrivateKey(t->ctx, k), 1);
  SSL_CTX_set_session_id_context(t->ctx, (const unsigned char *)"t", 1);
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

/* The control stream: plain until AUTH TLS (or TLS from the start). */
typedef struct {
  int fd;
  SSL *ssl;
} conn;

static void say(conn *c, const char *s)
{
  if (c->ssl)
    SSL_write(c->ssl, s, (int)strlen(s));
  else if (write(c->fd, s, strlen(s)) < 0)
    return;
}

static int get_byte(conn *c, char *b)
{
  if (c->ssl)
    return SSL_read(c->ssl, b, 1) == 1 ? 1 : -1;
  return read(c->fd, b, 1) == 1 ? 1 : -1;
}

static SSL *accept_tls(tsrv *t, int fd)
{
  SSL *s = SSL_new(t->ctx);
  SSL_set_fd(s, fd);
  if (SSL_accept(s) != 1) {
    SSL_free(s);
    return NULL;
  }
  return s;
}

static void timeouts(int fd)
{
  struct timeval tv = {.tv_sec = 3};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static void retr(tsrv *t, conn *c)
{
  struct pollfd p = {.fd = t->dlfd, .events = POLLIN};
  int d = poll(&p, 1, 3000) > 0 ? accept(t->dlfd, NULL, NULL) : -1;
  close(t->dlfd);
  t->dlfd = -1;
  if (d < 0) {
    say(c, "425 no data connection\r\n");
    return;
  }
  timeouts(d);
  say(c, "150 Here comes the data.\r\n");
  SSL *s = accept_tls(t, d);
  if (s) {
    t->data_tls = 1;
    t->data_reused = SSL_session_reused(s);
    SSL_write(s, t->payload, PAYLOAD_LEN);
    SSL_shutdown(s);
    SSL_free(s);
  }
  close(d);
  say(c, s ? "226 Transfer complete.\r\n" : "522 TLS needed\r\n");
}

static void on_cmd(tsrv *t, conn *c, const char *line)
{
  size_t u = strlen(t->cmds);
  snprintf(t->cmds + u, sizeof t->cmds - u, "%.*s;",
           strncmp(line, "PASS", 4) ? 40 : 4, line);
  if (!strcmp(line, "AUTH TLS")) {
    say(c, "234 Proceed with negotiation.\r\n");
    c->ssl = accept_tls(t, c->fd);
    t->handshake_ok = c->ssl != NULL;
  } else if (!strncmp(line, "USER", 4)) {
    say(c, "331 Please specify the password.\r\n");
  } else if (!strncmp(line, "PASS", 4)) {
    say(c, "230 Login successful.\r\n");
  } else if (!strncmp(line, "PBSZ", 4)) {
    say(c, "200 PBSZ set to 0.\r\n");
  } else if (!strncmp(line, "PROT", 4)) {
    say(c, "200 PROT now Private.\r\n");
  } else if (!strncmp(line, "TYPE", 4)) {
    say(c, "200 Switching mode.\r\n");
  } else if (!strncmp(line, "PASV", 4)) {
    t->dlfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    bind(t->dlfd, (struct sockaddr *)&a, sizeof a);
    listen(t->dlfd, 1);
    getsockname(t->dlfd, (struct sockaddr *)&a, &al);
    int p = ntohs(a.sin_port);
    char r[96];
    snprintf(r, sizeof r, "227 Entering Passive Mode (127,0,0,1,%d,%d).\r\n",
             p >> 8, p & 255);
    say(c, r);
  } else if (!strncmp(line, "RETR", 4)) {
    retr(t, c);
  } else if (!strncmp(line, "QUIT", 4)) {
    say(c, "221 Goodbye.\r\n");
  } else {
    say(c, "500 Unknown command.\r\n");
  }
}

static void *tsrv_run(void *arg)
{
  tsrv *t = arg;
  conn c = {.fd = accept(t->lfd, NULL, NULL)};
  if (c.fd < 0)
    return NULL;
  timeouts(c.fd);
  if (t->implicit) {
    c.ssl = accept_tls(t, c.fd);
    t->handshake_ok = c.ssl != NULL;
    if (!c.ssl) {
      close(c.fd);
      return NULL;
    }
  }
  say(&c, "220 ready\r\n");
  char line[512];
  size_t n = 0;
  while (get_byte(&c, line + n) == 1) {
    if (line[n] != '\n') {
      if (n < sizeof line - 1)
        n++;
      continue;
    }
    line[n > 0 && line[n - 1] == '\r' ? n - 1 : n] = '\0';
    n = 0;
    on_cmd(t, &c, line);
    if (!strncmp(line, "QUIT", 4) ||
        (!strcmp(line, "AUTH TLS") && !c.ssl))
      break;
  }
  if (c.ssl) {
    SSL_shutdown(c.ssl);
    SSL_free(c.ssl);
  }
  close(c.fd);
  return NULL;
}

static void tsrv_start(tsrv *t, int implicit)
{
  memset(t, 0, sizeof *t);
  t->implicit = implicit;
  t->dlfd = -1;
  for (size_t i = 0; i < PAYLOAD_LEN; i++) /* binary, with AT look-alikes */
    t->payload[i] = (char)((i * 7 + i / 251) & 0xFF);
  memcpy(t->payload + 1000, "\r\nOK\r\n+QFTPGET: 0,5\r\n", 21);
  make_cert(t);
  t->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  ck_assert_int_eq(bind(t->lfd, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(t->lfd, 1), 0);
  getsockname(t->lfd, (struct sockaddr *)&a, &al);
  t->port = ntohs(a.sin_port);
  ck_assert_int_eq(pthread_create(&t->th, NULL, tsrv_run, t), 0);
}

static void tsrv_join(tsrv *t)
{
  shutdown(t->lfd, SHUT_RDWR);
  pthread_join(t->th, NULL);
  close(t->lfd);
  if (t->dlfd >= 0)
    close(t->dlfd);
  SSL_CTX_free(t->ctx);
  X509_free(t->cert);
}

/* PDP up, passive mode, FTPS of `ssltype` on SSL context 1. */
static void setup(sim *s, int ssltype)
{
  char cmd[96];
  ck_assert(chat(s, "ATE0\r", "OK\r\n"));
  ck_assert(chat(s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(chat(s, "AT+QFTPCFG=\"transmode\",1\r", "OK\r\n"));
  snprintf(cmd, sizeof cmd, "AT+QFTPCFG=\"ssltype\",%d\r", ssltype);
  ck_assert(chat(s, cmd, "OK\r\n"));
  ck_assert(chat(s, "AT+QFTPCFG=\"sslctxid\",1\r", "OK\r\n"));
}

static void open_expect(sim *s, tsrv *t, const char *urc)
{
  char cmd[96];
  snprintf(cmd, sizeof cmd, "AT+QFTPOPEN=\"127.0.0.1\",%d\r", t->port);
  ck_assert_msg(chat(s, cmd, urc), "no %s", urc);
}

START_TEST(test_explicit_get_resumes_session)
{
  sim s;
  tsrv t;
  sim_start(&s, NULL);
  tsrv_start(&t, 0);
  setup(&s, 2);
  open_expect(&s, &t, "+QFTPOPEN: 0,0\r\n");
  ck_assert(t.handshake_ok);
  ck_assert(chat(&s, "AT+QFTPGET=\"f.bin\",\"COM:\"\r", "CONNECT\r\n"));
  static char got[PAYLOAD_LEN];
  read_exact(&s, got, PAYLOAD_LEN);
  ck_assert(memcmp(got, t.payload, PAYLOAD_LEN) == 0);
  ck_assert(expect(&s, "\r\nOK\r\n"));
  ck_assert(expect(&s, "+QFTPGET: 0,70000\r\n"));
  ck_assert(chat(&s, "AT+QFTPCLOSE\r", "+QFTPCLOSE: 0,0\r\n"));
  tsrv_join(&t);
  ck_assert(t.data_tls);
  ck_assert_msg(t.data_reused, "data connection did not resume the session");
  /* RFC 4217 order: AUTH before USER; PBSZ, PROT after login. */
  ck_assert_str_eq(t.cmds, "AUTH TLS;USER anonymous;PASS;PBSZ 0;PROT P;"
                           "TYPE I;PASV;RETR f.bin;QUIT;");
  sim_stop(&s);
}
END_TEST

START_TEST(test_implicit_verified_by_cacert)
{
  sim s;
  tsrv t;
  sim_start(&s, NULL);
  tsrv_start(&t, 1);
  char p[400];
  snprintf(p, sizeof p, "%s/UFS/ca.pem", s.dir);
  write_cert(&t, p);
  setup(&s, 1);
  ck_assert(chat(&s, "AT+QSSLCFG=\"seclevel\",1,1\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QSSLCFG=\"cacert\",1,\"UFS:ca.pem\"\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QSSLCFG=\"cacert\",1\r",
                 "+QSSLCFG: \"cacert\",1,\"UFS:ca.pem\"\r\n"));
  open_expect(&s, &t, "+QFTPOPEN: 0,0\r\n");
  ck_assert(chat(&s, "AT+QFTPCLOSE\r", "+QFTPCLOSE: 0,0\r\n"));
  tsrv_join(&t);
  ck_assert(t.handshake_ok);
  /* implicit: no AUTH, TLS from the first byte */
  ck_assert_str_eq(t.cmds, "USER anonymous;PASS;PBSZ 0;PROT P;QUIT;");
  sim_stop(&s);
}
END_TEST

START_TEST(test_verify_failure_is_631)
{
  static const int types[] = {1, 2};
  for (size_t i = 0; i < 2; i++) {
    sim s;
    tsrv t;
    sim_start(&s, NULL);
    tsrv_start(&t, types[i] == 1);
    setup(&s, types[i]);
    /* seclevel 1 without the server's certificate as cacert */
    ck_assert(chat(&s, "AT+QSSLCFG=\"seclevel\",1,1\r", "OK\r\n"));
    open_expect(&s, &t, "+QFTPOPEN: 631,0\r\n");
    ck_assert(chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,4\r\n"));
    tsrv_join(&t);
    ck_assert(!t.handshake_ok);
    sim_stop(&s);
  }
}
END_TEST

START_TEST(test_prot_c_quirk)
{
  sim s;
  tsrv t;
  sim_start(&s, "prot-c");
  tsrv_start(&t, 0);
  setup(&s, 2);
  open_expect(&s, &t, "+QFTPOPEN: 0,0\r\n");
  ck_assert(chat(&s, "AT+QFTPCLOSE\r", "+QFTPCLOSE: 0,0\r\n"));
  tsrv_join(&t);
  ck_assert_str_eq(t.cmds, "AUTH TLS;USER anonymous;PASS;PBSZ 0;PROT C;QUIT;");
  sim_stop(&s);
}
END_TEST

START_TEST(test_active_mode_refused)
{
  sim s;
  sim_start(&s, NULL);
  ck_assert(chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"ssltype\",2\r", "OK\r\n"));
  /* 2.1: FTPS requires passive mode; transmode is 0 by default */
  ck_assert(chat(&s, "AT+QFTPOPEN=\"127.0.0.1\",21\r", "+CME ERROR: 610\r\n"));
  sim_stop(&s);
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
  sim s;
  sim_start(&s, NULL);
  ck_assert(chat(&s, "ATE0\r", "OK\r\n"));
  for (size_t i = 0; i < sizeof sslcfg_cases / sizeof sslcfg_cases[0]; i++)
    ck_assert_msg(chat(&s, sslcfg_cases[i].cmd, sslcfg_cases[i].want),
                  "%s: no %s", sslcfg_cases[i].cmd, sslcfg_cases[i].want);
  sim_stop(&s);
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
