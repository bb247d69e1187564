#!/usr/bin/env bash
# ci/bench-suite.sh — where a run's time and memory go. A benchmark, not a
# test: it prints figures and asserts none (the goals are in issue #12).
#
# Usage (as root):  ci/bench-suite.sh [options] BUILD_DIR
#   -n RUNS          runs of each single case for (a) (default 10, 1..100)
#   -r REPS          full-suite runs at each -j for (c) (default 1, 1..10)
#   --case-timeout S bound on one single-case run (default 60)
#   --suite-timeout S bound on one full-suite run (default 900)
#   --trivial FILE   the case without a server (default cases/at/test-forms.yaml:
#                    at.echo holds a deliberate 0.2 s silence of its own)
#   --login FILE     the case with a login (default cases/open/login.yaml)
#   --filter EXPR    the "suite" is only these cases (qftp-harness --filter;
#                    default: every case)
#   --keep DIR       keep the reports in DIR (default: a scratch directory,
#                    removed on exit)
#
# It prints:
#  (a) the trivial case and the login case, each run RUNS times, the two
#      interleaved (A B A B ...): min/median/max of the harness process's
#      wall time and of the case's duration_s, and the median of each phase
#      (results.json "phases", reports/README.md);
#  (b) from the first full run at -j 1: per family (the id's first part:
#      at, cfg, open, ...) the number of cases, median, max and total
#      seconds, and the median of each phase over all cases;
#  (c) the whole suite's wall time at -j 1 and, when the harness takes
#      -j 2 (its --help names -j and a one-case run with -j 2 is accepted),
#      at -j 2, REPS times each, interleaved; the ratio of the medians;
#  (d) the peak RSS (VmHWM) of each kind of process of the first -j 1 run
#      (the harness and its descendants: qftp-sim, vsftpd, qftp-capture,
#      qftp-proxy, ...), sampled every 0.2 s from /proc: a lower bound for a
#      process that lives shorter than that;
#  (e) that run's report directory size and whether every wire.pcap in it
#      opens in tcpdump (tcpdump -r FILE -c 1).
# Tools: bash, coreutils (timeout, du, sort), awk, jq, tcpdump, all from
# ci/deps.sh. Every run is bounded by a timeout, every loop by a count.
# Exit: 0 every figure measured (a case's verdict does not matter here),
# 1 a run timed out or gave no results.json, 2 usage or environment.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=10 reps=1 case_to=60 suite_to=900 keep=
sel=()
trivial=$repo/cases/at/test-forms.yaml
login=$repo/cases/open/login.yaml

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
int_in() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2 && $1 <= $3)); }
build=
while (($#)); do
  case $1 in
    -n) int_in "${2:-}" 1 100 || usage; runs=$2; shift 2 ;;
    -r) int_in "${2:-}" 1 10 || usage; reps=$2; shift 2 ;;
    --case-timeout) int_in "${2:-}" 1 3600 || usage; case_to=$2; shift 2 ;;
    --suite-timeout) int_in "${2:-}" 1 7200 || usage; suite_to=$2; shift 2 ;;
    --trivial) [[ -f ${2:-} ]] || usage; trivial=$2; shift 2 ;;
    --login) [[ -f ${2:-} ]] || usage; login=$2; shift 2 ;;
    --keep) [[ -n ${2:-} ]] || usage; keep=$2; shift 2 ;;
    --filter) [[ -n ${2:-} ]] || usage; sel=(--filter "$2"); shift 2 ;;
    -h|--help) usage ;;
    -*) echo "bench-suite: unknown option $1" >&2; usage ;;
    *) [[ -z $build ]] || usage; build=$1; shift ;;
  esac
done
[[ -n $build ]] || usage
harness=$build/bin/qftp-harness
[[ -x $harness ]] || { echo "bench-suite: no $harness (build first)" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "bench-suite: needs root (vsftpd's user)" >&2; exit 2; }
for tool in jq tcpdump timeout awk du; do
  command -v "$tool" >/dev/null || {
    echo "bench-suite: $tool missing (ci/deps.sh installs it)" >&2; exit 2; }
done

if [[ -n $keep ]]; then
  mkdir -p "$keep"
  work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/qftp-bench-suite.XXXXXX")
