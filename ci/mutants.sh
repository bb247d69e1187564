#!/usr/bin/env bash
# Mutation self-test of the suite: plants one small firmware bug at a time
# in qftp-sim (the catalogue ci/mutants/catalogue.txt), runs the suite
# against each mutant, and prints which mutants a case caught ("killed")
# and which slipped through ("survived"), with the kill rate.
# A benchmark of the cases, not part of ci/test.sh or .ci/run.
#
# usage: ci/mutants.sh [--only NAME[,NAME...]] [--list] [-j N]
#                      [--filter EXPR] [--no-baseline] [--keep]
#   --only       run these mutants only (names or shell globs)
#   --list       print the catalogue (name, file, bug) and exit
#   -j N         mutants run at once (1 or 2; default 1)
#   --filter     handed to qftp-harness run (iterate on a few cases)
#   --no-baseline  skip the run of the unmutated simulator (by default a
#                case failing there is left out of every mutant's run)
#   --keep       keep the scratch directory (reports of every run)
# Exit: 0 done; 1 a catalogue error (a replacement that does not match
# exactly once, a mutant that does not compile); 2 usage or environment.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
catalogue=$top/ci/mutants/catalogue.txt
pl=$top/ci/mutants/mutant.pl
harness=$top/build/bin/qftp-harness
run_limit=900 # seconds one suite run may take before it is stopped

jobs=1 list=0 only="" filter="" baseline=1 keep=0
usage() { sed -n '9,16p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
  --only) only=${2:?--only needs a name}; shift 2 ;;
  --only=*) only=${1#--only=}; shift ;;
  --list) list=1; shift ;;
  -j) jobs=${2:?-j needs a number}; shift 2 ;;
  -j*) jobs=${1#-j}; shift ;;
  --filter) filter=${2:?--filter needs an expression}; shift 2 ;;
  --no-baseline) baseline=0; shift ;;
  --keep) keep=1; shift ;;
  -h | --help) usage; exit 0 ;;
  *) echo "mutants: unknown argument \"$1\"" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $jobs =~ ^[12]$ ]] || { echo "mutants: -j takes 1 or 2" >&2; exit 2; }

