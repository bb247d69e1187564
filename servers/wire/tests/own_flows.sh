#!/usr/bin/env bash
# End-to-end: the per-case capture holds the case's own flows only.
# While a few cases run (passive, active, FTPS, a fault proxy, no server),
# two wire-noise processes send 1 MiB after 1 MiB to other ports of the
# servers' address: an ephemeral port (as any client's listener) and a
# fixed one below the ephemeral range. Every case must pass, no capture
# may report drops, tcpdump must read each wire.pcap, and none may hold a
# packet of either noise port. The fault case is held to it too: the
# proxy's data listeners take ports of a range the runner gave it
# (--data-ports), so its capture names that range, not the whole
# ephemeral one where the first noise port lies; its filter must not
# name a range holding that port either.
# usage: own_flows.sh HARNESS_BINARY NOISE_BINARY OUT_DIR
set -uo pipefail
bin=$1 noise=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
fail() { echo "own_flows.sh: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "own_flows.sh: skipped, needs root"; exit 0; }
command -v tcpdump >/dev/null || fail "tcpdump is not installed"
command -v jq >/dev/null || fail "jq is not installed"

# An address of the test's own on lo (all of 127/8 is local), outside
# 127.77/16, where runs claim theirs (harness/loop_addr.h).
addr="127.79.$(( $$ / 254 % 256 )).$(( $$ % 254 + 1 ))"
fixed=$(( 20000 + $$ % 5000 ))
"$noise" "$addr" 120 >"$out/noise.out" 2>"$out/noise.err" &
npid=$!
"$noise" "$addr" 120 "$fixed" >"$out/noise2.out" 2>"$out/noise2.err" &
npid2=$!
trap 'kill "$npid" "$npid2" 2>/dev/null; wait "$npid" "$npid2" 2>/dev/null' EXIT
for _ in $(seq 50); do
  grep -q '^port ' "$out/noise.out" && grep -q '^port ' "$out/noise2.out" && break
  sleep 0.1
done
port=$(sed -n 's/^port //p' "$out/noise.out")
[ -n "$port" ] || fail "wire-noise did not start: $(cat "$out/noise.err")"
grep -q "^port $fixed\$" "$out/noise2.out" ||
  fail "wire-noise did not start on $fixed: $(cat "$out/noise2.err")"

filter='get.com,get.active,ftps.explicit,faults.data-close,at.echo'
"$bin" run -v --server-addr "$addr" --report-dir "$out/r" --filter "$filter" \
  >"$out/run.log" 2>&1
rc=$?
kill -0 "$npid" 2>/dev/null && kill -0 "$npid2" 2>/dev/null ||
  fail "wire-noise stopped early: $(cat "$out/noise.err" "$out/noise2.err")"
[ $rc = 0 ] || fail "run exited $rc: $(tail -20 "$out/run.log")"
grep -q "capture filter: tcp and host 127.0.0.1 and ((src host $addr" \
  "$out/run.log" || fail "no filter on the run's flows in: $(grep 'capture filter' "$out/run.log" | head -1)"

n=0
for p in "$out"/r/cases/*/wire.pcap; do
  n=$((n + 1))
  tcpdump -nr "$p" >"$p.txt" 2>"$p.err" || fail "tcpdump cannot read $p: $(cat "$p.err")"
  ports="$port|$fixed"
  if grep -qE "\.($ports)[ :]" "$p.txt"; then
    fail "$p holds noise: $(grep -E "\.($ports)[ :]" "$p.txt" | head -2)"
  fi
done
[ $n = 5 ] || fail "expected 5 captures, found $n"
# The fault case's filter: the proxy's port and a data range of its own,
# none of its port ranges holding the ephemeral noise port.
ffilter=$(awk '/^\[ *[0-9]+\/[0-9]+\] faults\.data-close /{exit} /capture filter:/{f=$0} END{print f}' \
          "$out/run.log")
[ -n "$ffilter" ] || fail "no capture filter logged for faults.data-close"
grep -q "through the fault proxy on port" "$out/r/cases/faults.data-close/transcript.txt" ||
  fail "faults.data-close did not run through the proxy"
for r in $(grep -oE 'dst portrange [0-9]+-[0-9]+' <<<"$ffilter" | cut -d' ' -f3); do
  lo=${r%-*} hi=${r#*-}
  [ $((hi - lo)) -lt 1000 ] || fail "faults.data-close captures a wide range $r"
  [ "$port" -lt "$lo" ] || [ "$port" -gt "$hi" ] ||
    fail "faults.data-close's range $r holds the noise port $port"
done
drops=$(jq -r '[.cases[] | (.reason // ""), (.transcript[]? | select(.dir == "#")
                | .text) | select(test("capture dropped"))] | length' \
        "$out/r/results.json")
[ "$drops" = 0 ] || fail "captures reported drops: $drops"
# The noise really flowed on the same address meanwhile.
for q in "$port" "$fixed"; do
  seen=$(timeout 2 tcpdump -ni lo -c 20 "tcp and host $addr and port $q" 2>/dev/null | wc -l)
  [ "$seen" -gt 0 ] || fail "no noise traffic seen on $addr:$q"
done
echo "own_flows.sh: ok ($n captures; noise on $addr:$port and :$fixed kept out)"
