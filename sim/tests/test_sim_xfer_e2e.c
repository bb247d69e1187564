/* End to end transfers: the built qftp-sim on its pty link against a
 * scripted FTP server with passive data connections on loopback. */
#include "qc_time.h"
#include "sim_e2e_util.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* How the scripted server's data connection misbehaves. */
typedef enum {
  XF_NONE,
  XF_RESET,     /* 150, RST on the data connection, 426 `late_ms` later */
  XF_ABORT_426, /* 150, half the payload, FIN, 426 */
  XF_SLOW,      /* STOR: reads 4 KiB, sleeps 1 ms */
} xfault;

/* The scripted server: PASV or PORT, RETR/STOR/LIST of one payload. */
typedef struct {
  e2e_srv f; /* f.user is this xsrv */
  const char *payload; /* RETR (from REST) and LIST send it */
  size_t payload_len;
  char *stored; /* what STOR received (stored_cap bytes) */
  size_t stored_cap, stored_len;
  char rest[32]; /* last REST argument */
  char verbs[256]; /* PASV/PORT seen, ';'-separated */
  const char *pasv_host; /* the 227's address, NULL: 127,0,0,1 */
  xfault fault;
  int late_ms;
} xsrv;

static void note(xsrv *x, const char *verb)
{
  size_t u = strlen(x->verbs);
  snprintf(x->verbs + u, sizeof x->verbs - u, "%s;", verb);
}

static void send_payload(xsrv *x, int d)
{
  size_t off = strtoul(x->rest, NULL, 10);
  if (off > x->payload_len)
    off = x->payload_len;
  size_t n = x->payload_len - off;
  if (x->fault == XF_ABORT_426)
    n /= 2;
  if (write(d, x->payload + off, n) < 0)
    return;
}

static void retr(xsrv *x, e2e_srv *f)
{
  int d = e2e_srv_data_open(f);
  if (d < 0) {
    e2e_srv_say(f, "425 Failed to establish connection.\r\n");
    return;
  }
  e2e_srv_say(f, "150 Here comes the data.\r\n");
  if (x->fault == XF_RESET) {
    usleep(20000); /* the module's CONNECT first */
    e2e_reset(d);
    usleep((useconds_t)x->late_ms * 1000);
    e2e_srv_say(f, "426 Connection closed; transfer aborted.\r\n");
    return;
  }
  send_payload(x, d);
  close(d);
  e2e_srv_say(f, x->fault == XF_ABORT_426
                     ? "426 Failure writing network stream.\r\n"
                     : "226 Transfer complete.\r\n");
}

static void stor(xsrv *x, e2e_srv *f)
{
  int d = e2e_srv_data_open(f);
  if (d < 0) {
    e2e_srv_say(f, "425 Failed to establish connection.\r\n");
    return;
  }
  e2e_srv_say(f, "150 Ok to send data.\r\n");
  x->stored_len = 0;
  ssize_t r;
  size_t chunk = x->fault == XF_SLOW ? 4096 : x->stored_cap;
  while (x->stored_len < x->stored_cap &&
         (r = read(d, x->stored + x->stored_len,
                   chunk < x->stored_cap - x->stored_len
                       ? chunk
                       : x->stored_cap - x->stored_len)) > 0) {
    x->stored_len += (size_t)r;
    if (x->fault == XF_RESET) {
      e2e_reset(d);
      usleep((useconds_t)x->late_ms * 1000);
      e2e_srv_say(f, "426 Connection closed; transfer aborted.\r\n");
      return;
    }
    if (x->fault == XF_SLOW)
      usleep(1000);
  }
  close(d);
  e2e_srv_say(f, "226 Transfer complete.\r\n");
}

