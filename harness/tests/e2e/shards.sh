#!/usr/bin/env bash
# End-to-end: a small set of cases run whole, as two shards joined by
# merge, and with -j 2 gives the same ids and verdicts; merge refuses a
# case in two parts and parts of two profiles, and carries an interrupted
# part over; a Ctrl-C to a -j 2 run still writes merged reports marked
# interrupted; a worker killed mid-run turns its case into an error and the
# run goes on.
# usage: shards.sh HARNESS_BINARY SIM_BINARY OUT_DIR
set -uo pipefail
bin=$1 sim=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
cases=$(cd "$here/../../../cases" && pwd)
rm -rf "$out"
mkdir -p "$out"
fail() { echo "shards.sh: FAIL: $*" >&2; exit 1; }
sel=("$cases/at" "$cases/cfg")
run() { # NAME [args...]
  local name=$1; shift
  "$bin" run "${sel[@]}" --sim-binary "$sim" --report-dir "$out/$name" "$@" \
    >"$out/$name.stdout" 2>&1
}
verdicts() { jq -r '.cases[] | "\(.id) \(.verdict)"' "$1/results.json"; }

run single; rc=$?
[ "$rc" -eq 0 ] || { cat "$out/single.stdout"; fail "single run: exit $rc"; }
n=$(jq '.cases | length' "$out/single/results.json")

# The shards: disjoint, together the selection, as list shows them.
for k in 1 2; do
  run "s$k" --shard "$k/2"; rc=$?
  [ "$rc" -eq 0 ] || { cat "$out/s$k.stdout"; fail "shard $k/2: exit $rc"; }
  diff <("$bin" list "${sel[@]}" --shard "$k/2" | cut -f1) \
       <(jq -r '.cases[].id' "$out/s$k/results.json") \
    || fail "list --shard $k/2 differs from what run --shard $k/2 ran"
done
n1=$(jq '.cases | length' "$out/s1/results.json")
n2=$(jq '.cases | length' "$out/s2/results.json")
[ $((n1 + n2)) -eq "$n" ] || fail "shards hold $n1 + $n2 cases, the set $n"
[ $((n1 - n2)) -le 1 ] && [ $((n2 - n1)) -le 1 ] || fail "shards unbalanced: $n1, $n2"

"$bin" merge "$out/s1" "$out/s2" -o "$out/merged" >"$out/merge.stdout" 2>&1
rc=$?
[ "$rc" -eq 0 ] || { cat "$out/merge.stdout"; fail "merge: exit $rc"; }
diff <(verdicts "$out/single") <(verdicts "$out/merged") \
  || fail "merged shards differ from the single run"
[ "$(jq .planned "$out/merged/results.json")" -eq "$n" ] || fail "merged planned"
[ "$(jq .interrupted "$out/merged/results.json")" = false ] || fail "merged interrupted"
[ "$(xmllint --xpath 'count(//testcase)' "$out/merged/junit.xml" 2>/dev/null || grep -c '<testcase' "$out/merged/junit.xml")" -eq "$n" ] \
  || fail "merged junit.xml does not hold $n test cases"
grep -q "^1\.\.$n\$" "$out/merged/results.tap" || fail "merged results.tap plan"
for d in $(jq -r '.cases[] | select(.verdict == "pass") | .dir' "$out/merged/results.json"); do
  [ -s "$out/merged/$d/transcript.txt" ] || fail "merged $d/transcript.txt missing"
  [ -f "$out/merged/$d/wire.pcap" ] || fail "merged $d/wire.pcap missing"
done

# -j 2: the same verdicts, progress lines of both workers.
run j2 -j 2; rc=$?
[ "$rc" -eq 0 ] || { cat "$out/j2.stdout"; fail "-j 2: exit $rc"; }
diff <(verdicts "$out/single") <(verdicts "$out/j2") || fail "-j 2 differs from -j 1"
grep -q '^\[w1\] \[' "$out/j2.stdout" && grep -q '^\[w2\] \[' "$out/j2.stdout" \
  || fail "-j 2: no progress lines of both workers"
[ -s "$out/j2/workers/w2/preflight.txt" ] || fail "-j 2: worker 2's preflight"
[ ! -e "$out/j2/workers/w1/junit.xml" ] || fail "-j 2: a worker's own junit.xml kept"

