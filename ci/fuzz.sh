#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -DQFTP_FUZZ=ON), seeds their corpora
# from the suite's evidence (ci/fuzz-seeds.sh) and runs each target, one at
# a time, for a few seconds; prints one row per target and fails on any
# finding (crash, leak, timeout, out-of-memory) with its reproducer.
#
#   ci/fuzz.sh [--time S] [--target NAME] [--evidence REPORT_DIR] [BUILD_DIR]
#
#   --time S        seconds per target (default 5)
#   --target NAME   only this target (fuzz_qc_reply or qc_reply); repeatable
#   --evidence DIR  a report directory of an earlier run for the seeds
#                   (else ci/fuzz-seeds.sh makes a short run from build/
#                   when it can, or uses committed files only)
#   BUILD_DIR       default build-fuzz/ at the top of the repository; the
#                   corpora live in BUILD_DIR/corpus/<target>, findings in
#                   BUILD_DIR/findings/
#
# A long local session of one target:
#   BUILD/fuzz/fuzz_X -runs=10000000 -print_final_stats=1 -dict=... BUILD/corpus/fuzz_X
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=5 evidence="" only=() dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --time) secs=$2; shift 2 ;;
    --target) only+=("fuzz_${2#fuzz_}"); shift 2 ;;
    --evidence) evidence=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "ci/fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) dir=$1; shift ;;
  esac
done
dir=${dir:-"$top/build-fuzz"}
case "$secs" in ''|*[!0-9]*) echo "ci/fuzz.sh: --time wants whole seconds" >&2; exit 2 ;; esac

echo "== fuzz build (clang, QFTP_FUZZ) in $dir"
CC=clang bash "$top/ci/build.sh" "$dir" -DQFTP_FUZZ=ON

seed_args=(--harness "$top/build")
[ -n "$evidence" ] && seed_args=(--evidence "$evidence")
bash "$top/ci/fuzz-seeds.sh" "${seed_args[@]}" "$dir/corpus"

# The dictionary of each target's tokens (libFuzzer takes one -dict).
dict_for() {
  case "$1" in
    fuzz_sim_*|fuzz_at_lines|fuzz_escape|fuzz_vars|fuzz_qc_telnet) echo "$top/ci/fuzz/at.dict" ;;
    fuzz_qc_reply|fuzz_proxy*|fuzz_wire*|fuzz_srv*) echo "$top/ci/fuzz/ftp.dict" ;;
    fuzz_qc_profile|fuzz_case_load|fuzz_qr_*) echo "$top/ci/fuzz/yaml.dict" ;;
    *) echo "" ;;
  esac
}

mapfile -t targets < <(find "$dir/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x -printf '%f\n' | sort)
if [ ${#only[@]} -gt 0 ]; then
  for t in "${only[@]}"; do
    [ -x "$dir/fuzz/$t" ] || { echo "ci/fuzz.sh: no target $t in $dir/fuzz" >&2; exit 2; }
  done
  targets=("${only[@]}")
fi
[ ${#targets[@]} -gt 0 ] || { echo "ci/fuzz.sh: no targets in $dir/fuzz" >&2; exit 2; }

mkdir -p "$dir/findings" "$dir/logs"
fail=0 rows=()
for t in "${targets[@]}"; do
  mkdir -p "$dir/corpus/$t"
  log=$dir/logs/$t.log
  args=(-max_total_time="$secs" -print_final_stats=1 -timeout=10
        -rss_limit_mb=2048 -artifact_prefix="$dir/findings/$t-")
  d=$(dict_for "$t")
  [ -n "$d" ] && args+=(-dict="$d")
  start=$(date +%s)
  rc=0
  # The hard limit catches a target that hangs outside libFuzzer's clock.
  timeout $((secs + 120)) "$dir/fuzz/$t" "${args[@]}" "$dir/corpus/$t" >"$log" 2>&1 || rc=$?
  took=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 | sed 's/cov: \([0-9]*\) ft: \([0-9]*\)/\1\/\2/')
  found=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
  if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
    fail=1
    what=$(grep -m1 -o 'ERROR: [A-Za-z]*: [a-z -]*\|ERROR: libFuzzer: [a-z -]*' "$log" || echo "exit $rc")
    rows+=("$(printf '%-26s %12s %6ss %12s  FINDING: %s' "$t" "${execs:-?}" "$took" "${cov:-?}" "$what")")
    echo "== $t: finding ($what); reproducer: ${found:-none written}; log: $log"
    [ -n "$found" ] && echo "   replay: $dir/fuzz/$t $found"
    grep -m12 -E '^ *#[0-9]+ 0x' "$log" | sed 's/^/   /' || true
  else
    rows+=("$(printf '%-26s %12s %6ss %12s  0' "$t" "${execs:-?}" "$took" "${cov:-?}")")
  fi
done

printf '\n%-26s %12s %7s %12s  %s\n' target executions time cov/ft findings
printf '%s\n' "${rows[@]}"
[ "$fail" -eq 0 ] || { echo "ci/fuzz.sh: findings above (reproducers in $dir/findings)"; exit 1; }
echo "ci/fuzz.sh: no findings"