static void on_cmd(e2e_srv *f, const char *line)
{
  xsrv *x = f->user;
  if (!strncmp(line, "USER", 4)) {
    e2e_srv_say(f, "331 Password please.\r\n");
  } else if (!strncmp(line, "PASS", 4)) {
    e2e_srv_say(f, "230 Login successful.\r\n");
  } else if (!strncmp(line, "TYPE", 4)) {
    x->rest[0] = '\0'; /* a new transfer */
    e2e_srv_say(f, "200 Switching mode.\r\n");
  } else if (!strncmp(line, "REST ", 5)) {
    snprintf(x->rest, sizeof x->rest, "%s", line + 5);
    e2e_srv_say(f, "350 Restart position accepted.\r\n");
  } else if (!strncmp(line, "PASV", 4)) {
    note(x, "PASV");
    e2e_srv_pasv(f, x->pasv_host);
  } else if (!strncmp(line, "PORT ", 5)) {
    note(x, "PORT");
    e2e_srv_port(f, line + 5);
  } else if (!strncmp(line, "RETR missing", 12)) {
    close(f->dlfd);
    f->dlfd = -1;
    e2e_srv_say(f, "550 Failed to open file.\r\n");
  } else if (!strncmp(line, "RETR", 4) || !strncmp(line, "LIST", 4) ||
             !strncmp(line, "NLST", 4)) {
    retr(x, f);
  } else if (!strncmp(line, "STOR", 4)) {
    stor(x, f);
  } else if (!strncmp(line, "SIZE missing", 12)) {
    e2e_srv_say(f, "550 Could not get file size.\r\n");
  } else if (!strncmp(line, "SIZE", 4)) {
    e2e_srv_say(f, "213 1000\r\n");
  } else if (!strncmp(line, "MDTM", 4)) {
    e2e_srv_say(f, "213 20200621093626\r\n");
  } else if (!strncmp(line, "QUIT", 4)) {
    e2e_srv_say(f, "221 Goodbye.\r\n");
  } else {
    e2e_srv_say(f, "500 Unknown command.\r\n");
  }
}

static void xsrv_start(xsrv *x)
{
  x->f.on_cmd = on_cmd;
  x->f.user = x;
  if (!x->stored) {
    x->stored_cap = 1 << 20;
    x->stored = malloc(x->stored_cap);
    ck_assert_ptr_nonnull(x->stored);
  }
  e2e_srv_start(&x->f);
}

static void xsrv_join(xsrv *x)
{
  e2e_srv_join(&x->f);
  free(x->stored);
  x->stored = NULL;
}

