#!/usr/bin/env bash
# Seed corpora for the libFuzzer targets, from the suite's own evidence:
# case files (cases/), module profiles (fixtures/profiles/), and -- from a
# run's report directory -- transcripts (what was sent and what the module
# answered), vsftpd logs (FTP replies) and results.json.
#
#   ci/fuzz-seeds.sh [--evidence REPORT_DIR] [--harness BUILD_DIR] OUT_DIR
#
# --evidence takes a report directory of an earlier run. Without it, when
# BUILD_DIR/bin/qftp-harness exists and we run as root, a short run
# (cases/at cases/open cases/get) makes one; otherwise only committed
# files are used (ci/fuzz/seeds/<target>/ and the shapes below). Each
# target's seeds go to OUT_DIR/<target>/ (a target's input format is
# described at the top of its fuzz_*.c).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
evidence="" harness_build=""
while [ $# -gt 1 ]; do
  case "$1" in
    --evidence) evidence=$2; shift 2 ;;
    --harness) harness_build=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--evidence DIR] [--harness BUILD_DIR] OUT_DIR" >&2; exit 2; }
out=$1
mkdir -p "$out"
if [ -n "$evidence" ] && [ ! -d "$evidence" ]; then
  echo "fuzz-seeds: no report directory $evidence; committed files only" >&2
  evidence=""
  harness_build=""
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -z "$evidence" ] && [ -n "$harness_build" ] &&
   [ -x "$harness_build/bin/qftp-harness" ] && [ "$(id -u)" -eq 0 ]; then
  echo "fuzz-seeds: a short run for evidence (cases/at cases/open cases/get)"
  if timeout 600 "$harness_build/bin/qftp-harness" run -j 2 \
       --report-dir "$tmp/run" "$top/cases/at" "$top/cases/open" \
       "$top/cases/get" >"$tmp/run.log" 2>&1 || [ -f "$tmp/run/results.json" ]; then
    evidence=$tmp/run
  else
    echo "fuzz-seeds: the run failed (tail of its log follows); committed files only" >&2
    tail -5 "$tmp/run.log" >&2 || true
  fi
fi

# seed TARGET NAME: stdin becomes OUT/TARGET/NAME.
seed() {
  mkdir -p "$out/$1"
  cat >"$out/$1/$2"
}

cases=$(find "$top/cases" -name '*.yaml' | sort)
profiles=$(find "$top/fixtures/profiles" -name '*.yaml' | sort)

# Loaders: each file as it is; a case with a fragment, a profile with a
# base behind the NUL (the targets' second file).
i=0
for f in $cases; do
  i=$((i + 1))
  seed fuzz_case_load "case-$i" <"$f"
done
frag=$(find "$top/cases" -path '*fragments*' -name '*.yaml' | head -1)
if [ -n "$frag" ]; then
  { printf 'id: x.frag\ntitle: t\nsteps:\n  - use: f\n'; printf '\0'; cat "$frag"; } |
    seed fuzz_case_load frag
fi
i=0
for f in $profiles; do
  i=$((i + 1))
  seed fuzz_qc_profile "profile-$i" <"$f"
  { printf 'name: p\nbase: b\ntest: true\n'; printf '\0'; cat "$f"; } |
    seed fuzz_qc_profile "based-$i"
done
{ printf 'name: p\nbase: b\n'; printf '\0'; printf 'name: b\nbase: p\n'; } |
  seed fuzz_qc_profile cycle

# AT lines: what the cases send (send: lines, escapes, ${vars}) and, from
# the evidence, what the harness sent.
grep -ho 'AT[+&A-Za-z][^"'\'']*' $cases 2>/dev/null | sort -u >"$tmp/at.txt" || true
if [ -n "$evidence" ]; then
  find "$evidence" -name transcript.txt -exec sed -n 's/^ *[0-9.]* > //p' {} + \
    2>/dev/null | sort -u >>"$tmp/at.txt" || true
fi
split -l 40 "$tmp/at.txt" "$tmp/at-" 2>/dev/null || true
for f in "$tmp"/at-*; do
  [ -f "$f" ] || continue
  b=$(basename "$f")
  tr '\n' '\r' <"$f" | seed fuzz_sim_at "$b"
  { printf '\x21\x43\x65\x87'; tr '\n' '\r' <"$f"; } | seed fuzz_sim_dispatch "$b"
  { printf '\x21\x43\x65\x00'; tr '\n' '\r' <"$f"; } | seed fuzz_sim_dispatch "noprof-$b"
