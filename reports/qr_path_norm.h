/* qr_path_norm: absolute paths in a reason made independent of where the
 * project and the report directory were.
 *
 * Two runs in two CI workspaces name the same case file and the same case
 * directory by different absolute paths; diff compares reasons with their
 * paths normalised so that only what the module did shows as a change.
 * An absolute path is a '/' at the start of the text or after a NUL,
 * white space or one of ( [ { " ' ` = , ; < >, up to a NUL, white space or
 * one of " ' ` , ; : ) ] } < > (so "file.yaml:12:5" keeps its ":12:5"); URLs ("ftp://h/x")
 * are left alone. Each one becomes, the first rule that applies:
 *   1. with a component "cases": the path from its last such component,
 *      "/ws/proj/cases/get/com.yaml" -> "cases/get/com.yaml" (a case file
 *      or a case's report directory);
 *   2. under one of the report directories given: "<report>" and the rest,
 *      "/tmp/A/workers/w1/sim.log" -> "<report>/workers/w1/sim.log";
 *   3. with three components or more: "..." and its last two,
 *      "/home/ci/x/fixtures/a.pem" -> ".../fixtures/a.pem";
 *   4. else unchanged ("/", "/tmp", "/dev/ttyUSB0").
 * Rule 3 also shortens a deep FTP path the module was told to use, in the
 * reason only: the comparison is the point. */
#ifndef QR_PATH_NORM_H
#define QR_PATH_NORM_H

#include <stddef.h>

#include "qc_buf.h"

/* Appends n bytes of s to out with every absolute path normalised;
 * dirs (ndirs of them, absolute, without a trailing '/') are the report
 * directories, the longest matching one is taken. */
void qr_path_norm(const char *s, size_t n, const char *const *dirs,
                  size_t ndirs, qc_buf *out);

#endif