/* Logged in, passive mode (the fake server only does PASV). */
static void session(e2e_sim *s, xsrv *f)
{
  xsrv_start(f);
  ck_assert(e2e_chat(s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(e2e_chat(s, "AT+QFTPCFG=\"transmode\",1\r", "OK\r\n"));
  char cmd[96];
  snprintf(cmd, sizeof cmd, "AT+QFTPOPEN=\"127.0.0.1\",%d\r", f->f.port);
  ck_assert(e2e_chat(s, cmd, "+QFTPOPEN: 0,0\r\n"));
}

static void end_session(e2e_sim *s, xsrv *f)
{
  ck_assert(e2e_chat(s, "AT+QFTPCLOSE\r", "+QFTPCLOSE: 0,0\r\n"));
  xsrv_join(f);
  e2e_sim_stop(s);
}

static const char tricky[] = "line\r\nOK\r\n+QFTPGET: 0,5\r\n+++\0bin\xff";

START_TEST(test_get_com_byte_exact)
{
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  xsrv f = {.payload = tricky, .payload_len = sizeof tricky};
  session(&s, &f);
  ck_assert(e2e_chat(&s, "AT+QFTPGET=\"a.bin\",\"COM:\"\r", "\r\nCONNECT\r\n"));
  char got[sizeof tricky];
  e2e_read_exact(&s, got, sizeof got);
  ck_assert(memcmp(got, tricky, sizeof tricky) == 0);
  char tail[64];
  snprintf(tail, sizeof tail, "\r\nOK\r\n\r\n+QFTPGET: 0,%zu\r\n", sizeof tricky);
  ck_assert(e2e_expect(&s, tail));
  ck_assert(e2e_chat(&s, "AT+QFTPLEN\r", "+QFTPLEN: 0,34\r\n"));
  /* downloadlen: 4 bytes from startpos 2 (REST 2) */
  ck_assert(e2e_chat(&s, "AT+QFTPGET=\"a.bin\",\"COM:\",2,4\r", "CONNECT\r\n"));
  e2e_read_exact(&s, got, 4);
  ck_assert(memcmp(got, tricky + 2, 4) == 0);
  ck_assert(e2e_expect(&s, "\r\nOK\r\n\r\n+QFTPGET: 0,4\r\n"));
  ck_assert_str_eq(f.rest, "2");
  /* a 550 before CONNECT is an immediate failure */
  ck_assert(e2e_chat(&s, "AT+QFTPGET=\"missing\",\"COM:\"\r", "+CME ERROR: 627\r\n"));
  end_session(&s, &f);
}
END_TEST

/* A host that stops reading mid-download (flow control held off) loses
 * nothing: the simulator queues, then stops reading the data socket. The
 * pause is longer than any write deadline, shorter than rsptimeout. */
START_TEST(test_get_com_host_pauses)
{
  enum { N = 3 << 20 };
  char *payload = malloc(N), *got = malloc(N);
  ck_assert(payload && got);
  for (size_t i = 0; i < N; i++)
    payload[i] = (char)(i * 131 + (i >> 12));
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  xsrv f = {.payload = payload, .payload_len = N};
  session(&s, &f);
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"rsptimeout\",180\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPGET=\"a.bin\",\"COM:\"\r", "\r\nCONNECT\r\n"));
  usleep(1300 * 1000); /* scaled rsptimeout: 1.8 s */
  e2e_read_exact(&s, got, N);
  ck_assert(memcmp(got, payload, N) == 0);
  char tail[64];
  snprintf(tail, sizeof tail, "\r\nOK\r\n\r\n+QFTPGET: 0,%d\r\n", N);
  ck_assert(e2e_expect(&s, tail));
  end_session(&s, &f);
  free(payload);
  free(got);
}
END_TEST

START_TEST(test_list_size_mdtm)
{
  e2e_sim s;
  e2e_sim_start(&s, "eg800k", NULL);
  static const char listing[] = "-rw-r--r-- 1 ftp ftp 5 Jan 1 a.txt\r\n";
  xsrv f = {.payload = listing, .payload_len = sizeof listing - 1};
  session(&s, &f);
  ck_assert(e2e_chat(&s, "AT+QFTPLIST=\".\"\r", "\r\nCONNECT\r\n"));
  char got[sizeof listing];
  e2e_read_exact(&s, got, sizeof listing - 1);
  ck_assert(memcmp(got, listing, sizeof listing - 1) == 0);
  ck_assert(e2e_expect(&s, "\r\nOK\r\n\r\n+QFTPLIST: 0,36\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPSIZE=\"a.txt\"\r", "OK\r\n\r\n+QFTPSIZE: 0,1000\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPSIZE=\"missing\"\r", "+QFTPSIZE: 627,550\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPMDTM=\"a.txt\"\r",
                 "+QFTPMDTM: 0,\"20200621093626\"\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPSIZE=?\r", "+QFTPSIZE: <file_name>\r\n\r\nOK"));
  end_session(&s, &f);
}
END_TEST

