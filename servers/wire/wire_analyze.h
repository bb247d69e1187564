/* wire_analyze: what an FTP(S) capture shows — control sessions, data
 * connections, mode, TLS, losses and clear-text leaks.
 *
 * wire_analyze_file reads a pcap (libpcap offline), decodes frames
 * (wire_pkt), reassembles TCP (wire_reasm), frames the control channel
 * (wire_ftp) and recognises TLS (wire_tls). The result is plain data owned
 * by the wire_analysis (wire_analysis_free); wire_check (wire_check.h)
 * evaluates a case's `wire:` assertions on it, wire_ladder prints it.
 *
 * "client" / "module" is the FTP client (the module under test); "server"
 * the FTP server, whichever side opened a given TCP connection. */
#ifndef WIRE_ANALYZE_H
#define WIRE_ANALYZE_H

#include "wire_tls.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bounds: a capture cannot make the analysis grow without limit. */
#define WIRE_CMDS_MAX 10000    /* commands (and replies) kept per session */
#define WIRE_EVENTS_MAX 200000 /* ladder events kept per capture */
#define WIRE_ISSUES_MAX 100    /* missing-byte and plaintext notes */
#define WIRE_ANNOUNCE_MAX 256  /* PASV/PORT announcements per session */

typedef enum wire_side { WIRE_SIDE_NONE, WIRE_SIDE_CLIENT, WIRE_SIDE_SERVER }
    wire_side;
typedef enum wire_close_how { WIRE_CLOSE_NONE, WIRE_CLOSE_FIN, WIRE_CLOSE_RST }
    wire_close_how;
typedef enum wire_xfer_dir { WIRE_XFER_NONE, WIRE_XFER_DOWNLOAD,
                             WIRE_XFER_UPLOAD } wire_xfer_dir;
typedef enum wire_mode { WIRE_MODE_NONE, WIRE_MODE_PASSIVE, WIRE_MODE_ACTIVE,
                         WIRE_MODE_MIXED } wire_mode;

typedef struct wire_tls_info {
  bool tls;           /* the stream carried TLS records */
  bool implicit;      /* from the first byte (control: port-990 style) */
  bool hello;         /* a ClientHello was parsed */
  wire_tls_hello h;   /* its versions, when hello */
  bool server_hello;  /* a ServerHello was parsed */
  wire_tls_server_hello sh; /* sh.version: the negotiated version */
  bool hrr;           /* a HelloRetryRequest was seen (also without a
                         ServerHello after it) */
  double t_hello;     /* when hello: the ClientHello's time (seconds since
                         the first packet, as every t here) */
} wire_tls_info;

typedef struct wire_line {
  double t;   /* seconds since the first packet */
  int code;   /* replies: 100..599; commands: 0 */
  char *text; /* commands: PASS argument masked; replies: lines joined */
} wire_line;

typedef struct wire_session {
  unsigned conn;        /* TCP connection number (1-based, capture order) */
  char client[64], server[64]; /* "addr:port" */
  double t_open, t_close;
  wire_line *cmds;      /* client commands, in order */
  size_t ncmds;
  wire_line *replies;   /* server replies, in order */
  size_t nreplies;
  bool truncated;       /* a line was cut or the WIRE_CMDS_MAX cap hit */
  wire_tls_info tls;
  bool auth_tls;        /* explicit: AUTH TLS/SSL answered 234 */
  bool passive, active; /* PASV/EPSV seen, PORT/EPRT seen */
  unsigned clear_login; /* USER/PASS lines seen in clear */
  wire_close_how module_close, server_close;
} wire_session;

typedef struct wire_data_conn {
  unsigned conn;        /* TCP connection number */
  int session;          /* index into sessions, -1 if untied */
  char client[64], server[64]; /* module's and server's "addr:port" */
  bool passive;         /* tied by PASV/EPSV (else PORT/EPRT) */
  wire_side opened_by;  /* who sent the SYN (NONE: SYN not captured) */
  uint64_t to_server, to_client; /* payload bytes each way */
  wire_xfer_dir direction;       /* by which side sent payload */
  uint64_t bytes;       /* payload bytes in that direction */
  wire_close_how module_close, server_close;
  wire_side first_closer;
  double t_open, t_close;
  wire_tls_info tls;
  uint64_t missing;     /* bytes lost in the capture, both ways */
} wire_data_conn;

typedef enum wire_event_kind {
  WIRE_EV_OPEN,   /* a connection (SYN, or first segment) */
  WIRE_EV_CLOSE,  /* FIN or RST (rst) from a side */
  WIRE_EV_CMD,    /* a client command line */
  WIRE_EV_REPLY,  /* a server reply */
  WIRE_EV_TLS,    /* ClientHello (versions offered) or ServerHello
                     (version negotiated), in text */
  WIRE_EV_GAP,    /* bytes missing from the capture (n at off) */
} wire_event_kind;

