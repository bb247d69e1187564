#!/usr/bin/env bash
# End-to-end: each deliberate deviation of the simulator (qftp-sim
# --quirk) makes at least one case of the suite fail, and the failure
# names the difference (a wire assertion for what only the wire shows).
# Each quirk runs only the cases that should catch it, to stay fast.
# usage: quirks.sh HARNESS_BINARY SIM_BINARY OUT_DIR
set -uo pipefail
bin=$1 sim=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
cases=$(cd "$here/../../../cases" && pwd)
rm -rf "$out"
mkdir -p "$out"
fail() { echo "quirks.sh: FAIL: $*" >&2; exit 1; }

# quirk | module profile | --filter | text a failing case's reason must hold
table='
stat-before-ok|note|close.reopen|got `+QFTPSTAT: 0,4`
cfg-key-case|note|cfg.defaults|got `ERROR`
cfg-key-case|note|cfg.key-case-any|expected `OK`, got `ERROR`
wrong-type|note|get.com|wire: expected client command "TYPE I"
ignore-transmode|note|get.active|wire: expected client command "PORT *"
ignore-startpos|note|get.partial|"REST 500"
fin-not-rst|note|get.restenable|expected close rst by the module, saw fin
transferlen-off-by-one|note|get.com|+QFTPGET: 0,10001
wrong-err-for-reply|note|dir.cwd-missing|+QFTPCWD: 601,550
urc-before-ok|note|get.com|got `+QFTPLEN: 0,10000`
no-quit-on-close|note|note.3-8-close|wire: expected client command "QUIT"
accept-bad-rsptimeout|note|cfg.out-of-range|expected `ERROR`, got `OK`
extra-bytes-after-downloadlen|note|get.partial|expected `OK`
prot-c|note|ftps.explicit|expected TLS, saw plain
late-urc|note|open.urc-within-rsptimeout|got nothing within
ignore-guard-times|note|put.plus-in-payload|+QFTPPUT: 0,3
wrong-stat-during-transfer|note|faults.stat-during-transfer|+QFTPSTAT: 0,2
pwd-unquoted|eg800k|dir.cwd-pwd|expected `+QFTPPWD: 0,"/"`
pwd-quoted|note|dir.cwd-pwd|expected `+QFTPPWD: 0,/`
no-echo|note|at.echo|expected `AT`, got `OK`
no-resume|note|resume.cut|got `+QFTPGET: 616,426`
ignore-pdp-deact|note|pdp.deact-idle|expected `+QFTPCLOSE: 605,0`
qfupl-no-escape|note|ufs.qfupl-escape|got `+QFUPL: 10,
lenient-cfg-keys|note|cfg.key-spelling|expected `ERROR`, got `OK`
at-prefix-any-case|note|at.prefix-case|expected `ERROR`, got `OK`
uploadlen-alone|note|put.uploadlen-needs-beof|got `CONNECT`
keep-partial-file|note|get.ufs-fail-no-file|got `+QFLST: "UFS:m.bin",0`
'

# Quirks whose cases need what --sim cannot give, caught by their own test.
elsewhere='ignore-dtr' # dtr.sh (e2e.dtr): needs:dtr cases over rfc2217://

# Every quirk the simulator knows is in the table.
for q in $("$sim" --list-quirks | cut -f1); do
  grep -qw "$q" <<<"$elsewhere" && continue
  grep -q "^$q|" <<<"$table" || fail "quirk $q has no case that catches it"
done

while IFS='|' read -r quirk profile filter want; do
  [ -n "$quirk" ] || continue
  dir="$out/$quirk"
  "$bin" run "$cases" --sim-binary "$sim" --sim-quirk "$quirk" \
    --profile "$profile" --filter "$filter" --report-dir "$dir" \
    >"$dir.stdout" 2>&1
  rc=$?
  [ "$rc" -eq 1 ] || { cat "$dir.stdout"; fail "$quirk: exit $rc, expected 1 (a case fails)"; }
  reasons=$(jq -r '.cases[] | select(.verdict == "fail") | .reason' "$dir/results.json")
  grep -qF -- "$want" <<<"$reasons" ||
    fail "$quirk: no failure says '$want'; reasons: $reasons"
  echo "quirks.sh: $quirk caught by $filter"
done <<<"$table"
echo "quirks.sh: OK"
