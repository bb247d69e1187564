/* proxy_ctl: the run's fault proxy (servers/proxy) — started, fed rules,
 * watched, stopped.
 *
 * A case with faults gets a qftp-proxy in front of its server, started
 * before the steps and stopped after the teardown, so traffic a fault
 * still holds (a delayed reply) never reaches the next case's capture.
 * The proxy reads its rules file at each new control connection; the
 * runner writes it from the case's `faults:`. */
#ifndef QH_PROXY_CTL_H
#define QH_PROXY_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "case.h"

typedef struct qh_proxy qh_proxy;

enum { QH_PROXY_DATA_PORTS = 32 }; /* the proxy's data port range width */

/* The proxy's data ports (its --data-ports), placed the way the server's
 * passive range pasv_lo..pasv_hi was: that range begins at a port the
 * kernel called free, so two runs' ranges differ, and so do the blocks
 * beside them. The block of QH_PROXY_DATA_PORTS just above the passive
 * range, or just below it when the one above passes 65535 or holds a
 * port of `avoid` (the run's other ports: the server's control port and
 * its active source port, the silent and refused ports); above when both
 * do (the proxy skips a port in use). 0, or -1 without a passive range. */
int qh_proxy_data_range(int pasv_lo, int pasv_hi, const int *avoid,
                        size_t navoid, int *lo, int *hi);

/* Starts `binary` listening on listen_addr (a free port) in front of
 * upstream_addr:upstream_port, its data listeners on data_lo..data_hi
 * (--data-ports; data_lo 0: any free port); rules and log files go in
 * `dir`. */
int qh_proxy_start(const char *binary, const char *dir,
                   const char *listen_addr, const char *upstream_addr,
                   int upstream_port, int data_lo, int data_hi,
                   qh_proxy **out, char *err, size_t errlen);

/* Writes the rules file for the next case (n = 0: no faults). A case's
 * delays are module time: the proxy gets them times `time_scale`. */
int qh_proxy_set_faults(qh_proxy *p, const qh_fault *f, size_t n,
                        double time_scale, char *err, size_t errlen);

/* The faults as the proxy's JSON rules text (malloc'd), for tests. */
char *qh_proxy_rules_json(const qh_fault *f, size_t n, double time_scale);

int qh_proxy_port(const qh_proxy *p);
/* The data port range it was started with. */
void qh_proxy_data_ports(const qh_proxy *p, int *lo, int *hi);
const char *qh_proxy_log_path(const qh_proxy *p);
bool qh_proxy_alive(qh_proxy *p, char *why, size_t len);
void qh_proxy_stop(qh_proxy *p);

#endif