# The catalogue: name<TAB>file<TAB>bug per mutant, --only applied.
mapfile -t rows < <(perl "$pl" "$catalogue" list) || exit 2
((${#rows[@]})) || { echo "mutants: cannot read $catalogue" >&2; exit 2; }
selected=()
for r in "${rows[@]}"; do
  name=${r%%$'\t'*}
  if [[ -n $only ]]; then
    hit=0
    IFS=, read -ra pats <<<"$only"
    for p in "${pats[@]}"; do
      # shellcheck disable=SC2053 # the pattern is a glob on purpose
      [[ $name == $p ]] && hit=1
    done
    ((hit)) || continue
  fi
  selected+=("$r")
done
if ((list)); then
  for r in "${selected[@]}"; do
    IFS=$'\t' read -r name file bug <<<"$r"
    printf '%-30s %-22s %s\n' "$name" "${file#sim/}" "$bug"
  done
  exit 0
fi
((${#selected[@]})) || { echo "mutants: no mutant matches \"$only\"" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "mutants: a suite run needs root" >&2; exit 2; }

echo "mutants: building the harness"
bash "$top/ci/build.sh" >/dev/null || { echo "mutants: build failed" >&2; exit 2; }

tmp=$(mktemp -d /tmp/qftp-mutants.XXXXXX)
cleanup() {
  # Workers and runs watch for this file: each run gets its SIGINT.
  touch "$tmp/stop"
  wait
  if ((keep)); then echo "mutants: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# One scratch copy of the tree and build directory per worker: a mutant
# edits its copy, only qftp-sim is rebuilt, the file is put back after.
setup_worker() {
  local w=$tmp/w$1
  mkdir -p "$w/src"
  tar -C "$top" --exclude=./build --exclude=./.git --exclude='./qftp-reports*' \
    -cf - . | tar -C "$w/src" -xf -
  cmake -S "$w/src" -B "$w/bld" >"$w/setup.log" 2>&1 &&
    cmake --build "$w/bld" --target qftp-sim -j 2 >>"$w/setup.log" 2>&1
}

# Runs the suite against sim binary $1 into report dir $2, its progress in
# $3, with filter $5; with $4 = stop, a first "fail" line ends the run
# (SIGINT: the runner tears down and writes its reports). Prints the
# failing case, if any.
run_suite() {
  local sim=$1 rep=$2 out=$3 mode=$4 filt=${5:-} f="" pid start=$SECONDS stopping=0
  local args=(run --sim-binary "$sim" --report-dir "$rep")
  [[ -n $filt ]] && args+=(--filter "$filt")
  : >"$out"
  "$harness" "${args[@]}" >"$out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [[ $mode == stop && -z $f ]]; then
      f=$(first_fail "$out")
      [[ -n $f ]] && kill -INT "$pid" 2>/dev/null && stopping=$SECONDS
    fi
    if [[ -e $tmp/stop ]] && ((!stopping)); then
      kill -INT "$pid" 2>/dev/null
      stopping=$SECONDS
    fi
    if ((SECONDS - start > run_limit && !stopping)); then
      echo "# mutants: run over ${run_limit}s, stopped" >>"$out"
      kill -INT "$pid" 2>/dev/null
      stopping=$SECONDS
    fi
    if ((stopping && SECONDS - stopping > 60)); then
      kill -TERM "$pid" 2>/dev/null
    fi
    sleep 0.3
  done
  wait "$pid"
  [[ -z $f ]] && f=$(first_fail "$out")
  printf '%s' "$f"
}

# A progress line is "[ i/N] case.id   verdict   t s".
first_fail() {
  sed -nE 's/^\[ *[0-9]+\/[0-9]+\] +([^ ]+) +fail( .*)?$/\1/p' "$1" | head -n1
}
verdict_list() { # $1 verdict, $2 progress file: the cases, comma-separated
  sed -nE "s/^\[ *[0-9]+\/[0-9]+\] +([^ ]+) +$1( .*)?\$/\\1/p" "$2" | paste -sd, -
}

# The reason results.json gives for case $2 (one line, cut at 160 bytes).
case_reason() {
  perl -MJSON::PP -e '
    my ($f, $id) = @ARGV; local $/; open my $h, "<", $f or exit;
    my $d = eval { decode_json(<$h>) } or exit;
    for my $c (@{ $d->{cases} || [] }) {
      next unless $c->{id} eq $id;
      my $r = $c->{reason} // ""; $r =~ s/\s+/ /g;
      print substr($r, 0, 160), "\n";
    }' "$1" "$2" 2>/dev/null
}

# One mutant in worker $1: patch, build, run; one result line.
run_mutant() {
  local w=$tmp/w$1 name=$2 file=$3 focus=$4 t0=$SECONDS why by errs n
  local res=$tmp/res/$name
  if ! why=$(perl "$pl" "$catalogue" apply "$name" "$w/src" 2>&1); then
    printf 'CATALOGUE %-30s %s\n' "$name" "$why" | tee "$res"
    return
  fi
  if ! cmake --build "$w/bld" --target qftp-sim >"$w/build-$name.log" 2>&1; then
    cp "$top/$file" "$w/src/$file"
    why=$(grep -m1 -E 'error' "$w/build-$name.log")
    printf 'CATALOGUE %-30s does not compile: %s\n' "$name" "$why" | tee "$res"
    return
  fi
  cp "$w/bld/bin/qftp-sim" "$w/qftp-sim"
  cp "$top/$file" "$w/src/$file" # pristine again for the next mutant
  # The cases nearest the mutated code first, the rest only if they pass.
  # A kill counts only if the phase, run again, fails again (not the case
  # alone: a mutant may break a case only through state an earlier case
  # left in the module); one that then passes is flaky, left out, and its
  # phase rerun.
  local out=$w/run-$name.txt ph filt flaky="" k=0 why_file=$tmp/res/$name.why
  : >"$out"
  by=""
  for ph in focus rest; do
    [[ $ph == focus && -z $focus ]] && continue
    while :; do
      if [[ $ph == focus ]]; then
        filt=$(join "$focus" "$exclude" "$(negate "$flaky")")
      else
        filt=$(join "$user_filter" "$(negate "$focus")" "$exclude" "$(negate "$flaky")")
      fi
      rm -rf "$w/rep"
      by=$(run_suite "$w/qftp-sim" "$w/rep" "$w/phase.txt" stop "$filt")
      cat "$w/phase.txt" >>"$out"
      [[ -z $by ]] && break
      case_reason "$w/rep/results.json" "$by" >"$why_file"
      rm -rf "$w/rep-again"
      if [[ -n $(run_suite "$w/qftp-sim" "$w/rep-again" "$w/again.txt" stop "$filt") ]]; then
        break 2
      fi
      echo "# $by failed once, passed alone: flaky, left out" >>"$out"
      flaky=$(join "$flaky" "$by")
      by=""
      ((++k > 3)) && break
    done
  done
  ((keep)) && cp -r "$w/rep" "$tmp/rep-$name" 2>/dev/null
  errs=$(verdict_list error "$out")
  n=$(grep -cE '^\[ *[0-9]+/[0-9]+\]' "$out")
  if [[ -n $by ]]; then
    printf 'KILLED    %-30s %-22s by %s (%ds)\n' "$name" "${file#sim/}" "$by" \
      $((SECONDS - t0)) | tee "$res"
    sed 's/^/          /' "$why_file" # the case's reason, from results.json
  elif [[ -e $tmp/stop ]]; then
    printf 'STOPPED   %-30s %-22s run interrupted, not counted\n' "$name" \
      "${file#sim/}" | tee "$res"
  elif ((n == 0)); then
    printf 'RUNERROR  %-30s %-22s no case ran: %s\n' "$name" "${file#sim/}" \
      "$(tail -n1 "$w/run-$name.txt")" | tee "$res"
  else
    printf 'SURVIVED  %-30s %-22s %d cases%s (%ds)\n' "$name" "${file#sim/}" "$n" \
      "${errs:+, errors: $errs}${flaky:+, flaky: $flaky}" $((SECONDS - t0)) | tee "$res"
  fi
}

worker() { # $1 worker number: mutants i with i % jobs == $1 - 1
  local i r name file bug focus
  for ((i = $1 - 1; i < ${#selected[@]}; i += jobs)); do
    [[ -e $tmp/stop ]] && return
    IFS=$'\t' read -r name file bug focus <<<"${selected[i]}"
    [[ -n $user_filter ]] && focus=- # a filter given: one run of it
    [[ $focus == - ]] || focus=${focus:-$(default_focus "$file")}
    [[ $focus == - ]] && focus=""
    run_mutant "$1" "$name" "$file" "$focus"
  done
}

# Filter terms: joined with commas (empty parts left out), negated.
join() {
  local IFS=, out=() t
  for t in "$@"; do [[ -n $t ]] && out+=("$t"); done
  printf '%s' "${out[*]}"
}
negate() { [[ -n $1 ]] && sed 's/\([^,]*\)/!\1/g' <<<"$1"; }

# The cases run first for a mutant of a file (a record's focus: wins).
default_focus() {
  case ${1#sim/} in
  sim_cmd_ftpcfg.c) echo 'cfg.*' ;;
  sim_err.c) echo 'replies.*,errs.*,open.*' ;;
  sim_cmd_ftp.c | sim_ftp.c)
    echo 'open.*,dir.*,close.*,errs.*,replies.*,faults.*,note.*' ;;
  sim_reply.c) echo 'dir.*,replies.*,note.*,get.multiline*' ;;
  sim_xfer.c | sim_cmd_xfer.c | sim_data.c | sim_addr.c | sim_outq.c)
    echo 'get.*,put.*,list.*,faults.*,errs.*,note.*' ;;
  sim_cmd_file.c | sim_fs.c | sim_jail.c) echo 'file.*,ufs.*,get.ufs*,put.*ufs*' ;;
  sim_cmd_basic.c | sim_pdp.c) echo 'pdp.*,errs.*,at.*' ;;
  sim_at.c | sim_cmd.c | main.c | sim_ctx.c) echo 'at.*' ;;
  sim_tls.c | sim_tls_pool.c | sim_cmd_ssl.c) echo 'ftps.*' ;;
  sim_guard.c) echo 'put.*,get.*' ;;
  *) echo '' ;;
  esac
}

