/* run_servers: the FTP servers a run starts (lazily, one per profile), the
 * fault proxy in front of one, and the variables a case sees. */
#include "run_priv.h"

#include "qc_io.h"
#include "srv_user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rn_explain(void *ctx, char *buf, size_t len)
{
  run *r = ctx;
  char why[256];
  size_t o = 0;
  buf[0] = '\0';
  if (!qh_transport_alive(r->t, why, sizeof why))
    o += (size_t)snprintf(buf + o, len - o, "%s", why);
  if (o < len && r->cur_srv && !srv_ftp_alive(r->cur_srv, why, sizeof why))
    snprintf(buf + o, len - o, "%s%s", o ? "; " : "", why);
}


/* The servers are started lazily, one per profile a case names. */
srv_ftp *rn_server_for(run *r, const char *profile, char *err,
                           size_t errlen)
{
  for (size_t i = 0; i < r->nservers; i++)
    if (strcmp(r->servers[i].profile, profile) == 0)
      return r->servers[i].srv;
  if (r->nservers == RUN_MAX_SERVERS) {
    snprintf(err, errlen, "too many server profiles in one run");
    return NULL;
  }
  server_slot *s = &r->servers[r->nservers];
  snprintf(s->profile, sizeof s->profile, "%s", profile);
  snprintf(s->dir, sizeof s->dir, "%s/srv-%s", r->work_dir, profile);
  char tdir[PATH_MAX];
  snprintf(tdir, sizeof tdir, "%s/servers/vsftpd", r->o->home);
  srv_ftp_opts so = {.run_dir = s->dir,
                     .template_dir = tdir,
                     .profile = profile,
                     .listen_addr = r->o->server_addr,
                     .port = 0};
  if (srv_ftp_start(&so, &s->srv, err, errlen) < 0)
    return NULL;
  rn_progress("server %s: %s on %s:%d, user %s\n", profile,
           srv_ftp_server_name(s->srv),
           srv_ftp_host(s->srv), srv_ftp_port(s->srv), srv_ftp_user(s->srv));
  r->nservers++;
  return s->srv;
}


int rn_atoi_port(const char *s)
{
  long v = s ? strtol(s, NULL, 10) : 0;
  return v > 0 && v < 65536 ? (int)v : 0;
}


server_slot *rn_slot_of(run *r, const srv_ftp *srv)
{
  for (size_t i = 0; i < r->nservers; i++)
    if (r->servers[i].srv == srv)
      return &r->servers[i];
  return NULL;
}


/* Puts the fault proxy in front of the case's server and loads its faults.
 * Its data listeners get a range of the run's own beside the server's
 * passive range (qh_proxy_data_range), which the capture names. Returns
 * the port the module must use. */
int rn_proxy_for(run *r, srv_ftp *srv, const qh_case *c, char *err,
                     size_t errlen)
{
  server_slot *sl = rn_slot_of(r, srv);
  char why[128];
  if (sl->proxy && !qh_proxy_alive(sl->proxy, why, sizeof why)) {
    rn_progress("  restarting the proxy (%s)\n", why);
    qh_proxy_stop(sl->proxy);
    sl->proxy = NULL;
  }
  if (!sl->proxy) {
    char bin[PATH_MAX];
    snprintf(bin, sizeof bin, "%s", r->o->proxy_binary);
    int plo, phi, dlo, dhi, port = srv_ftp_port(srv);
    srv_ftp_pasv_range(srv, &plo, &phi);
    const int avoid[] = {port, port - 1, r->silent_port, r->refused_port};
    if (qh_proxy_data_range(plo, phi, avoid, sizeof avoid / sizeof avoid[0],
                            &dlo, &dhi) < 0) {
      snprintf(err, errlen, "no data port range beside the server's passive "
               "range %d-%d", plo, phi);
      return -1;
    }
    if (qh_proxy_start(bin, sl->dir, r->o->server_addr, srv_ftp_host(srv),
                       port, dlo, dhi, &sl->proxy, err, errlen) < 0)
      return -1;
  }
  if (qh_proxy_set_faults(sl->proxy, c->faults, c->nfaults, r->o->time_scale,
                          err, errlen) < 0)
    return -1;
  return qh_proxy_port(sl->proxy);
}


int rn_ensure_server(run *r, srv_ftp *srv, char *err, size_t errlen)
{
  char why[256];
  if (srv_ftp_alive(srv, why, sizeof why))
    return 0;
  rn_progress("  restarting vsftpd (%s)\n", why);
  if (srv_ftp_restart(srv, err, errlen) < 0)
    return -1;
  size_t o = strlen(r->pending_note);
  snprintf(r->pending_note + o, sizeof r->pending_note - o,
           "%svsftpd restarted (%s)", o ? "; " : "", why);
  return 0;
}


void rn_set_vars(run *r, srv_ftp *srv, qh_vars *v)
{
  memset(v, 0, sizeof *v);
  v->profile = r->profile;
  qh_vars_set(v, "host", r->o->server_addr);
  qh_vars_set(v, "bad_host", RUN_BAD_HOST);
  qh_vars_setf(v, "refused_port", "%d", r->refused_port);
  qh_vars_setf(v, "silent_port", "%d", r->silent_port);
  if (srv) {
    qh_vars_setf(v, "port", "%d", srv_ftp_port(srv));
    qh_vars_set(v, "user", srv_ftp_user(srv));
    qh_vars_set(v, "pass", srv_ftp_pass(srv));
  }
}