START_TEST(test_put_uploadlen_and_plus)
{
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL); /* +++ ends the upload normally */
  xsrv f = {.payload = "", .payload_len = 0};
  session(&s, &f);
  ck_assert(e2e_chat(&s, "AT+QFTPPUT=\"u.bin\",\"COM:\",0,10,1\r", "CONNECT\r\n"));
  e2e_send(&s, "ab+++\r\nOK\r", 10);
  ck_assert(e2e_expect(&s, "\r\nOK\r\n\r\n+QFTPPUT: 0,10\r\n"));
  ck_assert_uint_eq(f.stored_len, 10);
  ck_assert(memcmp(f.stored, "ab+++\r\nOK\r", 10) == 0);
  /* guard times at scale 0.01: 10 ms silence, +++, 10 ms silence */
  ck_assert(e2e_chat(&s, "AT+QFTPPUT=\"u.bin\",\"COM:\"\r", "CONNECT\r\n"));
  e2e_send(&s, "xy+++z", 6); /* no guard: payload */
  usleep(50000);
  e2e_send(&s, "+++", 3);
  ck_assert(e2e_expect(&s, "\r\nOK\r\n\r\n+QFTPPUT: 0,6\r\n"));
  ck_assert_uint_eq(f.stored_len, 6);
  ck_assert(memcmp(f.stored, "xy+++z", 6) == 0);
  ck_assert(e2e_chat(&s, "ATO\r", "NO CARRIER\r\n"));
  end_session(&s, &f);
}
END_TEST

START_TEST(test_local_files)
{
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFUPL=\"UFS:t.txt\",5\r", "CONNECT\r\n"));
  e2e_send(&s, "ABC\r\n", 5);
  /* 0x4142 ^ 0x430d ^ 0x0a00 = 0x084f */
  ck_assert(e2e_expect(&s, "+QFUPL: 5,84f\r\n\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFLST\r", "+QFLST: \"UFS:t.txt\",5\r\n\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFREAD=\"UFS:t.txt\"\r", "CONNECT 5\r\n"));
  char got[5];
  e2e_read_exact(&s, got, 5);
  ck_assert(memcmp(got, "ABC\r\n", 5) == 0);
  ck_assert(e2e_expect(&s, "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFUPL=\"UFS:../x\",5\r", "+CME ERROR: 610\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFREAD=\"UFS:../../etc/passwd\"\r",
                 "+CME ERROR: 610\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPGET=\"a\",\"UFS:../x\"\r", "+CME ERROR: 610\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFDEL=\"UFS:*\"\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFLST\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFDEL=\"UFS:t.txt\"\r", "+CME ERROR: 611\r\n"));
  e2e_sim_stop(&s);
}
END_TEST

START_TEST(test_get_to_ufs)
{
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  xsrv f = {.payload = tricky, .payload_len = sizeof tricky};
  session(&s, &f);
  ck_assert(e2e_chat(&s, "AT+QFTPGET=\"a.bin\",\"UFS:a.bin\"\r",
                 "OK\r\n\r\n+QFTPGET: 0,34\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFLST=\"UFS:*\"\r", "+QFLST: \"UFS:a.bin\",34\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPPUT=\"b.bin\",\"UFS:a.bin\"\r",
                 "OK\r\n\r\n+QFTPPUT: 0,34\r\n"));
  ck_assert_uint_eq(f.stored_len, sizeof tricky);
  ck_assert(memcmp(f.stored, tricky, sizeof tricky) == 0);
  ck_assert(e2e_chat(&s, "AT+QFTPPUT=\"b.bin\",\"UFS:nope\"\r", "+CME ERROR: 611\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFDEL=\"UFS:*\"\r", "OK\r\n"));
  end_session(&s, &f);
}
END_TEST


/* 1000 server bytes, never '+' (no guard-time escapes) nor "OK". */
static char file1000[1000];

static void fill(char *b, size_t n, unsigned seed)
{
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    b[i] = (char)('a' + (seed >> 16) % 26);
  }
}

/* 3.7: GET to UFS: with startpos 450 creates or replaces the local file
 * with the server's bytes 450..999 (REST 450). */