mkdir -p "$tmp/res"
echo "mutants: ${#selected[@]} mutants, $jobs at once; scratch $tmp"
for ((w = 1; w <= jobs; w++)); do setup_worker "$w" & done
user_filter=$filter exclude=""
if ((baseline)); then
  echo "mutants: baseline run of the unmutated simulator"
  run_suite "$top/build/bin/qftp-sim" "$tmp/baseline" "$tmp/baseline.txt" full "$filter" >/dev/null
  bad=$(verdict_list fail "$tmp/baseline.txt")
  n=$(grep -cE '^\[ *[0-9]+/[0-9]+\]' "$tmp/baseline.txt")
  ((n)) || { echo "mutants: baseline ran no case:"; tail -n5 "$tmp/baseline.txt"; exit 2; }
  echo "mutants: baseline $(tail -n +1 "$tmp/baseline.txt" | grep -m1 -E '^[0-9]+ cases:')"
  if [[ -n $bad ]]; then
    echo "mutants: failing without a mutant, left out of every run: $bad"
    exclude=$(negate "$bad")
  fi
fi
for ((w = 1; w <= jobs; w++)); do
  wait -n || { echo "mutants: scratch build failed (see $tmp/w*/setup.log)"; keep=1; exit 2; }
done

for ((w = 1; w <= jobs; w++)); do worker "$w" & done
wait

killed=0 survived=0 caterr=0 runerr=0
for r in "${selected[@]}"; do
  name=${r%%$'\t'*}
  case $(cut -c1-9 "$tmp/res/$name" 2>/dev/null) in
  KILLED*) ((killed++)) ;;
  SURVIVED*) ((survived++)) ;;
  CATALOGUE*) ((caterr++)) ;;
  *) ((runerr++)) ;;
  esac
done
echo
echo "survivors:"
grep -h '^SURVIVED' "$tmp"/res/* 2>/dev/null | sed 's/^/  /' || true
total=$((killed + survived))
rate=0
((total)) && rate=$(awk -v k="$killed" -v t="$total" 'BEGIN { printf "%.1f", 100 * k / t }')
echo "kill rate: $killed/$total = $rate %  (catalogue errors: $caterr, runs that could not run: $runerr)"
((caterr)) && exit 1
exit 0