# Refusals: a case in two parts, two profiles; both exit 2 naming why.
cp -r "$out/s1" "$out/s1copy"
"$bin" merge "$out/s1" "$out/s1copy" -o "$out/dup" >"$out/dup.stdout" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "duplicate ids: exit $rc, expected 2"
grep -q "is in both $out/s1 and $out/s1copy" "$out/dup.stdout" || fail "duplicate ids: message"
jq '.profile = "other"' "$out/s1copy/results.json" >"$out/tmp.json" && mv "$out/tmp.json" "$out/s1copy/results.json"
jq '.cases = []' "$out/s1copy/results.json" >"$out/tmp.json" && mv "$out/tmp.json" "$out/s1copy/results.json"
"$bin" merge "$out/s2" "$out/s1copy" -o "$out/prof" >"$out/prof.stdout" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q 'profile differs' "$out/prof.stdout" || fail "profiles: exit $rc"

# An interrupted part: the merged run is interrupted, planned summed.
cp -r "$out/s2" "$out/s2int"
jq '.interrupted = true | .planned = (.planned + 3) | .stop_reason = "interrupted"' \
  "$out/s2/results.json" >"$out/s2int/results.json"
"$bin" merge "$out/s1" "$out/s2int" -o "$out/int" >"$out/int.stdout" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "interrupted part: exit $rc, expected 2"
[ "$(jq .interrupted "$out/int/results.json")" = true ] || fail "interrupted not carried"
[ "$(jq .planned "$out/int/results.json")" -eq $((n + 3)) ] || fail "planned not summed"

# Bad --shard and -j values: usage errors naming the option.
for a in "--shard 0/2" "--shard 3/2" "--shard 1" "-j 0" "--jobs x"; do
  # shellcheck disable=SC2086
  "$bin" run "${sel[@]}" $a --report-dir "$out/bad" >"$out/bad.stdout" 2>&1
  rc=$?
  [ "$rc" -eq 2 ] || fail "run $a: exit $rc, expected 2"
  grep -q -- "${a%% *}" "$out/bad.stdout" || fail "run $a: option not named"
done

# Ctrl-C: the parent passes it on, the merged reports say interrupted.
"$bin" run "$cases" -j 2 --sim-binary "$sim" --report-dir "$out/intr" >"$out/intr.stdout" 2>&1 &
pid=$!
sleep 4
kill -INT "$pid"
wait "$pid"; rc=$?
[ "$rc" -eq 2 ] || { cat "$out/intr.stdout"; fail "Ctrl-C: exit $rc, expected 2"; }
[ "$(jq .interrupted "$out/intr/results.json")" = true ] || fail "Ctrl-C: not interrupted"
[ "$(jq -r .stop_reason "$out/intr/results.json")" = interrupted ] || fail "Ctrl-C: stop_reason"
pgrep -f "report-dir $out/intr" >/dev/null && fail "Ctrl-C: processes left behind"

# A worker killed: its case is an error, the others run every other case.
# The two aa.slow-* cases sort first and hold their workers for 8 s, so the
# kill lands while a case is in flight, never between two.
"$bin" run "$here/shard-cases" "${sel[@]}" -j 2 --sim-binary "$sim" \
  --report-dir "$out/dead" >"$out/dead.stdout" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  [ -d "$out/dead/workers/w1/cases/aa.slow-1" ] || [ -d "$out/dead/workers/w2/cases/aa.slow-1" ] ||
    [ -d "$out/dead/workers/w1/cases/aa.slow-2" ] || [ -d "$out/dead/workers/w2/cases/aa.slow-2" ] ||
    { sleep 0.1; continue; }
  break
done
sleep 2
victim=$(pgrep -P "$pid" | head -1)
[ -n "$victim" ] || fail "no worker to kill"
kill -KILL "$victim"
wait "$pid"; rc=$?
[ "$rc" -eq 2 ] || { cat "$out/dead.stdout"; fail "dead worker: exit $rc, expected 2"; }
[ "$(jq '.cases | length' "$out/dead/results.json")" -eq $((n + 2)) ] \
  || { cat "$out/dead.stdout"; fail "dead worker: not every case reported"; }
jq -e '[.cases[] | select(.verdict == "error" and (.reason | test("died")))] | length == 1' \
  "$out/dead/results.json" >/dev/null || { cat "$out/dead.stdout"; fail "dead worker: its case is not the one error"; }
jq -e '.stop_reason != "running"' "$out/dead/results.json" >/dev/null \
  || fail "dead worker: the merged results.json still says the run is running"
echo "shards.sh: OK ($n cases: 2 shards merged, -j 2, refusals, Ctrl-C, a dead worker)"
