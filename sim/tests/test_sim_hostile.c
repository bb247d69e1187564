/* The simulator's FTP client against a hostile server: a scripted server
 * on a loopback thread answers each command with a reply drawn by a
 * seeded random walk (right or wrong codes, multi-line replies that end or
 * never do, garbage, over-long lines, floods of 1xx, pauses, dropped or
 * reset connections, PASV to nowhere or to a data connection that drops).
 * After each session the simulator must still answer AT with OK, every
 * +QFTP* URC and +CME ERROR it wrote must carry an err of the note's
 * table (chapter 5), and its memory and descriptors must stay bounded.
 *
 * QFTP_HOSTILE_SEED fixes the seed (printed on failure), and
 * QFTP_HOSTILE_SESSIONS the number of sessions (default 40, ~30 s). */
#include "qc_err.h"
#include "qc_time.h"
#include "sim_e2e_util.h"

#include <arpa/inet.h>
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
  RESULT_WAIT_MS = 8000, /* a command's final answer (sim timeouts scaled) */
  RSS_GROWTH_KB = 32768, /* VmRSS may grow this much over the run */
  FD_SLACK = 4,          /* descriptors beyond the idle count */
};

static unsigned rnd(unsigned *s)
{
  *s = *s * 1103515245u + 12345u;
  return (*s >> 16) & 0x7fff;
}

/* ---- the hostile server ---- */

typedef enum act {
  ACT_GOOD,      /* the reply a good server gives */
  ACT_WRONG,     /* a reply with another code */
  ACT_MULTI,     /* a multi-line reply, well ended */
  ACT_MULTI_OPEN, /* a multi-line reply that never ends */
  ACT_GARBAGE,   /* bytes that are no reply */
  ACT_LONG,      /* a line of several KiB */
  ACT_FLOOD,     /* many 1xx, then the good reply */
  ACT_SLOW,      /* the good reply, byte by byte with pauses */
  ACT_SILENT,    /* no answer */
  ACT_DROP,      /* FIN */
  ACT_RESET,     /* RST */
  ACT_COUNT
} act;

typedef struct hostile {
  int lfd, port;
  pthread_t th;
  unsigned seed;
  volatile bool quit;
} hostile;

static void say(int fd, const char *s, size_t n)
{
  if (n && send(fd, s, n, MSG_NOSIGNAL) < 0)
    return; /* the peer left: nothing more to say */
}

static void says(int fd, const char *s)
{
  say(fd, s, strlen(s));
}

/* A PASV answer: to a listener that takes one connection, sends some
 * bytes and closes (or resets), or to a port nobody listens on. */
static int pasv(int cfd, unsigned *rs, char *reply, size_t cap)
{
  int d = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  if (d < 0 || bind(d, (struct sockaddr *)&a, sizeof a) != 0 ||
      listen(d, 1) != 0 || getsockname(d, (struct sockaddr *)&a, &al) != 0) {
    if (d >= 0)
      close(d);
    snprintf(reply, cap, "425 no\r\n");
    return -1;
  }
  int p = ntohs(a.sin_port);
  if (rnd(rs) % 4 == 0) { /* nobody there */
    close(d);
    d = -1;
  }
  snprintf(reply, cap, "227 Entering Passive Mode (127,0,0,1,%d,%d).\r\n",
           p >> 8, p & 255);
  (void)cfd;
  return d;
}

static void data_conn(int dlfd, unsigned *rs)
{
  struct pollfd p = {.fd = dlfd, .events = POLLIN};
  if (poll(&p, 1, 300) <= 0)
    return;
  int d = accept(dlfd, NULL, NULL);
  if (d < 0)
    return;
  static const char bytes[] = "abcdefgh\r\nijklmn\r\n";
  unsigned n = rnd(rs) % 3000;
  for (unsigned i = 0; i < n; i += sizeof bytes - 1)
    say(d, bytes, sizeof bytes - 1);
  if (rnd(rs) % 3 == 0)
    e2e_reset(d);
  else
    close(d);
}

