/* silent_port: a TCP port that accepts connections and never answers.
 *
 * The kernel completes the handshake for a listening socket's backlog even
 * when nobody calls accept(), so a module that connects sees an open port
 * and then silence: the "no reply within rsptimeout" (609) cases use it.
 * Between cases the queue is flushed so connections do not pile up. */
#ifndef QH_SILENT_PORT_H
#define QH_SILENT_PORT_H

/* Listens on addr:0. Returns the fd and the port in *port, or -1. */
int qh_silent_port_open(const char *addr, int *port);

/* Accepts and closes everything queued (never blocks). */
void qh_silent_port_flush(int fd);

#endif