typedef struct wire_event {
  double t;
  wire_event_kind kind;
  unsigned conn;
  bool from_client; /* sent by the FTP client (module) */
  bool rst;
  uint64_t n, off;
  char *text;       /* may be NULL */
} wire_event;

/* Room for libpcap's text about a damaged capture. */
#define WIRE_CAPERR_MAX 256

typedef struct wire_analysis {
  int linktype;
  /* Reading stopped at a damaged record (libpcap: "truncated dump file",
   * a bad length, a read error): everything below covers only the
   * `packets` read before it. */
  bool truncated;
  char capture_error[WIRE_CAPERR_MAX]; /* libpcap's text, "" if none */
  uint64_t packets, tcp_packets, undecoded; /* frames read, TCP, bad */
  uint64_t bytes;           /* captured bytes */
  double t_first;           /* absolute time of the first packet */
  double duration;          /* last - first, seconds */
  wire_session *sessions;
  size_t nsessions;
  wire_data_conn *data;
  size_t ndata;
  unsigned other_conns;     /* TCP connections neither control nor data */
  wire_mode mode;
  uint64_t missing;         /* bytes lost in the capture, all streams */
  uint64_t uncaptured;      /* payload bytes past the snap length: sent,
                               counted, not in the capture */
  char **missing_notes;     /* "connection 3 (a -> b): missing N bytes at
                               offset X" */
  size_t nmissing_notes;
  char **plaintext;         /* clear-text leaks under FTPS */
  size_t nplaintext;
  wire_event *events;       /* in capture order */
  size_t nevents;
  bool events_truncated;
} wire_analysis;

/* Analyses a capture. ctrl_port: the FTP server's control port; 0 tells
 * control from data by content: an announced port is data; 21, 990, the
 * port of a control session seen before, a stream that opens with "220" /
 * an FTP command, or with a ClientHello while no TLS session runs between
 * its hosts (implicit FTPS) is control. Returns 0,
 * or -1 with a message in err (unreadable file, not a pcap/pcapng capture,
 * unknown link type, memory). A capture cut or damaged after its file
 * header is not an error: 0, with truncated and capture_error set and the
 * packets before the damage analysed.
 * Reads the file once, sequentially; memory is bounded by the limits above
 * and WIRE_REASM_OOO_MAX per stream, not by the capture's size. */
int wire_analyze_file(const char *pcap_path, int ctrl_port,
                      wire_analysis **out, char *err, size_t errlen);
/* As wire_analyze_file, the capture read from f (closed in every case;
 * fmemopen serves one from memory); pcap_path names it in messages.
 * wire_analyze_file opens the file and calls this. */
int wire_analyze_stream(FILE *f, const char *pcap_path, int ctrl_port,
                        wire_analysis **out, char *err, size_t errlen);

void wire_analysis_free(wire_analysis *a);

/* The analysis as JSON (object; events omitted), malloc'd; NULL on
 * allocation failure. Times are seconds since the capture's first packet. */
char *wire_analysis_to_json(const wire_analysis *a);
/* The same, every time ("t", "t_open", "t_close", "t_hello") in seconds
 * since `base` (an absolute time on the capture's clock, e.g. when a case
 * started), and "clock": "case" says so. */
char *wire_analysis_to_json_at(const wire_analysis *a, double base);

const char *wire_mode_name(wire_mode m);       /* "passive", ... */
const char *wire_close_name(wire_close_how h); /* "none", "fin", "rst" */
const char *wire_side_name(wire_side s);       /* "none", "client", ... */
const char *wire_xfer_name(wire_xfer_dir d);   /* "download", ... */

/* Prints one line per event of the capture: relative time, an arrow for
 * the direction, command/reply text, data connections opening and closing
 * (bytes, FIN/RST), TLS handshakes, losses. ctrl_port as above.
 * Returns 0: printed; 1: printed, but the capture is damaged (truncated):
 * the ladder ends with a "# WARNING: capture damaged ..." line and err
 * holds the same text (without "# WARNING: "); -1: nothing printed, the
 * file could not be read as a capture (message in err). */
int wire_ladder_print(const char *pcap_path, int ctrl_port, FILE *out,
                      char *err, size_t errlen);
/* As wire_ladder_print, the capture read from `in` (closed in every case;
 * see wire_analyze_stream). */
int wire_ladder_print_stream(FILE *in, const char *pcap_path, int ctrl_port,
                             FILE *out, char *err, size_t errlen);

#endif
