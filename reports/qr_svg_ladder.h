/* qr_svg_ladder: a case's wire evidence (results.json case "wire", from
 * servers/wire) drawn as an inline SVG sequence diagram, like a flow
 * graph: lanes module | proxy | server (the proxy's only when the case
 * went through the fault proxy), one row per event in time order with its
 * time on the left; FTP commands and replies as arrows with their text;
 * each data connection a band from its opening to its closing with its
 * bytes and direction, who opened it, and who closed first and how (FIN
 * or RST); TLS handshakes marked with the version negotiated.
 *
 * Times are the wire object's: seconds since the case started when it
 * says "clock": "case" (the transcript's clock), else since the capture's
 * first packet (older files), and the caption says which. Every text goes
 * through qr_escape_markup. At most max_rungs rows are drawn; the caption
 * says how many were left out. */
#ifndef QR_SVG_LADDER_H
#define QR_SVG_LADDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "qc_buf.h"

enum { QR_SVG_RUNGS_MAX = 300 }; /* rows a report draws per case */

/* Appends the caption and the <svg> for wire to b; nothing when the wire
 * object shows no event. */
void qr_svg_ladder(qc_buf *b, const json_t *wire, bool proxy, size_t max_rungs);

#endif
