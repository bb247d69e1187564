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

/* Starts `binary` listening on listen_addr (a free port) in front of
 * upstream_addr:upstream_port; rules and log files go in `dir`. */
int qh_proxy_start(const char *binary, const char *dir,
                   const char *listen_addr, const char *upstream_addr,
                   int upstream_port, qh_proxy **out, char *err,
                   size_t errlen);

/* Writes the rules file for the next case (n = 0: no faults). A case's
 * delays are module time: the proxy gets them times `time_scale`. */
int qh_proxy_set_faults(qh_proxy *p, const qh_fault *f, size_t n,
                        double time_scale, char *err, size_t errlen);

/* The faults as the proxy's JSON rules text (malloc'd), for tests. */
char *qh_proxy_rules_json(const qh_fault *f, size_t n, double time_scale);

int qh_proxy_port(const qh_proxy *p);
const char *qh_proxy_log_path(const qh_proxy *p);
bool qh_proxy_alive(qh_proxy *p, char *why, size_t len);
void qh_proxy_stop(qh_proxy *p);

#endif
