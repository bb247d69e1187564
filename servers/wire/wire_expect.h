/* wire_expect: what must hold on a case's capture (a case's `wire:`),
 * checked by wire_check.h. The harness's loader fills it. */
#ifndef WIRE_EXPECT_H
#define WIRE_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qc_where.h"

typedef enum wire_want_dir {
  WIRE_WANT_DIR_ANY,
  WIRE_WANT_DOWNLOAD,
  WIRE_WANT_UPLOAD
} wire_want_dir;
typedef enum wire_want_close {
  WIRE_WANT_CLOSE_ANY,
  WIRE_WANT_CLOSE_FIN,
  WIRE_WANT_CLOSE_RST
} wire_want_close;
typedef enum wire_want_opener {
  WIRE_WANT_OPENER_ANY,
  WIRE_WANT_OPENER_CLIENT,
  WIRE_WANT_OPENER_SERVER
} wire_want_opener;
typedef enum wire_want_mode {
  WIRE_WANT_MODE_ANY,
  WIRE_WANT_PASSIVE,
  WIRE_WANT_ACTIVE
} wire_want_mode;

typedef struct wire_expect_data {
  wire_want_dir direction;
  int64_t bytes;         /* -1: any */
  wire_want_close close; /* how the module (client) side closed it */
  wire_want_opener opened_by;
  qc_where where;
} wire_expect_data;

typedef struct wire_expect {
  bool present;
  char **commands; /* client commands, in order (a subsequence); glob
                      patterns: "PORT *", "REST 1000", "TYPE I" */
  size_t ncommands;
  char **forbidden; /* globs no client command may match */
  size_t nforbidden;
  wire_expect_data *data; /* data connections, in order */
  size_t ndata;
  bool data_given; /* `data:` present (an empty list: none at all) */
  int tls_control; /* -1 unspecified, 0 plain, 1 TLS required */
  int tls_data;
  uint16_t tls_version; /* every TLS connection negotiated this (RFC 8446
                           numbering: 0x0303 is TLS 1.2); 0 unspecified */
  bool no_plaintext;    /* no USER/PASS argument or payload byte in clear */
  wire_want_mode mode;
  qc_where where;
} wire_expect;

#endif