done
grep -ho "\\(send_raw\\|data\\): *['\"].*['\"]" $cases 2>/dev/null | sed "s/^[a-z_]*: *['\"]//; s/['\"]\$//" |
  sort -u | head -200 >"$tmp/esc.txt" || true
i=0
while IFS= read -r l; do
  i=$((i + 1))
  printf '%s' "$l" | seed fuzz_escape "esc-$i"
done <"$tmp/esc.txt"
grep -h '\${' $cases 2>/dev/null | sort -u | head -200 >"$tmp/vars.txt" || true
i=0
while IFS= read -r l; do
  i=$((i + 1))
  { printf '\x40'; printf '%s' "$l"; } | seed fuzz_vars "vars-$i"
done <"$tmp/vars.txt"

# Module output (the harness's line framer) from the transcripts, with
# the framing a module uses ("\r\n<text>\r\n").
if [ -n "$evidence" ]; then
  i=0
  for t in $(find "$evidence" -name transcript.txt | sort | head -100); do
    i=$((i + 1))
    { printf '\x07'; sed -n 's/^ *[0-9.]* < \(.*\)$/\r\n\1\r\n/p' "$t"; } |
      seed fuzz_at_lines "tr-$i"
  done
  # FTP replies from the servers' logs, as a server would send them.
  find "$evidence" -name server.log -exec \
    sed -n 's/.*FTP response: Client "[^"]*", "\(.*\)"$/\1/p' {} + 2>/dev/null |
    sort -u | head -300 >"$tmp/ftp.txt" || true
  # The run's results.json, and every case's JSON is a run of one.
  [ -f "$evidence/results.json" ] && seed fuzz_qr_diff run <"$evidence/results.json"
  # The run's captures, whole (fuzz_wire_pcap reads pcap and pcapng).
  i=0
  for p in $(find "$evidence" -name '*.pcap*' -size -1M | sort | head -20); do
    i=$((i + 1))
    seed fuzz_wire_pcap "cap-$i" <"$p"
  done
fi
printf '{"schema":1,"cases":[{"id":"a.b","verdict":"pass"},{"id":"a.c","verdict":"fail","reason":"x"},{"id":"a.d","verdict":"skip"}]}\n' |
  seed fuzz_qr_diff minimal
printf '{"schema":1,"interrupted":true,"planned":5,"stop_reason":"device-lost","cases":[]}\n' |
  seed fuzz_qr_diff interrupted

# FTP replies: the logs' and the classic shapes, in both modes.
{
  cat "$tmp/ftp.txt" 2>/dev/null || true
  printf '220 (vsFTPd 3.0.3)\n230-Welcome\n230 Login successful.\n'
  printf '211-Features:\n EPSV\n MDTM\n211 End\n227 Entering Passive Mode (127,0,0,1,4,1).\n'
} | sed 's/$/\r/' >"$tmp/replies.txt"
{ printf '\x00\x00\xff\x11'; cat "$tmp/replies.txt"; } | seed fuzz_qc_reply strict
{ printf '\x01\x28\x40\x22'; printf 'junk\r\n'; cat "$tmp/replies.txt"; } | seed fuzz_qc_reply lenient

# Committed seeds (ci/fuzz/seeds/<target>/): inputs a short run does not
# give, e.g. FTPS, active mode, a reset data connection and a pcapng
# capture for fuzz_wire_pcap, so the target starts from them even
# without evidence.
for d in "$top"/ci/fuzz/seeds/*/; do
  [ -d "$d" ] || continue
  t=$(basename "$d")
  mkdir -p "$out/$t"
  cp "$d"* "$out/$t/"
done

# Pure codecs: a few hand-made shapes.
printf '\x10\x00\x01\x61\x02\x00\x06\x2b\x06\x2b\x06\x2b\x40\x78' | seed fuzz_qc_buf ops
printf '\x20\x30\x2b\x05\x2b\x05\x2b\x30\x41' | seed fuzz_sim_guard escape
printf '\x20\x01\x2b\x01\x2b\x01\x2b\x01\x2b' | seed fuzz_sim_guard no-silence
printf '\x01\x00\x03abc\x01\x01\x2c\x02\x04\x65\x01\x02\x03\x03\x00\x04\x04\x00\x24\x00' |
  seed fuzz_qc_telnet script
printf '\x01hello\xff\xffworld\xff\xfb\x2c\xff\xfa\x2c\x65\x01\xff\xf0' | seed fuzz_qc_telnet raw

n=$(find "$out" -type f | wc -l)
echo "fuzz-seeds: $n seeds into $out${evidence:+ (evidence: $evidence)}"