/* The reply a good server gives to `verb`. */
static const char *good(const char *verb)
{
  static const struct { const char *verb, *reply; } t[] = {
      {"USER", "331 Please specify the password.\r\n"},
      {"PASS", "230 Login successful.\r\n"},
      {"CWD", "250 Directory successfully changed.\r\n"},
      {"PWD", "257 \"/pub\" is the current directory\r\n"},
      {"SIZE", "213 1234\r\n"},
      {"TYPE", "200 Switching to Binary mode.\r\n"},
      {"RETR", "150 Opening BINARY mode data connection.\r\n"},
      {"LIST", "150 Here comes the directory listing.\r\n"},
      {"NLST", "150 Here comes the directory listing.\r\n"},
      {"QUIT", "221 Goodbye.\r\n"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strcmp(verb, t[i].verb) == 0)
      return t[i].reply;
  return "200 OK.\r\n";
}

/* Does `a` to the client; false when the session is over. */
static bool answer(int cfd, act a, const char *reply, unsigned *rs)
{
  static char big[6000];
  char buf[160];
  switch (a) {
  case ACT_GOOD:
    says(cfd, reply);
    return true;
  case ACT_WRONG: {
    static const int codes[] = {100, 120, 199, 202, 226, 250, 332, 350,
                                421, 425, 450, 500, 530, 550, 553, 599};
    snprintf(buf, sizeof buf, "%d odd\r\n",
             codes[rnd(rs) % (sizeof codes / sizeof codes[0])]);
    says(cfd, buf);
    return true;
  }
  case ACT_MULTI:
    snprintf(buf, sizeof buf, "%.3s-first\r\n 2xx inner\r\n%.3s-more\r\n",
             reply, reply);
    says(cfd, buf);
    says(cfd, reply);
    return true;
  case ACT_MULTI_OPEN:
    snprintf(buf, sizeof buf, "%.3s-first\r\nnever ends\r\n", reply);
    says(cfd, buf);
    return true;
  case ACT_GARBAGE: {
    size_t n = 1 + rnd(rs) % 64;
    for (size_t i = 0; i < n; i++)
      buf[i] = (char)(rnd(rs) & 0xff);
    buf[n] = '\n';
    say(cfd, buf, n + 1);
    return true;
  }
  case ACT_LONG: {
    size_t n = 1000 + rnd(rs) % (sizeof big - 1000);
    memset(big, 'x', n);
    memcpy(big, reply, 4);
    big[n - 1] = '\n';
    say(cfd, big, rnd(rs) % 2 ? n : n - 1); /* with or without its end */
    return true;
  }
  case ACT_FLOOD: {
    unsigned n = 10 + rnd(rs) % 200;
    for (unsigned i = 0; i < n; i++)
      says(cfd, i % 2 ? "150 more\r\n" : "120 wait\r\n");
    says(cfd, reply);
    return true;
  }
  case ACT_SLOW:
    for (const char *c = reply; *c; c++) {
      say(cfd, c, 1);
      usleep(rnd(rs) % 3000);
    }
    return true;
  case ACT_SILENT:
    return true;
  case ACT_DROP:
    shutdown(cfd, SHUT_RDWR);
    return false;
  case ACT_RESET:
    return false; /* the caller closes with RST */
  case ACT_COUNT:
    break;
  }
  return true;
}

/* One control connection: the greeting, then one answer per command. */
static void session(hostile *h, int cfd, unsigned *rs)
{
  struct timeval tv = {.tv_sec = 3};
  setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  /* mostly good answers, so the walk gets past the login */
  act a = rnd(rs) % 3 ? ACT_GOOD : (act)(rnd(rs) % ACT_COUNT);
  bool rst = a == ACT_RESET;
  int dlfd = -1;
  /* how hostile this session is: one answer in `odds` is drawn at random */
  unsigned odds = 2 + rnd(rs) % 8;
  if (answer(cfd, a, "220 hostile\r\n", rs)) {
    char line[512];
    size_t n = 0;
    while (!h->quit) {
      char ch;
      struct pollfd p = {.fd = cfd, .events = POLLIN};
      if (poll(&p, 1, 2000) <= 0 || read(cfd, &ch, 1) != 1)
        break;
      if (ch != '\n') {
        if (n < sizeof line - 1)
          line[n++] = ch;
        continue;
      }
      line[n > 0 && line[n - 1] == '\r' ? n - 1 : n] = '\0';
      n = 0;
      char verb[8] = "";
      sscanf(line, "%7[A-Za-z]", verb);
      usleep(rnd(rs) % 4 == 0 ? rnd(rs) % 200000 : 0); /* a pause */
      a = rnd(rs) % odds ? ACT_GOOD : (act)(rnd(rs) % ACT_COUNT);
      char reply[160];
      snprintf(reply, sizeof reply, "%s", good(verb));
      if (strcmp(verb, "PASV") == 0 || strcmp(verb, "EPSV") == 0) {
        if (dlfd >= 0)
          close(dlfd);
        dlfd = pasv(cfd, rs, reply, sizeof reply);
      }
      rst = a == ACT_RESET;
      if (!answer(cfd, a, reply, rs))
        break;
      bool xfer = !strcmp(verb, "RETR") || !strcmp(verb, "LIST") ||
                  !strcmp(verb, "NLST");
      if (xfer && dlfd >= 0) {
        data_conn(dlfd, rs);
        close(dlfd);
        dlfd = -1;
        a = rnd(rs) % odds ? ACT_GOOD : (act)(rnd(rs) % ACT_COUNT);
        rst = a == ACT_RESET;
        if (!answer(cfd, a, "226 Transfer complete.\r\n", rs))
          break;
      }
      if (!strcmp(verb, "QUIT"))
        break;
    }
  }
  if (dlfd >= 0)
    close(dlfd);
  if (rst)
    e2e_reset(cfd);
  else
    close(cfd);
}

static void *serve(void *arg)
{
  hostile *h = arg;
  unsigned rs = h->seed ^ 0x5bd1e995u;
  while (!h->quit) {
    struct pollfd p = {.fd = h->lfd, .events = POLLIN};
    if (poll(&p, 1, 100) <= 0)
      continue;
    int cfd = accept(h->lfd, NULL, NULL);
    if (cfd >= 0)
      session(h, cfd, &rs);
  }
  return NULL;
}

static void hostile_start(hostile *h, unsigned seed)
{
  h->seed = seed;
  h->quit = false;
  h->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  ck_assert_int_eq(bind(h->lfd, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(h->lfd, 4), 0);
  getsockname(h->lfd, (struct sockaddr *)&a, &al);
  h->port = ntohs(a.sin_port);
  ck_assert_int_eq(pthread_create(&h->th, NULL, serve, h), 0);
}

static void hostile_stop(hostile *h)
{
  h->quit = true;
  pthread_join(h->th, NULL);
  close(h->lfd);
}

/* ---- the simulator's side ---- */

static unsigned g_seed;
static int g_session;
static char g_last[256]; /* the line result() stopped at */

/* An err the note's chapter 5 lists (0: success). */
static bool err_known(long e)
{
  return e == 0 || (e >= 0 && e < 100000 && qc_err_name((int)e) != NULL);
}

/* Checks every complete line of out[0..n): a +QFTPxxx: URC starts with a
 * known err (and, when it is not 0, a protocol error 0..999), a
 * +CME ERROR: with a known err. */
static void check_lines(const char *out, size_t n)
{
  for (size_t at = 0; at < n;) {
    const char *nl = memchr(out + at, '\n', n - at);
    if (!nl)
      break;
    size_t len = (size_t)(nl - out) - at;
    char line[256];
    size_t k = len < sizeof line - 1 ? len : sizeof line - 1;
    memcpy(line, out + at, k);
    line[k] = '\0';
    at += len + 1;
    if (getenv("QFTP_HOSTILE_TRACE"))
      fprintf(stderr, "%d| %s\n", g_session, line);
    char *p = NULL;
    if (strncmp(line, "+CME ERROR: ", 12) == 0) {
      long e = strtol(line + 12, &p, 10);
      ck_assert_msg(p != line + 12 && err_known(e) && e != 0,
                    "seed %u session %d: bad \"%s\"", g_seed, g_session, line);
      continue;
    }
    if (strncmp(line, "+QFTP", 5) != 0 || !strstr(line, ": "))
      continue;
    if (strncmp(line, "+QFTPSTAT: ", 11) == 0 ||
        strncmp(line, "+QFTPCFG: ", 10) == 0)
      continue; /* a state, a setting: no err */
    char *v = strstr(line, ": ") + 2;
    long e = strtol(v, &p, 10);
    ck_assert_msg(p != v && err_known(e),
                  "seed %u session %d: bad err in \"%s\"", g_seed, g_session,
                  line);
    if (e != 0) {
      ck_assert_msg(*p == ',', "seed %u session %d: \"%s\"", g_seed, g_session,
                    line);
      char *q;
      long pe = strtol(p + 1, &q, 10);
      ck_assert_msg(q != p + 1 && pe >= 0 && pe <= 999 &&
                        (*q == '\r' || *q == '\0'),
                    "seed %u session %d: bad protocol error in \"%s\"", g_seed,
                    g_session, line);
    }
  }
}

/* Reads until a line starting with `urc`, a +CME ERROR or an ERROR line
 * is complete; checks what came. True when one came in time. */
static bool result(e2e_sim *s, const char *urc)
{
  int64_t dl = qc_deadline_in(RESULT_WAIT_MS);
  for (;;) {
    static const char *ends[] = {NULL, "+CME ERROR: ", "\r\nERROR\r\n"};
    ends[0] = urc;
    for (size_t i = 0; i < 3; i++) {
      char *hit = memmem(s->buf, s->len, ends[i], strlen(ends[i]));
      char *nl = hit ? memchr(hit + 2, '\n', s->len - (size_t)(hit + 2 - s->buf))
                     : NULL;
      if (nl) {
        size_t used = (size_t)(nl + 1 - s->buf);
        size_t k = (size_t)(nl - hit) < sizeof g_last - 1 ? (size_t)(nl - hit)
                                                           : sizeof g_last - 1;
        memcpy(g_last, hit, k);
        g_last[k] = '\0';
        check_lines(s->buf, used);
        memmove(s->buf, s->buf + used, s->len - used);
        s->len -= used;
        return true;
      }
    }
    if (qc_now_ms() >= dl)
      return false;
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    poll(&p, 1, qc_remaining_ms(dl));
    ssize_t r = read(s->fd, s->buf + s->len, sizeof s->buf - 1 - s->len);
    if (r > 0)
      s->len += (size_t)r;
    if (s->len == sizeof s->buf - 1) { /* data mode: keep the tail */
      size_t keep = 1024;
      check_lines(s->buf, s->len - keep);
      memmove(s->buf, s->buf + s->len - keep, keep);
      s->len = keep;
    }
  }
}

static long proc_kb(pid_t pid, const char *key)
{
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  long v = -1;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, key, strlen(key)) == 0)
      v = strtol(line + strlen(key), NULL, 10);
  if (f)
    fclose(f);
  return v;
}

