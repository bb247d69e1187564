#!/bin/sh
# Benchmark (not a test): wire_analyze_file vs tshark -Y ftp on a >= 1 GB
# synthesised capture (one FTP session, a passive download of $MB MB).
# Installs tshark with apt-get when it is missing.
# usage: servers/wire/bench/run.sh [BUILD_DIR] [MB]
set -eu
here=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-$here/build}
mb=${2:-1100}
pcap=${TMPDIR:-/tmp}/wire-bench-$$.pcap
trap 'rm -f "$pcap"' EXIT INT TERM

cmake -S "$here" -B "$build" >/dev/null
cmake --build "$build" -j2 --target qftp-wire-bench >/dev/null
"$build/bin/qftp-wire-bench" --synth "$pcap" "$mb"
size=$(stat -c %s "$pcap")
echo "capture: $size bytes"

echo "== wire_analyze_file"
"$build/bin/qftp-wire-bench" "$pcap" 2121

if ! command -v tshark >/dev/null 2>&1; then
  echo "tshark missing: installing it with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y tshark >/dev/null
fi
echo "== tshark -r FILE -Y ftp"
t0=$(date +%s.%N)
tshark -r "$pcap" -o tcp.desegment_tcp_streams:TRUE -d tcp.port==2121,ftp \
  -Y ftp >/dev/null
t1=$(date +%s.%N)
echo "$size $t0 $t1" | awk '{s=$3-$2; printf "seconds=%.3f MB/s=%.1f\n", s, $1/1e6/s}'
