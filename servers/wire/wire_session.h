/* wire_session: qftp-capture's control mode (-C): one capture for a whole
 * run, cut into one pcap per case.
 *
 * The harness writes commands on the tool's stdin, one line each, fields
 * separated by tabs; the tool answers each on stdout with one line:
 *   begin<TAB>PATH<TAB>FILTER<TAB>WHOLE  opens a case window: the kernel
 *       filter becomes FILTER (WHOLE: kept whole, may be empty; see
 *       wire_bpf.h), set again only when it changed; packets of flows
 *       that start from now on go to PATH.  -> "ok" | "error MESSAGE"
 *   end  closes the window: reads until the kernel has handed over every
 *       packet captured before the command, writes and closes PATH. It
 *       knows by a marker frame it sends itself (wire_marker.h); where
 *       none can be sent it waits for the ring's block timer (-t) instead.
 *       -> "stats received=N dropped=N ifdropped=N end=HOW" (this
 *          window's counts, markers left out; HOW: "marker" when the
 *          marker came back, "waited" when there was none, "late" when it
 *          did not come within a second: packets may be missing)
 *          | "error MESSAGE"
 * End of input or SIGTERM ends the tool (an open window is closed first,
 * its stats printed). Which packets belong to a window: wire_split.h. */
#ifndef WIRE_SESSION_H
#define WIRE_SESSION_H

#include <pcap/pcap.h>
#include <signal.h>
#include <stddef.h>

#define WIRE_SESSION_LINE_MAX 8192 /* a command line, filters included */

typedef enum wire_cmd_kind {
  WIRE_CMD_BEGIN,
  WIRE_CMD_END,
} wire_cmd_kind;

typedef struct wire_cmd {
  wire_cmd_kind kind;
  const char *path, *filter, *whole; /* begin: point into the line */
} wire_cmd;

/* Parses one command line (no newline; modified in place: the tabs end
 * the fields). 0, or -1 with err. */
int wire_cmd_parse(char *line, wire_cmd *cmd, char *err, size_t errlen);

/* How long `end` waits for the kernel's last blocks when it has no
 * marker, for a block timeout of tov_ms: a block with a packet is retired
 * within two timeouts. */
int wire_session_drain_ms(int tov_ms);

/* Runs the command loop on an activated, non-blocking handle on iface
 * until end of input on in_fd or *stop. snap as qftp-capture's -s (0:
 * whole packets).
 * 0, or 2 on a capture error (a message on stderr). */
int wire_session_run(pcap_t *p, const char *iface, unsigned snap,
                     int tov_ms, int in_fd, volatile sig_atomic_t *stop);

#endif