static int proc_fds(pid_t pid)
{
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
  DIR *d = opendir(path);
  int n = 0;
  while (d && readdir(d))
    n++;
  if (d)
    closedir(d);
  return n;
}

static void command(e2e_sim *s, const char *cmd, const char *urc)
{
  e2e_send(s, cmd, strlen(cmd));
  ck_assert_msg(result(s, urc), "seed %u session %d: no answer to %s",
                g_seed, g_session, cmd);
}

START_TEST(test_hostile_server)
{
  const char *es = getenv("QFTP_HOSTILE_SEED");
  const char *en = getenv("QFTP_HOSTILE_SESSIONS");
  g_seed = es && *es ? (unsigned)strtoul(es, NULL, 0)
                     : (unsigned)time(NULL) ^ (unsigned)getpid();
  int sessions = en && *en ? atoi(en) : 40;
  fprintf(stderr, "test_sim_hostile: seed %u, %d sessions\n", g_seed,
          sessions);
  hostile h;
  hostile_start(&h, g_seed);
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  ck_assert(e2e_chat(&s, "ATE0\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QIACT=1\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"account\",\"u\",\"p\"\r", "OK\r\n"));
  long rss0 = proc_kb(s.pid, "VmRSS:");
  int fds0 = proc_fds(s.pid);
  ck_assert_int_gt(rss0, 0);
  unsigned rs = g_seed;
  static const struct { const char *cmd, *urc; } steps[] = {
      {"AT+QFTPCWD=\"/pub\"\r", "+QFTPCWD: "},
      {"AT+QFTPPWD\r", "+QFTPPWD: "},
      {"AT+QFTPSIZE=\"a.bin\"\r", "+QFTPSIZE: "},
      {"AT+QFTPGET=\"a.bin\",\"COM:\"\r", "+QFTPGET: "},
      {"AT+QFTPLIST=\".\"\r", "+QFTPLIST: "},
  };
  for (g_session = 0; g_session < sessions; g_session++) {
    char open[96];
    snprintf(open, sizeof open, "AT+QFTPOPEN=\"127.0.0.1\",%d\r", h.port);
    command(&s, open, "+QFTPOPEN: ");
    /* the last session was closed: the module is not busy with it */
    ck_assert_msg(!strstr(g_last, "+CME ERROR: 603"),
                  "seed %u session %d: AT+QFTPOPEN still busy (%s) after the "
                  "last AT+QFTPCLOSE",
                  g_seed, g_session, g_last);
    unsigned n = rnd(&rs) % 6;
    for (unsigned i = 0; i < n; i++) {
      size_t k = rnd(&rs) % (sizeof steps / sizeof steps[0]);
      command(&s, steps[k].cmd, steps[k].urc);
    }
    /* a close refused as busy (603: a failed transfer still drains) must
     * be taken once the module's own timeouts have run */
    int64_t dl = qc_deadline_in(RESULT_WAIT_MS);
    do
      command(&s, "AT+QFTPCLOSE\r", "+QFTPCLOSE: ");
    while (strstr(g_last, "+CME ERROR: 603") && qc_now_ms() < dl &&
           usleep(50000) == 0);
    ck_assert_msg(!strstr(g_last, "+CME ERROR: 603"),
                  "seed %u session %d: AT+QFTPCLOSE busy for %d ms", g_seed,
                  g_session, RESULT_WAIT_MS);
    /* whatever happened, the module answers */
    ck_assert_msg(e2e_chat(&s, "AT\r", "OK\r\n"),
                  "seed %u session %d: AT unanswered", g_seed, g_session);
    long rss = proc_kb(s.pid, "VmRSS:");
    ck_assert_msg(rss > 0 && rss < rss0 + RSS_GROWTH_KB,
                  "seed %u session %d: VmRSS %ld kB (start %ld kB)", g_seed,
                  g_session, rss, rss0);
  }
  /* no session left behind: the descriptors are those of an idle module */
  int64_t dl = qc_deadline_in(3000);
  while (proc_fds(s.pid) > fds0 + FD_SLACK && qc_now_ms() < dl)
    usleep(20000);
  ck_assert_msg(proc_fds(s.pid) <= fds0 + FD_SLACK,
                "seed %u: %d descriptors open, %d when idle", g_seed,
                proc_fds(s.pid), fds0);
  e2e_sim_stop(&s);
  hostile_stop(&h);
}
END_TEST

int main(void)
{
  Suite *su = suite_create("sim_hostile");
  TCase *tc = tcase_create("hostile");
  tcase_set_timeout(tc, 0); /* bounded by the sessions; CTest's TIMEOUT */
  tcase_add_test(tc, test_hostile_server);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