START_TEST(test_get_ufs_startpos)
{
  fill(file1000, sizeof file1000, 48);
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  xsrv f = {.payload = file1000, .payload_len = sizeof file1000};
  session(&s, &f);
  for (int round = 0; round < 2; round++) { /* absent, then present */
    ck_assert(e2e_chat(&s, "AT+QFTPGET=\"t.txt\",\"UFS:test1.txt\",450\r",
                       "OK\r\n\r\n+QFTPGET: 0,550\r\n"));
    ck_assert_str_eq(f.rest, "450");
    ck_assert(e2e_chat(&s, "AT+QFLST=\"UFS:test1.txt\"\r",
                       "+QFLST: \"UFS:test1.txt\",550\r\n"));
    ck_assert(e2e_chat(&s, "AT+QFREAD=\"UFS:test1.txt\"\r", "CONNECT 550\r\n"));
    char got[550];
    e2e_read_exact(&s, got, sizeof got);
    ck_assert(memcmp(got, file1000 + 450, sizeof got) == 0);
    ck_assert(e2e_expect(&s, "\r\nOK\r\n"));
  }
  /* 612 stays for a PUT whose startpos is beyond the local file */
  ck_assert(e2e_chat(&s, "AT+QFTPPUT=\"u\",\"UFS:test1.txt\",551\r",
                     "+CME ERROR: 612\r\n"));
  end_session(&s, &f);
}
END_TEST

/* A transfer that fails after CONNECT: the URC at once, never "OK". */
static const struct {
  const char *cmd;
  xfault fault;
  const char *urc; /* all that follows CONNECT and the data */
  bool ok;         /* "OK" first: a FIN looked like success */
} fail_cases[] = {
    {"AT+QFTPGET=\"a.bin\",\"COM:\"\r", XF_RESET, "+QFTPGET: 607,0\r\n", 0},
    {"AT+QFTPLIST=\".\"\r", XF_RESET, "+QFTPLIST: 607,0\r\n", 0},
    {"AT+QFTPNLST=\".\"\r", XF_RESET, "+QFTPNLST: 607,0\r\n", 0},
    {"AT+QFTPGET=\"a.bin\",\"COM:\"\r", XF_ABORT_426,
     "\r\nOK\r\n\r\n+QFTPGET: 616,426\r\n", 1},
};

/* Until the late reply is read the module is still busy (603); on a
 * loaded machine that takes a while: wait for STAT 1, with a deadline. */
static void idle_again(e2e_sim *s)
{
  int64_t dl = qc_deadline_in(5000);
  char seen[256];
  for (;;) {
    e2e_send(s, "AT+QFTPSTAT\r", 12);
    ck_assert(e2e_expect_skip(s, "+QFTPSTAT: 0,", NULL, 0));
    ck_assert(e2e_expect_skip(s, "\r\n", seen, sizeof seen));
    if (strcmp(seen, "1") == 0)
      return;
    ck_assert_msg(qc_now_ms() < dl, "still +QFTPSTAT: 0,%s after 5 s", seen);
    usleep(50000);
  }
}

START_TEST(test_fail_after_connect)
{
  fill(file1000, sizeof file1000, 7);
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  xsrv f = {.payload = file1000, .payload_len = sizeof file1000,
            .late_ms = 400};
  session(&s, &f);
  for (size_t i = 0; i < sizeof fail_cases / sizeof fail_cases[0]; i++) {
    f.fault = fail_cases[i].fault;
    ck_assert(e2e_chat(&s, fail_cases[i].cmd, "CONNECT\r\n"));
    int64_t t0 = qc_now_ms();
    static char skipped[2048];
    ck_assert_msg(
        e2e_expect_skip(&s, fail_cases[i].urc, skipped, sizeof skipped),
        "%s: no %s", fail_cases[i].cmd, fail_cases[i].urc);
    /* the server's late 426 is not awaited */
    ck_assert_int_lt(qc_now_ms() - t0, f.late_ms);
    ck_assert_msg(fail_cases[i].ok || strstr(skipped, "OK") == NULL,
                  "%s: OK before the URC", fail_cases[i].cmd);
    usleep((useconds_t)f.late_ms * 1000);
    idle_again(&s);
    /* the late reply was swallowed, not taken for SIZE's */
    ck_assert(e2e_chat(&s, "AT+QFTPSIZE=\"a\"\r", "+QFTPSIZE: 0,1000\r\n"));
  }
  /* an upload whose data connection is reset */
  f.fault = XF_RESET;
  ck_assert(e2e_chat(&s, "AT+QFTPPUT=\"u.bin\",\"COM:\"\r", "CONNECT\r\n"));
  e2e_send(&s, "hello", 5);
  usleep(100000);
  e2e_send(&s, "world", 5);
  usleep(50000);
  e2e_send(&s, "again", 5);
  static char skipped[256];
  ck_assert(e2e_expect_skip(&s, "+QFTPPUT: 60", skipped, sizeof skipped));
  ck_assert(strstr(skipped, "OK") == NULL);
  ck_assert(e2e_expect(&s, ",0\r\n"));
  usleep((useconds_t)f.late_ms * 1000 + 100000);
  e2e_send(&s, "\r", 1); /* ends the line of bytes sent after the URC */
  ck_assert(e2e_chat(&s, "AT\r", "OK\r\n"));
  f.fault = XF_NONE;
  end_session(&s, &f);
}
END_TEST