fi
sampler=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [[ -n $sampler ]]; then
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
  fi
  [[ -n $keep ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
failed=0

now() { date +%s.%N; }
# "min median max" of the numbers on stdin (one a line); "-" when none.
stats() {
  sort -g | awk '{ v[++n] = $1 }
    END { if (!n) { print "- - -"; exit }
          m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
          printf "%.3f %.3f %.3f\n", v[1], m, v[n] }'
}
median() { stats | awk '{ print $2 }'; }

# One harness run, bounded; its wall seconds appended to $wall_file.
# run_once TIMEOUT REPORT_DIR WALL_FILE ARGS...
run_once() {
  local to=$1 dir=$2 wall_file=$3 t0 t1 rc=0
  shift 3
  t0=$(now)
  timeout -k 10 "$to" "$harness" run --report-dir "$dir" "$@" \
    >"$dir.log" 2>&1 || rc=$?
  t1=$(now)
  if ((rc == 124 || rc == 137)) || [[ ! -s $dir/results.json ]]; then
    echo "bench-suite: run $dir: exit $rc, no results (log: $dir.log)" >&2
    failed=1
    return 0
  fi
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$wall_file"
}

phases=(prepare start_evidence steps teardown evidence finish)

echo "bench-suite: $(nproc) CPUs, kernel $(uname -r), $("$harness" --version 2>&1 | head -1)"
echo "bench-suite: runs of each single case $runs, suite runs at each -j $reps"

# ---- (a) single cases, interleaved -----------------------------------------
echo
echo "== (a) single cases: $runs runs each, interleaved"
names=(trivial login)
files=("$trivial" "$login")
for i in $(seq 1 "$runs"); do
  for k in 0 1; do
    mkdir -p "$work/a"
    run_once "$case_to" "$work/a/${names[k]}-$i" "$work/a/${names[k]}.wall" \
      "${files[k]}"
  done
done
for k in 0 1; do
  n=${names[k]}
  jsons=("$work"/a/"$n"-*/results.json)
  [[ -e ${jsons[0]} ]] || { echo "$n: no run gave results"; continue; }
  id=$(jq -r '.cases[0].id' "${jsons[0]}")
  verdicts=$(jq -r '.cases[0].verdict' "${jsons[@]}" | sort | uniq -c |
             awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')
  printf '%s (%s): %s\n' "$n" "$id" "$verdicts"
  printf '  %-22s %s\n' "" "min median max (s)"
  printf '  %-22s %s\n' "harness process wall" \
    "$(stats <"$work/a/$n.wall")"
  printf '  %-22s %s\n' "case duration_s" \
    "$(jq -r '.cases[0].duration_s' "${jsons[@]}" | stats)"
  for p in "${phases[@]}"; do
    printf '  %-22s %s\n' "phase $p" \
      "$(jq -r --arg p "$p" '.cases[0].phases[$p] // empty' "${jsons[@]}" | stats)"
  done
done

# ---- (c) the whole suite, with (d) sampled during the first -j 1 run ----------
# Peak VmHWM (kB) of each process name among the descendants of ROOT, every
# 0.2 s until ROOT is gone; prints "name kB" lines into $1 at the end.
sample_rss() {
  local out=$1 root=$2 i
  : >"$out.raw"
  for ((i = 0; i < 5 * (suite_to + 20); i++)); do
    kill -0 "$root" 2>/dev/null || break
    # One pass: the process tree from /proc/*/stat (cat goes on past a
    # process that is gone), then VmHWM of each descendant of root. comm
    # is in parentheses and may hold anything: its end is the last ")".
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$root" '
      {
        s = $0; l = index(s, "("); r = 0
        for (j = length(s); j > 0; j--) if (substr(s, j, 1) == ")") { r = j; break }
        if (!l || !r) next
        pid = substr(s, 1, l - 2) + 0
        comm[pid] = substr(s, l + 1, r - l - 1)
        split(substr(s, r + 2), f, " ")
        ppid[pid] = f[2] + 0
      }
      END {
        for (p in comm) {
          q = p + 0; d = 0
          for (k = 0; k < 64 && q > 1; k++) {
            if (q == root) { d = 1; break }
            q = ppid[q]
          }
          if (!d) continue
          st = "/proc/" p "/status"
          while ((getline line < st) > 0)
            if (line ~ /^VmHWM:/) { split(line, g, " "); print comm[p], g[2] }
          close(st)
        }
      }' >>"$out.raw" 2>/dev/null || true
    sleep 0.2
  done
  awk '{ if ($2 > m[$1]) m[$1] = $2 } END { for (c in m) print c, m[c] }' \
    "$out.raw" | sort >"$out"
}

echo >&2
echo "bench-suite: the whole suite ($reps run(s) at each -j)..." >&2
jobs_ok=0 jobs_why="its --help names no -j"
if "$harness" --help 2>&1 | grep -Eq '^[[:space:]]+-j[ =]'; then
  mkdir -p "$work/probe"
  if timeout -k 5 "$case_to" "$harness" run -j 2 --report-dir "$work/probe/j2" \
       "$trivial" >"$work/probe/j2.log" 2>&1; then
    jobs_ok=1
  else
    jobs_why="a run with -j 2 is refused: $(grep -m1 -- '-j' "$work/probe/j2.log" || true)"
  fi
fi
# -j 1 is said only to a harness that knows -j.
jflag1=()
"$harness" --help 2>&1 | grep -Eq '^[[:space:]]+-j[ =]' && jflag1=(-j 1)
levels=(1)
((jobs_ok)) && levels+=(2)
mkdir -p "$work/suite"
for r in $(seq 1 "$reps"); do
  for j in "${levels[@]}"; do
    dir=$work/suite/j$j-$r
    if ((r == 1 && j == 1)); then
      # The first -j 1 run is also (b), (d) and (e)'s run.
      timeout -k 10 "$suite_to" "$harness" run "${jflag1[@]}" "${sel[@]}" --report-dir "$dir" \
        >"$dir.log" 2>&1 &
      hpid=$!
      t0=$(now)
      sample_rss "$work/rss" "$hpid" &
      sampler=$!
      rc=0
      wait "$hpid" || rc=$?
      t1=$(now)
      wait "$sampler" || true
      sampler=
      if ((rc == 124 || rc == 137)) || [[ ! -s $dir/results.json ]]; then
        echo "bench-suite: run $dir: exit $rc, no results (log: $dir.log)" >&2
        failed=1
      else
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' \
          >>"$work/suite/j$j.wall"
      fi
    else
      if ((j == 1)); then
        run_once "$suite_to" "$dir" "$work/suite/j$j.wall" "${jflag1[@]}" \
          "${sel[@]}"
      else
        run_once "$suite_to" "$dir" "$work/suite/j$j.wall" -j "$j" "${sel[@]}"
      fi
    fi
  done
done
first=$work/suite/j1-1/results.json
# ---- (b) per family, from the first -j 1 run ----------------------------------
echo
echo "== (b) per family (first -j 1 run; seconds)"
if [[ -s $first ]]; then
  printf '%-10s %5s %8s %8s %9s\n' family cases median max total
  jq -r '.cases[] | "\(.id | split(".")[0]) \(.duration_s)"' "$first" |
    sort -k1,1 -k2,2g | awk '
      function flush() {
        if (!n) return
        m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        printf "%-10s %5d %8.3f %8.3f %9.2f\n", fam, n, m, v[n], sum
      }
      $1 != fam { flush(); fam = $1; n = 0; sum = 0 }
      { v[++n] = $2; sum += $2 }
      END { flush() }'
  echo "phase medians over all cases that went through the phase:"
  for p in "${phases[@]}"; do
    printf '  %-16s %s s\n' "$p" \
      "$(jq -r --arg p "$p" '.cases[].phases[$p] // empty' "$first" | median)"
  done
else
  echo "no results.json from the first -j 1 run"
fi

echo
echo "== (c) the whole suite"
for j in "${levels[@]}"; do
  [[ -s $work/suite/j$j.wall ]] || { echo "-j $j: no complete run"; continue; }
  sum=$(jq -r '.summary | "\(.total) cases: \(.pass) pass, \(.fail) fail, \(.error) error, \(.skip) skip"' \
        "$work/suite/j$j-1/results.json" 2>/dev/null || echo "?")
  printf -- '-j %s: wall min/median/max %s s over %s run(s) (%s)\n' "$j" \
    "$(stats <"$work/suite/j$j.wall")" "$(wc -l <"$work/suite/j$j.wall")" "$sum"
done
if ((jobs_ok)) && [[ -s $work/suite/j1.wall && -s $work/suite/j2.wall ]]; then
  awk -v a="$(median <"$work/suite/j1.wall")" -v b="$(median <"$work/suite/j2.wall")" \
    'BEGIN { if (b > 0) printf "speed-up -j 2 over -j 1 (medians): %.2fx\n", a / b }'
elif ((!jobs_ok)); then
  echo "-j 2: not supported ($jobs_why)"
fi

# ---- (d) peak RSS -------------------------------------------------------------
echo
echo "== (d) peak RSS (VmHWM) by process, first -j 1 run, sampled every 0.2 s"
echo "   (that run's wall time includes the sampler's cost)"
if [[ -s $work/rss ]]; then
  for c in qftp-harness qftp-sim vsftpd qftp-capture qftp-proxy; do
    kb=$(awk -v c="$c" '$1 == c { print $2 }' "$work/rss")
    if [[ -n $kb ]]; then
      awk -v c="$c" -v k="$kb" 'BEGIN { printf "  %-14s %8.1f MiB\n", c, k / 1024 }'
    else
      printf '  %-14s %s\n' "$c" "not seen"
    fi
  done
  awk '$1 !~ /^(qftp-harness|qftp-sim|vsftpd|qftp-capture|qftp-proxy)$/ {
         printf "  %-14s %8.1f MiB (other)\n", $1, $2 / 1024 }' "$work/rss"
else
  echo "  no samples"
fi

# ---- (e) the report directory -------------------------------------------------
echo
echo "== (e) report directory of the first -j 1 run"
rep=$work/suite/j1-1
if [[ -d $rep ]]; then
  echo "  size: $(du -sh "$rep" | cut -f1)"
  total=0 bad=0
  while IFS= read -r -d '' pcap; do
    total=$((total + 1))
    if ! timeout 20 tcpdump -r "$pcap" -c 1 -n >/dev/null 2>&1; then
      bad=$((bad + 1))
      ((bad > 5)) || echo "  does not open: ${pcap#"$rep"/}"
    fi
  done < <(find "$rep" -name wire.pcap -print0)
  echo "  wire.pcap: $total, open in tcpdump: $((total - bad)), do not: $bad"
else
  echo "  no report directory"
fi
[[ -z $keep ]] || echo "reports kept in $work"
exit "$failed"
