#!/usr/bin/env bash
# End-to-end: waivers and strict filters on a real run. The simulator's
# no-echo quirk makes at.echo fail; a waivers file naming it turns the run
# green with verdict waived in every report, a waiver of a passing case is
# reported stale, one of no case unmatched; a revision-bound waiver holds
# only for its --module-revision; a malformed waivers file and a --filter
# term that matches nothing are exit 2 before anything starts.
# usage: waivers.sh HARNESS_BINARY SIM_BINARY OUT_DIR
set -uo pipefail
bin=$1 sim=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
cases=$(cd "$here/../../../cases" && pwd)
rm -rf "$out"
mkdir -p "$out"
fail() { echo "waivers.sh: FAIL: $*" >&2; exit 1; }

run() { # NAME [extra args...]: a run of three at.* cases with the quirk (others check echo bytes too)
  local name=$1; shift
  "$bin" run "$cases" --sim-binary "$sim" --sim-quirk no-echo \
    --filter 'at.echo,at.garbage,at.test-forms' --report-dir "$out/$name" "$@" >"$out/$name.stdout" 2>&1
}
verdict() { jq -r --arg id "$2" '.cases[] | select(.id == $id) | .verdict' "$out/$1/results.json"; }

cat >"$out/waivers.yaml" <<'YAML'
waivers:
  - case: at.echo
    reason: firmware ignores ATE1 after a reset
    reference: https://bugs.example.com/FW-101
  - case: at.garbage
    reason: fixed in R08
    reference: https://bugs.example.com/FW-77
  - case: open.no-such-case
    reason: a typo
    reference: docs/known-issues.md
YAML

# Without waivers the quirk fails the run.
run plain
rc=$?
[ "$rc" -eq 1 ] || { cat "$out/plain.stdout"; fail "no waivers: exit $rc, expected 1"; }
[ "$(verdict plain at.echo)" = fail ] || fail "no waivers: at.echo is $(verdict plain at.echo)"

# With them: exit 0, at.echo waived (never pass) with its failure kept.
run waived --waivers "$out/waivers.yaml"
rc=$?
[ "$rc" -eq 0 ] || { cat "$out/waived.stdout"; fail "waived: exit $rc, expected 0"; }
r=$out/waived
[ "$(verdict waived at.echo)" = waived ] || fail "at.echo is $(verdict waived at.echo)"
jq -e '.cases[] | select(.id == "at.echo") | (.reason | contains("expected `AT`"))
       and .waiver.reference == "https://bugs.example.com/FW-101"' "$r/results.json" >/dev/null ||
  fail "results.json: at.echo lacks its failure or its waiver"
jq -e '.summary.waived == 1 and .summary.stale_waivers == 1 and .summary.fail == 0' "$r/results.json" >/dev/null ||
  fail "results.json summary: $(jq -c .summary "$r/results.json")"
jq -e '[.waivers[] | .status] == ["applied", "stale", "unmatched"]' "$r/results.json" >/dev/null ||
  fail "waiver statuses: $(jq -c '[.waivers[] | .status]' "$r/results.json")"
grep -q '<skipped message="waived failure: firmware ignores ATE1 after a reset (https://bugs.example.com/FW-101)" type="waived">failure: ' "$r/junit.xml" ||
  fail "junit.xml: no waived <skipped>"
grep -q '<failure' "$r/junit.xml" && fail "junit.xml: a failure for a waived case"
grep -Eq '^not ok [0-9]+ - at\.echo # TODO waived: firmware ignores ATE1 after a reset$' "$r/results.tap" ||
  fail "results.tap: no TODO line"
grep -q '<td class="waived">waived</td>' "$r/report.html" || fail "report.html: no waived verdict"
grep -q '<td class="stale">stale</td>' "$r/report.html" || fail "report.html: the stale waiver is not listed"
grep -q 'waived: firmware ignores ATE1 after a reset' "$out/waived.stdout" || fail "console: no waiver line"
grep -Eq '^warning: .*waivers\.yaml:5:5: waiver for "at\.garbage" is stale: at\.garbage passed' "$out/waived.stdout" ||
  fail "console: no stale warning: $(cat "$out/waived.stdout")"
grep -Eq '^warning: .*waivers\.yaml:8:5: waiver for "open\.no-such-case" matches no case' "$out/waived.stdout" ||
  fail "console: no unmatched warning"
grep -Eq '^3 cases: 2 passed, 0 failed, 0 errors, 0 skipped, 1 waived in .* \(1 stale waiver\)$' "$out/waived.stdout" ||
  fail "console summary: $(grep cases: "$out/waived.stdout")"

# diff: fail -> waived is a change, pass -> waived is listed, neither regresses.
"$bin" diff "$out/plain" "$r" >"$out/diff.stdout"; rc=$?
[ "$rc" -eq 0 ] || fail "diff plain waived: exit $rc"
grep -q '^changed    at.echo: fail -> waived: .* \[waived: firmware ignores ATE1' "$out/diff.stdout" ||
  fail "diff: $(cat "$out/diff.stdout")"

# A waiver bound to a revision holds for that revision only.
cat >"$out/rev.yaml" <<'YAML'
waivers:
  - {case: 'at.ec*', reason: R07 only, reference: FW-5, revision: R07}
YAML
run rev-match --waivers "$out/rev.yaml" --module-revision R07
rc=$?
[ "$rc" -eq 0 ] || fail "revision R07: exit $rc, expected 0"
jq -e '.module_revision == "R07"' "$out/rev-match/results.json" >/dev/null || fail "module_revision not recorded"
run rev-other --waivers "$out/rev.yaml" --module-revision R08
rc=$?
[ "$rc" -eq 1 ] || fail "revision R08: exit $rc, expected 1"
[ "$(jq -r '.waivers[0].status' "$out/rev-other/results.json")" = other-revision ] || fail "R08: waiver status"

# A malformed waivers file: exit 2, file:line:col, nothing started.
printf 'waivers:\n  - case: at.echo\n    reason: r\n    refrence: x\n' >"$out/bad.yaml"
err=$("$bin" run "$cases" --sim-binary "$sim" --filter 'at.*' --waivers "$out/bad.yaml" \
  --report-dir "$out/bad" 2>&1 >"$out/bad.stdout"); rc=$?
[ "$rc" -eq 2 ] || fail "bad waivers: exit $rc"
grep -q "bad\.yaml:4:5: waiver 1: unknown key \"refrence\"" <<<"$err" || fail "bad waivers: $err"
grep -q '^module:' "$out/bad.stdout" && fail "bad waivers: the run started"
[ -e "$out/bad/results.json" ] && fail "bad waivers: a report was written"

# A --filter term that matches nothing: exit 2 naming it, for run and list.
for cmd in run list; do
  err=$("$bin" $cmd "$cases" --sim-binary "$sim" --filter 'at.*,tag:no-such-tag*' \
    --report-dir "$out/dead" 2>&1 >/dev/null); rc=$?
  [ "$rc" -eq 2 ] || fail "$cmd dead filter term: exit $rc"
  grep -q "term 2 'tag:no-such-tag\*' matches no case" <<<"$err" || fail "$cmd dead term: $err"
done
[ -e "$out/dead/results.json" ] && fail "dead filter term: a report was written"
echo "waivers.sh: OK"