/* 2.5 example 2: <beof> 0, then the last part, on one data connection. */
START_TEST(test_put_beof_continuation)
{
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  xsrv f = {.payload = "", .payload_len = 0};
  session(&s, &f);
  ck_assert(e2e_chat(&s, "AT+QFTPPUT=\"p.bin\",\"COM:\",0,5,0\r", "CONNECT\r\n"));
  e2e_send(&s, "first", 5);
  ck_assert(e2e_expect(&s, "\r\nOK\r\n\r\n+QFTPPUT: 0,5\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPSIZE=\"p.bin\"\r", "+CME ERROR: 603\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPPUT=\"p.bin\",\"COM:\",5,6,1\r", "CONNECT\r\n"));
  e2e_send(&s, "second", 6);
  ck_assert(e2e_expect(&s, "\r\nOK\r\n\r\n+QFTPPUT: 0,6\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,1\r\n"));
  ck_assert_uint_eq(f.stored_len, 11);
  ck_assert(memcmp(f.stored, "firstsecond", 11) == 0);
  ck_assert_int_eq(f.f.data_conns, 1);
  end_session(&s, &f);
}
END_TEST

/* transmode 0: PORT, and the server connects to the module (2.1). */
START_TEST(test_active_mode)
{
  fill(file1000, sizeof file1000, 3);
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  xsrv f = {.payload = file1000, .payload_len = sizeof file1000};
  session(&s, &f);
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"transmode\",0\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPGET=\"a.bin\",\"COM:\"\r", "CONNECT\r\n"));
  static char got[sizeof file1000];
  e2e_read_exact(&s, got, sizeof got);
  ck_assert(memcmp(got, file1000, sizeof got) == 0);
  ck_assert(e2e_expect(&s, "\r\nOK\r\n\r\n+QFTPGET: 0,1000\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPPUT=\"b.bin\",\"COM:\",0,4,1\r", "CONNECT\r\n"));
  e2e_send(&s, "abcd", 4);
  ck_assert(e2e_expect(&s, "+QFTPPUT: 0,4\r\n"));
  ck_assert_uint_eq(f.stored_len, 4);
  ck_assert_str_eq(f.verbs, "PORT;PORT;");
  end_session(&s, &f);
}
END_TEST

/* data_address (2.1): the 227's address against the control peer's. */
static const struct {
  int data_address;
  const char *host; /* in the 227; 127.x is where the server listens */
  bool ok;
} addr_cases[] = {
    {0, "127,0,0,1", true},
    {0, "192,0,2,1", false}, /* TEST-NET: unreachable */
    {1, "192,0,2,1", true},  /* the control peer with the 227's port */
    {2, "192,0,2,1", true},  /* the control peer first */
    {1, "127,0,0,2", false}, /* peer 127.0.0.1 has no listener */
    {2, "127,0,0,2", true},  /* peer refused, then the 227's */
};

