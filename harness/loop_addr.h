/* loop_addr: a loopback address of the run's own, 127.77.x.y.
 *
 * With the simulator the run's servers listen on an address no other run
 * uses, so the capture filter "host ADDR" sees this run's traffic only.
 * The address is claimed by a TCP socket bound to ADDR:QH_LOOP_CLAIM_PORT
 * without SO_REUSEADDR and held for the run: a second run's bind fails with
 * EADDRINUSE and it walks on; the kernel drops the claim when the process
 * ends, however it ends. */
#ifndef QH_LOOP_ADDR_H
#define QH_LOOP_ADDR_H

#include <stddef.h>

enum {
  /* Below the kernel's ephemeral range (32768 up by default), where the
   * servers' ports come from (bind to port 0, passive and proxy windows
   * of 32 beside such a port, active data from control - 1), and not
   * privileged, so a claim needs no root. */
  QH_LOOP_CLAIM_PORT = 30977,
  QH_LOOP_TRIES = 512,      /* candidates tried before giving up */
  QH_LOOP_ADDRS = 256 * 254 /* 127.77.0-255.1-254 */
};

typedef struct qh_loop_addr {
  int fd;        /* the claim; -1 none */
  char addr[16]; /* dotted, "127.77.x.y" */
} qh_loop_addr;

/* The candidate address number `index` (taken modulo QH_LOOP_ADDRS). */
void qh_loop_candidate(unsigned index, char *buf, size_t len);

/* Claims the first free candidate of start, start + 1, ... (at most
 * `tries`) on `port`. The claim fd is close-on-exec. 0, or -1 with err. */
int qh_loop_claim(unsigned start, unsigned tries, int port, qh_loop_addr *out,
                  char *err, size_t errlen);

/* Gives the address back (a no-op on a released or failed claim). */
void qh_loop_release(qh_loop_addr *a);

#endif
