#!/usr/bin/env bash
# Coverage of each fuzz target's own source files, reached by its corpus:
# builds the targets with llvm source-based coverage, replays each corpus
# once (-runs=0) and prints, per target, the files under test (the .c of
# each project header the target includes) with the share of their lines
# and of their branches covered.
#
#   ci/fuzz-cov.sh [--target NAME]... CORPUS_DIR [BUILD_DIR]
#
#   CORPUS_DIR  holds <target>/ corpora (ci/fuzz.sh leaves them in
#               BUILD-FUZZ/corpus)
#   BUILD_DIR   default build-fuzz-cov/ at the top of the repository
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) only+=("fuzz_${2#fuzz_}"); shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "ci/fuzz-cov.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: ci/fuzz-cov.sh [--target NAME]... CORPUS_DIR [BUILD_DIR]" >&2; exit 2; }
corpus=$1
dir=${2:-"$top/build-fuzz-cov"}
[ -d "$corpus" ] || { echo "ci/fuzz-cov.sh: no corpus directory $corpus" >&2; exit 2; }

CC=clang bash "$top/ci/build.sh" "$dir" -DQFTP_FUZZ=ON -DQFTP_FUZZ_COVERAGE=ON
mapfile -t targets < <(find "$dir/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x -printf '%f\n' | sort)
[ ${#only[@]} -gt 0 ] && targets=("${only[@]}")
mkdir -p "$dir/cov"
printf '%-22s %8s %7s %8s  %s\n' target corpus lines branches files
for t in "${targets[@]}"; do
  src=$(find "$top" -path "$top/build*" -prune -o -name "$t.c" -print | head -1)
  [ -n "$src" ] || { echo "ci/fuzz-cov.sh: no source for $t" >&2; continue; }
  # The files under test: the .c of each project header it includes.
  files=()
  for h in $(sed -n 's/^#include "\([a-z_0-9]*\)\.h".*/\1/p' "$src"); do
    c=$(find "$top/common" "$top/sim" "$top/servers" "$top/reports" "$top/harness" \
          -name "$h.c" -not -path '*/tests/*' | head -1)
    [ -n "$c" ] && files+=("$c")
  done
  n=$(find "$corpus/$t" -type f 2>/dev/null | wc -l)
  if [ "$n" -eq 0 ] || [ ${#files[@]} -eq 0 ]; then
    printf '%-22s %8s %7s %8s  %s\n' "$t" "$n" - - "(no corpus or no files)"
    continue
  fi
  rm -f "$dir/cov/$t".prof*
  LLVM_PROFILE_FILE="$dir/cov/$t.profraw" "$dir/fuzz/$t" -runs=0 "$corpus/$t" \
    >"$dir/cov/$t.log" 2>&1 || { echo "ci/fuzz-cov.sh: $t failed replaying its corpus (log: $dir/cov/$t.log)" >&2; exit 1; }
  llvm-profdata merge -sparse "$dir/cov/$t.profraw" -o "$dir/cov/$t.profdata"
  tot=$(llvm-cov report "$dir/fuzz/$t" -instr-profile="$dir/cov/$t.profdata" "${files[@]}" |
        awk '/^TOTAL/ {print $(NF-3), $NF}')
  printf '%-22s %8s %7s %8s  %s\n' "$t" "$n" "${tot% *}" "${tot#* }" \
    "$(printf '%s ' "${files[@]#"$top"/}")"
done
