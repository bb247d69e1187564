/* qr_latency: command latencies read off a transcript, and their
 * distribution over a run. */
#include "qr_latency.h"

#include "qc_grow.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const to_names[QR_LAT_TOS] = {"ok", "connect", "urc"};

const char *qr_lat_to_name(qr_lat_to to)
{
  return (unsigned)to < QR_LAT_TOS ? to_names[to] : "?";
}

int qr_lat_to_parse(const char *s)
{
  for (int i = 0; s && i < QR_LAT_TOS; i++)
    if (strcmp(s, to_names[i]) == 0)
      return i;
  return -1;
}

/* "AT+QFTPOPEN=..." -> "AT+QFTPOPEN"; false for what is not an extended
 * AT command (ATE1, data bytes, +++). */
static bool family_of(const char *text, char out[QR_LAT_CMD_MAX])
{
  if (strncasecmp(text, "AT+", 3) != 0)
    return false;
  size_t n = 0;
  for (const char *p = text; *p && *p != '=' && *p != '?' && *p != '\\';
       p++) {
    if (n + 1 == QR_LAT_CMD_MAX)
      break;
    out[n++] = (char)toupper((unsigned char)*p);
  }
  out[n] = '\0';
  return n > 3;
}

static bool is_final(const char *t)
{
  return strcmp(t, "OK") == 0 || strcmp(t, "ERROR") == 0 ||
         strncmp(t, "+CME ERROR:", 11) == 0;
}

/* "+QFTPOPEN: 0,0" is the URC of AT+QFTPOPEN. */
static bool is_urc_of(const char *t, const char *cmd)
{
  size_t k = strlen(cmd + 2); /* "+QFTPOPEN" */
  return strncmp(t, cmd + 2, k) == 0 && t[k] == ':';
}

typedef struct scan {
  qr_lat *out;
  size_t cap, n;
} scan;

static void emit(scan *sc, const char *cmd, qr_lat_to to, double s,
                 size_t line)
{
  if (sc->n < sc->cap) {
    qr_lat *l = &sc->out[sc->n];
    memcpy(l->cmd, cmd, QR_LAT_CMD_MAX);
    l->to = to;
    l->s = s < 0 ? 0 : s;
    l->line = line;
  }
  sc->n++;
}

size_t qr_latency_scan(const qr_tline *lines, size_t n, qr_lat *out,
                       size_t cap)
{
  scan sc = {.out = out, .cap = cap};
  char cmd[QR_LAT_CMD_MAX] = "";
  double t_sent = 0, t_ok = 0;
  enum { IDLE, SENT, FINAL } st = IDLE; /* of the last command sent */
  bool connected = false;
  for (size_t i = 0; i < n; i++) {
    const qr_tline *l = &lines[i];
    if (l->dir == '>') {
      /* A new command ends the wait for the last one's URC. */
      if (family_of(l->text, cmd)) {
        st = SENT;
        t_sent = l->t;
        connected = false;
      } else if (st == SENT) {
        st = IDLE; /* bytes in data mode or a raw line: not a command */
      }
      continue;
    }
    if (l->dir != '<' || st == IDLE)
      continue;
    if (st == SENT && !connected && strcmp(l->text, "CONNECT") == 0) {
      emit(&sc, cmd, QR_LAT_CONNECT, l->t - t_sent, i);
      connected = true;
    } else if (st == SENT && is_final(l->text)) {
      emit(&sc, cmd, QR_LAT_OK, l->t - t_sent, i);
      st = strcmp(l->text, "OK") == 0 ? FINAL : IDLE;
      t_ok = l->t;
    } else if (st == FINAL && is_urc_of(l->text, cmd)) {
      emit(&sc, cmd, QR_LAT_URC, l->t - t_ok, i);
      st = IDLE;
    }
  }
  return sc.n;
}

void qr_lat_set_init(qr_lat_set *set)
{
  memset(set, 0, sizeof *set);
}

/* One more slot; a run's latencies are small: no memory, no report. */
static void room(void **arr, size_t *cap, size_t need, size_t elem)
{
  if (qc_grow(arr, cap, need, elem, 0) < 0)
    abort();
}

static qr_lat_family *family(qr_lat_set *set, const char *cmd, qr_lat_to to)
{
  for (size_t i = 0; i < set->n; i++)
    if (set->f[i].to == to && strcmp(set->f[i].cmd, cmd) == 0)
      return &set->f[i];
  if (set->n == QR_LAT_FAMILIES_MAX)
    return NULL; /* a hostile file's thousands of commands: dropped */
  room((void **)&set->f, &set->cap, set->n + 1, sizeof *set->f);
  qr_lat_family *f = &set->f[set->n++];
  memset(f, 0, sizeof *f);
  snprintf(f->cmd, sizeof f->cmd, "%s", cmd);
  f->to = to;
  return f;
}

void qr_lat_set_add(qr_lat_set *set, const char *cmd, qr_lat_to to, double s)
{
  qr_lat_family *f = family(set, cmd, to);
  if (!f)
    return;
  room((void **)&f->s, &f->cap, f->n + 1, sizeof *f->s);
  f->s[f->n++] = s;
}

void qr_lat_set_add_case(qr_lat_set *set, const json_t *c)
{
  size_t i;
  const json_t *e;
  json_array_foreach(json_object_get(c, "latency"), i, e)
  {
    const char *cmd = json_string_value(json_object_get(e, "cmd"));
    int to = qr_lat_to_parse(json_string_value(json_object_get(e, "to")));
    const json_t *s = json_object_get(e, "s");
    /* A latency is seconds to hours: anything past a day is not one. */
    if (cmd && *cmd && strlen(cmd) < QR_LAT_CMD_MAX && to >= 0 &&
        json_is_number(s) && json_number_value(s) >= 0 &&
        json_number_value(s) <= QR_LAT_MAX_S)
      qr_lat_set_add(set, cmd, (qr_lat_to)to, json_number_value(s));
  }
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int cmp_family(const void *a, const void *b)
{
  const qr_lat_family *x = a, *y = b;
  int c = strcmp(x->cmd, y->cmd);
  return c ? c : (int)x->to - (int)y->to;
}

void qr_lat_set_finish(qr_lat_set *set)
{
  for (size_t i = 0; i < set->n; i++)
    qsort(set->f[i].s, set->f[i].n, sizeof *set->f[i].s, cmp_double);
  if (set->n)
    qsort(set->f, set->n, sizeof *set->f, cmp_family);
}

const qr_lat_family *qr_lat_set_find(const qr_lat_set *set, const char *cmd,
                                     qr_lat_to to)
{
  for (size_t i = 0; i < set->n; i++)
    if (set->f[i].to == to && strcmp(set->f[i].cmd, cmd) == 0)
      return &set->f[i];
  return NULL;
}

double qr_lat_pct(const qr_lat_family *f, double p)
{
  if (!f || !f->n)
    return 0;
  if (p <= 0)
    return f->s[0];
  /* Nearest rank: the smallest sample with at least p% at or below it. */
  size_t k = (size_t)((p / 100.0) * (double)f->n + 0.999999);
  if (k < 1)
    k = 1;
  if (k > f->n)
    k = f->n;
  return f->s[k - 1];
}

void qr_lat_set_free(qr_lat_set *set)
{
  for (size_t i = 0; i < set->n; i++)
    free(set->f[i].s);
  free(set->f);
  memset(set, 0, sizeof *set);
}
