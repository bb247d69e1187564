#!/usr/bin/env bash
# No false verdict under load: runs the suite once on a quiet machine, then
# twice at the same time while CPU hogs keep every core busy, and compares.
# A case that passes quietly and fails under load is a false verdict (the
# harness must turn environment trouble into `error` with its reason);
# such a case makes the script exit 1. Errors under load are listed with
# their reasons, they are not false verdicts.
#
#   ci/load-test.sh [--hogs N] [--jobs J] [--filter EXPR] [BUILD_DIR]
#
#   --hogs N      CPU hogs beside the two loaded suites (default 2)
#   --jobs J      -j of each loaded suite (default 2; the quiet run uses 1)
#   --filter EXPR only these cases (qftp-harness --filter)
#   BUILD_DIR     default build/ at the top of the repository
# Needs root (a run creates vsftpd users). Reports go to a temporary
# directory, removed at the end unless KEEP=1.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
hogs=2 jobs=2 filter=() dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --hogs) hogs=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --filter) filter=(--filter "$2"); shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "ci/load-test.sh: unknown option $1" >&2; exit 2 ;;
    *) dir=$1; shift ;;
  esac
done
dir=${dir:-"$top/build"}
h=$dir/bin/qftp-harness
[ -x "$h" ] || { echo "ci/load-test.sh: no $h (build first: ci/build.sh)" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] && echo "reports kept in $work" || rm -rf "$work"
}
trap cleanup EXIT

# verdicts DIR: "id verdict" lines of its results.json, sorted.
verdicts() {
  python3 -c 'import json,sys
for c in json.load(open(sys.argv[1]))["cases"]: print(c["id"], c["verdict"])' \
    "$1/results.json" | sort
}

echo "== quiet run (-j 1)"
s=$(date +%s)
"$h" run "${filter[@]}" --report-dir "$work/quiet" >"$work/quiet.log" 2>&1 || true
echo "   $(($(date +%s) - s)) s: $(grep -m1 -E "^[0-9]+ cases?:" "$work/quiet.log" || echo "no summary")"
[ -f "$work/quiet/results.json" ] || { echo "ci/load-test.sh: the quiet run wrote no results.json" >&2; exit 2; }

echo "== loaded: $hogs CPU hogs, two suites side by side at -j $jobs"
for _ in $(seq "$hogs"); do (exec yes >/dev/null) & pids+=($!); done
s=$(date +%s)
"$h" run -j "$jobs" "${filter[@]}" --report-dir "$work/loadA" >"$work/loadA.log" 2>&1 &
a=$!
"$h" run -j "$jobs" "${filter[@]}" --report-dir "$work/loadB" >"$work/loadB.log" 2>&1 &
b=$!
wait "$a" || true
wait "$b" || true
echo "   $(($(date +%s) - s)) s"

verdicts "$work/quiet" >"$work/quiet.v"
false_verdicts=0
for run in loadA loadB; do
  [ -f "$work/$run/results.json" ] || { echo "ci/load-test.sh: $run wrote no results.json" >&2; exit 2; }
  verdicts "$work/$run" >"$work/$run.v"
  echo "-- $run: $(grep -m1 -E "^[0-9]+ cases?:" "$work/$run.log" || echo "no summary")"
  # Cases whose verdict differs from the quiet run's.
  join "$work/quiet.v" "$work/$run.v" | while read -r id q l; do
    [ "$q" = "$l" ] && continue
    reason=$(python3 -c 'import json,sys
for c in json.load(open(sys.argv[1]))["cases"]:
  if c["id"]==sys.argv[2]: print(c.get("reason") or "")' "$work/$run/results.json" "$id")
    echo "   $id: quiet $q, loaded $l: $reason"
  done
  n=$(join "$work/quiet.v" "$work/$run.v" | awk '$2!="fail" && $3=="fail"' | wc -l)
  false_verdicts=$((false_verdicts + n))
done
if [ "$false_verdicts" -gt 0 ]; then
  echo "ci/load-test.sh: $false_verdicts false fail verdict(s) under load"
  exit 1
fi
echo "ci/load-test.sh: no fail under load that the quiet run lacks"
