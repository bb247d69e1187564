#!/usr/bin/env bash
# End-to-end: the coverage gate bites. From a real run's results.json,
# take a required item exactly one passing case covers; with every item
# uncovered today given a reason (so the baseline exits 0), remove that
# last cover (1) by rewriting a copy of results.json so the case fails,
# (2) by running with the case files minus that case's file. Each must
# exit 1 and name the item. A missing results file must exit 2.
# usage: coverage-bites.sh HARNESS_BINARY RESULTS_JSON WORK_DIR
set -uo pipefail
bin=$1
results=$2
work=$3
fail() { echo "coverage-bites.sh: FAIL: $*" >&2; exit 1; }

[ -r "$results" ] || fail "no results file $results (run e2e.suite first)"
rm -rf "$work" && mkdir -p "$work" || fail "cannot make $work"

"$bin" coverage --json "$results" >"$work/all.json" 2>"$work/all.err"
rc=$?
[ "$rc" -le 1 ] || fail "coverage exit $rc on the suite's results: $(cat "$work/all.err")"

# The item: the first required one with a single passing case.
item=$(jq -r '[.items[] | select(.required and (.covered_by | length) == 1)]
              | .[0].key // empty' "$work/all.json")
[ -n "$item" ] || fail "no required item has exactly one passing case"
case_id=$(jq -r --arg k "$item" '.items[] | select(.key == $k)
                                 | .covered_by[0]' "$work/all.json")
case_file=$(jq -r --arg id "$case_id" '.cases[] | select(.id == $id) | .file' \
  "$results")
[ -f "$case_file" ] || fail "case $case_id: file '$case_file' not found"
echo "coverage-bites.sh: item $item, last covered by $case_id ($case_file)"

# Baseline: a reason for every required item no passing case covers.
{
  echo "uncovered:"
  jq -r '.items[] | select(.required and (.covered_by | length) == 0)
         | "  \"" + .key + "\": baseline of coverage-bites.sh"' "$work/all.json"
} >"$work/reasons.yaml"
"$bin" coverage "$results" --reasons "$work/reasons.yaml" >"$work/base.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "baseline: exit $rc, expected 0: $(tail -5 "$work/base.out")"

check_bites() { # label, output file, exit status
  [ "$3" -eq 1 ] || fail "$1: exit $3, expected 1: $(tail -5 "$2")"
  # Named in the UNCOVERED list and in the gate's line on stderr.
  sed -n '/^UNCOVERED required items/,$p' "$2" | grep -qx "  $item" ||
    fail "$1: $item not named: $(tail -5 "$2")"
  grep -Eq "coverage: [0-9]+ required items? uncovered" "$2" || fail "$1: no gate line: $(tail -3 "$2")"
  echo "coverage-bites.sh: $1: exit 1, uncovered: $item"
}

# (1) The case is no longer a pass in a copy of results.json.
jq --arg id "$case_id" '(.cases[] | select(.id == $id))
    |= (.verdict = "fail" | .reason = "cover removed by coverage-bites.sh")' \
  "$results" >"$work/results.json" || fail "cannot rewrite results.json"
"$bin" coverage "$work/results.json" --reasons "$work/reasons.yaml" \
  >"$work/fail.out" 2>&1
check_bites "case failed" "$work/fail.out" $?

# (2) The case set without the case's file.
cases_dir=$(dirname "$(dirname "$case_file")")
[ -d "$cases_dir/_fragments" ] || cases_dir=$(dirname "$case_file")
cp -r "$cases_dir" "$work/cases" || fail "cannot copy $cases_dir"
rm -f "$work/cases/${case_file#"$cases_dir"/}"
"$bin" coverage "$results" --cases "$work/cases" \
  --reasons "$work/reasons.yaml" >"$work/minus.out" 2>&1
check_bites "case file removed" "$work/minus.out" $?

# Bad input: no results file is exit 2, said so.
"$bin" coverage "$work/none.json" >"$work/none.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "missing results: exit $rc, expected 2"
grep -q "no results file" "$work/none.out" || fail "missing results: $(cat "$work/none.out")"

rm -rf "$work"
echo "coverage-bites.sh: OK"
