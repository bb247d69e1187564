#!/usr/bin/env bash
# ci/bench/sim/run.sh — qftp-sim's download throughput against its ceilings.
#
# Usage (as root, from anywhere):  ci/bench/sim/run.sh [BUILD_DIR]
#   BUILD_DIR  CMake build directory, default build/ (relative to the repo).
# Environment: BENCH_SIZE (bytes, default 268435456), BENCH_SEED (5),
#   BENCH_TIMEOUT (seconds per transfer, default 300), BENCH_REPEAT (runs
#   of each path, default 5, at most 100).
#
# What it does, in one run:
#  1. builds qftp-sim and the static libraries it needs (configures
#     BUILD_DIR first if it has no CMakeCache.txt); if the build fails but
#     the artefacts exist, it says so and goes on with them;
#  2. compiles the driver (bench_get.c, bench_tty.c, bench_pty.c) with gcc
#     -std=c11 -Wall -Wextra -Werror against those libraries;
#  3. runs it: vsftpd started through servers/srv_ftp.h with one payload
#     file (qc_payload.h, seed BENCH_SEED) seeded in its home, then
#       raw pty  the payload through a raw pty pair (a cat-like writer),
#       sim COM: AT+QFTPGET="big.bin","COM:" over qftp-sim's pty link
#                (--time-scale 1), every byte checked by SHA-256,
#       sim UFS: AT+QFTPGET="big.bin","UFS:big.bin" until the URC,
#       curl     curl's RETR of the same file to /dev/null;
#     each path BENCH_REPEAT times, interleaved (raw pty, sim, curl, raw
#     pty, sim, curl, ...), so a drift of the machine touches all alike;
#  4. prints min/median/max MB/s (10^6 bytes/s) for each and the ratios of
#     the medians.
# Everything is bounded (timeout) and removed on exit (trap), the server's
# generated user included (the driver stops it on SIGTERM).
# Exit: 0 all figures measured and checked, 1 otherwise, 2 setup failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$repo/$build ;; esac
size=${BENCH_SIZE:-268435456}
seed=${BENCH_SEED:-5}
xfer_s=${BENCH_TIMEOUT:-300}
repeat=${BENCH_REPEAT:-5}
[[ $repeat =~ ^[0-9]+$ ]] && ((repeat >= 1 && repeat <= 100)) || {
  echo "run.sh: BENCH_REPEAT must be 1..100" >&2; exit 2; }

[[ $(id -u) == 0 ]] || { echo "run.sh: needs root (vsftpd user)" >&2; exit 2; }
for tool in cmake gcc pkg-config vsftpd; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool missing" >&2; exit 2; }
done
if ! command -v curl >/dev/null; then
  timeout 300 apt-get install -y curl >/dev/null || {
    echo "run.sh: curl missing and not installable" >&2; exit 2; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/qftp-bench.XXXXXX")
chmod 755 "$work" # the FTP user must reach its home below it
driver_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [[ -n $driver_pid ]] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# 1. build
cd "$repo"
if [[ ! -f $build/CMakeCache.txt ]]; then
  timeout 600 cmake -S "$repo" -B "$build" >"$work/cmake.log" 2>&1 || {
    cat "$work/cmake.log" >&2; exit 2; }
fi
libs=("$build/servers/libqftp_servers.a" "$build/common/libqftp_common.a")
sim=$build/bin/qftp-sim
if ! timeout 900 cmake --build "$build" -j2 --target qftp-sim qftp_servers \
    qftp_common >"$work/build.log" 2>&1; then
  for f in "$sim" "${libs[@]}"; do
    [[ -e $f ]] || { tail -30 "$work/build.log" >&2; exit 2; }
  done
  echo "run.sh: build failed (tree being edited?); using the existing" \
       "artefacts in $build" >&2
fi

# 2. the driver
bin=$work/bench_get
# shellcheck disable=SC2046 # pkg-config output is a word list
timeout 120 gcc -std=c11 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE \
  -I"$repo/common" -I"$repo/servers" \
  "$here"/bench_get.c "$here"/bench_tty.c "$here"/bench_pty.c "${libs[@]}" \
  $(pkg-config --libs openssl jansson yaml-0.1) -o "$bin"

# 3. the run: per repetition four transfers, each bounded by xfer_s, and
# the set-up
echo "run.sh: $(nproc) CPUs, kernel $(uname -r), payload $size bytes," \
     "$repeat runs of each path" >&2
timeout -k 10 $((repeat * (4 * xfer_s + 30) + 120)) "$bin" --sim "$sim" \
  --work "$work" --templates "$repo/servers/vsftpd" --size "$size" \
  --seed "$seed" --timeout "$xfer_s" --repeat "$repeat" >"$work/results" &
driver_pid=$!
rc=0
wait "$driver_pid" || rc=$?
driver_pid=

# 4. the table: per row, MB/s of each run; min, median, max; how many of
# its runs passed their check ("n/a": a partial figure has none).
awk -v rc="$rc" '
  function sort(a, n,   i, j, t) {
    for (i = 2; i <= n; i++)
      for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
        t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
      }
  }
  function median(a, n) {
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  $1 == "RESULT" {
    if (!($2 in n)) order[++rows] = $2
    k = ++n[$2]
    v[$2, k] = $4 > 0 ? $3 / 1e6 / ($4 / 1000) : 0
    bytes[$2] = $3
    ok[$2] += ($5 ~ /-ok$/ || $5 == "n/a")
  }
  function ratio(a, b) {
    if ((a in med) && (b in med) && med[b] > 0)
      printf "%-20s %6.3f\n", a " / " b, med[a] / med[b]
  }
  END {
    printf "%-20s %4s %12s %9s %9s %9s  %s\n", "MB/s", "runs", "bytes",
           "min", "median", "max", "checks ok"
    for (r = 1; r <= rows; r++) {
      name = order[r]; m = n[name]
      for (k = 1; k <= m; k++) a[k] = v[name, k]
      sort(a, m)
      med[name] = median(a, m)
      printf "%-20s %4d %12d %9.1f %9.1f %9.1f  %d/%d\n", name, m,
             bytes[name], a[1], med[name], a[m], ok[name], m
    }
    print ""
    print "ratio of medians"
    ratio("sim_com", "raw_pty"); ratio("sim_com", "curl")
    ratio("sim_ufs", "curl"); ratio("raw_pty", "curl")
    ratio("sim_com", "sim_ufs")
    if (rc != 0) print "driver exit status " rc " (see above)"
  }' "$work/results"
exit $((rc == 0 ? 0 : 1))
