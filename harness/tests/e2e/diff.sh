#!/usr/bin/env bash
# End-to-end: `diff` between two simulated firmware builds. The same cases
# run against the simulator reporting revision A, then revision B with
# result URCs held back (quirk late-urc): the diff names both revisions,
# reports the AT+QFTPOPEN URC latency as drifted (text and HTML) and exits 1
# exactly when it lists a regression. The run copied to another directory
# diffs as unchanged (exit 0); the copy turned into a run still running,
# with its last case cut short, lists the missing and cut cases as not run,
# not as regressions, its latency (the cases both ran) as not drifted, and
# exits 2 (no verdict on an unfinished NEW). --time-scale 0.01 keeps it short: late-urc holds a
# URC for rsptimeout (90 s, scaled: 0.9 s) plus one scaled second.
# usage: diff.sh HARNESS_BINARY SIM_BINARY OUT_DIR
set -uo pipefail
bin=$1 sim=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
cases=$(cd "$here/../../../cases" && pwd)
fail() { echo "diff.sh: FAIL: $*" >&2; exit 1; }
command -v jq >/dev/null || fail "jq not installed (ci/deps.sh)"
rm -rf "$out"
mkdir -p "$out"

sel=(--filter 'open.*,get.com' --time-scale 0.01 --sim-binary "$sim")
"$bin" run "$cases" "${sel[@]}" --sim-revision EC25EFAR06A06M4G \
  --report-dir "$out/A" >"$out/A.stdout" 2>&1
rc=$?
[ "$rc" -le 1 ] && [ -f "$out/A/results.json" ] || { cat "$out/A.stdout"; fail "run A: exit $rc"; }
"$bin" run "$cases" "${sel[@]}" --sim-revision EC25EFAR06A07M4G \
  --sim-quirk late-urc --report-dir "$out/B" >"$out/B.stdout" 2>&1
rc=$?
[ "$rc" -le 1 ] && [ -f "$out/B/results.json" ] || { cat "$out/B.stdout"; fail "run B: exit $rc"; }

echo "== diff A B"
"$bin" diff "$out/A" "$out/B" --html "$out/diff.html" >"$out/diff.out" 2>&1
rc=$?
cat "$out/diff.out"
[ "$rc" -le 1 ] || fail "diff A B: exit $rc"
regressed=$(grep -c '^regressed ' "$out/diff.out")
{ [ "$rc" -eq 1 ] && [ "$regressed" -gt 0 ]; } || { [ "$rc" -eq 0 ] && [ "$regressed" -eq 0 ]; } ||
  fail "diff A B: exit $rc with $regressed regressions listed"
[ "$(head -n 1 "$out/diff.out")" = "module: QFTP-SIM rev EC25EFAR06A06M4G vs QFTP-SIM rev EC25EFAR06A07M4G" ] ||
  fail "diff A B: the first line is not the two revisions"
grep -q '^drift      AT+QFTPOPEN urc: p50 ' "$out/diff.out" ||
  fail "diff A B: no latency drift of AT+QFTPOPEN's URC"
grep -q '^latency: [1-9][0-9]* of [0-9]* command families drifted' "$out/diff.out" ||
  fail "diff A B: no drift in the latency line"
grep -q '^not run ' "$out/diff.out" && fail "diff A B: complete runs have cases not run"
grep -q 'EC25EFAR06A07M4G' "$out/diff.html" &&
  grep -q '<tr class="drift"><td>AT+QFTPOPEN</td><td>urc</td>' "$out/diff.html" ||
  fail "diff A B: the HTML lacks the revisions or the drifted row"
grep -qi '<script\|https\?://' "$out/diff.html" && fail "diff A B: the HTML is not self-contained"

echo "== diff A copy-of-A"
cp -r "$out/A" "$out/copy"
n=$(jq '.cases | length' "$out/A/results.json")
"$bin" diff "$out/A" "$out/copy" >"$out/copy.out" 2>&1
rc=$?
cat "$out/copy.out"
[ "$rc" -eq 0 ] || fail "diff A copy: exit $rc"
grep -qx "0 regressed, 0 fixed, 0 changed, 0 skipped, 0 waived, 0 new, 0 removed, 0 not run, $n unchanged" \
  "$out/copy.out" || fail "diff A copy: not $n unchanged"
[ "$(wc -l <"$out/copy.out")" -eq 3 ] || fail "diff A copy: more than modules, summary and latency"
grep -q '^latency: 0 of [1-9]' "$out/copy.out" || fail "diff A copy: latency drifted"

echo "== diff A running-copy"
# The file a run still going leaves: interrupted, "running", its last
# case cut short, two cases to go.
jq '.interrupted = true | .stop_reason = "running" |
    .stop_detail = "the run had not finished when this file was written" |
    .cases |= (.[0:-2] | .[-1].verdict = "error" | .[-1].interrupted = true)' \
  "$out/A/results.json" >"$out/running.json" || fail "jq"
"$bin" diff "$out/A" "$out/running.json" >"$out/running.out" 2>&1
rc=$?
cat "$out/running.out"
[ "$rc" -eq 2 ] || fail "diff A running: exit $rc (not run is no regression, and an unfinished NEW no verdict: 2)"
grep -q 'NEW did not run to the end' "$out/running.out" || fail "diff A running: no word on the exit status"
grep -q '^warning: NEW run had not finished' "$out/running.out" || fail "diff A running: no warning"
[ "$(grep -c '^not run ' "$out/running.out")" -eq 3 ] || fail "diff A running: not 3 cases not run"
grep -q '^not run .* -> error (interrupted)' "$out/running.out" || fail "diff A running: the cut case"
grep -q '^latency: 0 of [1-9]' "$out/running.out" ||
  fail "diff A running: latency drifted over the same cases"
echo "diff.sh: OK"