START_TEST(test_data_address)
{
  fill(file1000, sizeof file1000, 5);
  for (size_t i = 0; i < sizeof addr_cases / sizeof addr_cases[0]; i++) {
    e2e_sim s;
    e2e_sim_start(&s, "note", NULL);
    xsrv f = {.payload = file1000, .payload_len = 10,
              .pasv_host = addr_cases[i].host};
    session(&s, &f);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "AT+QFTPCFG=\"data_address\",%d\r",
             addr_cases[i].data_address);
    ck_assert(e2e_chat(&s, cmd, "OK\r\n"));
    ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"rsptimeout\",20\r", "OK\r\n"));
    e2e_send(&s, "AT+QFTPGET=\"a.bin\",\"COM:\"\r", 26);
    const char *want = addr_cases[i].ok ? "+QFTPGET: 0,10\r\n"
                                        : "+CME ERROR: 615\r\n";
    ck_assert_msg(e2e_expect(&s, want), "case %zu: no %s", i, want);
    end_session(&s, &f);
  }
}
END_TEST

/* A server that reads slowly: the COM: upload arrives complete and
 * byte-exact (the pty is not read while the queue is full). */
START_TEST(test_put_back_pressure)
{
  enum { N = 600 * 1024 };
  char *big = malloc(N);
  ck_assert_ptr_nonnull(big);
  fill(big, N, 11);
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  xsrv f = {.payload = "", .payload_len = 0, .fault = XF_SLOW};
  session(&s, &f);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "AT+QFTPPUT=\"big\",\"COM:\",0,%d,1\r", (int)N);
  ck_assert(e2e_chat(&s, cmd, "CONNECT\r\n"));
  e2e_send(&s, big, N);
  char urc[64];
  snprintf(urc, sizeof urc, "\r\nOK\r\n\r\n+QFTPPUT: 0,%d\r\n", (int)N);
  ck_assert(e2e_expect(&s, urc));
  ck_assert_uint_eq(f.stored_len, N);
  ck_assert(memcmp(f.stored, big, N) == 0);
  ck_assert(e2e_chat(&s, "AT\r", "OK\r\n"));
  free(big);
  end_session(&s, &f);
}
END_TEST

/* AT+QFUPL cut by SIGTERM: the simulator closes every descriptor it
 * opened (it logs its count of open descriptors at start and at exit). */
START_TEST(test_qfupl_shutdown_no_fd)
{
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFUPL=\"UFS:cut.txt\",100\r", "CONNECT\r\n"));
  e2e_send(&s, "0123456789", 10);
  usleep(50000);
  static char log[65536];
  e2e_sim_stop_log(&s, log, sizeof log);
  const char *m = strstr(log, "descriptors open: ");
  ck_assert_msg(m != NULL, "no descriptor count in the log");
  int start = -1, end = -1;
  ck_assert_int_eq(
      sscanf(m, "descriptors open: %d at start, %d at exit", &start, &end), 2);
  ck_assert_int_eq(end, start);
}
END_TEST

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  Suite *s = suite_create("sim_xfer_e2e");
  TCase *tc = tcase_create("xfer");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_get_com_byte_exact);
  tcase_add_test(tc, test_get_com_host_pauses);
  tcase_add_test(tc, test_list_size_mdtm);
  tcase_add_test(tc, test_put_uploadlen_and_plus);
  tcase_add_test(tc, test_local_files);
  tcase_add_test(tc, test_get_to_ufs);
  tcase_add_test(tc, test_get_ufs_startpos);
  tcase_add_test(tc, test_fail_after_connect);
  tcase_add_test(tc, test_put_beof_continuation);
  tcase_add_test(tc, test_active_mode);
  tcase_add_test(tc, test_data_address);
  tcase_add_test(tc, test_put_back_pressure);
  tcase_add_test(tc, test_qfupl_shutdown_no_fd);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
