#!/usr/bin/env bash
# End-to-end: a malformed case file makes `check` and `run` exit 2 with
# "file:line:column: what is wrong", before anything is started.
# usage: malformed.sh HARNESS_BINARY
set -uo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "malformed.sh: FAIL: $*" >&2; exit 1; }

for cmd in check run; do
  out=/tmp/qftp-malformed.$$.out
  err=$("$bin" $cmd "$here/bad-cases/bad-step.yaml" --report-dir /tmp/qftp-malformed.$$ 2>&1 >"$out")
  rc=$?
  # Nothing is started for a run whose cases do not load.
  grep -q "^module:\|^server " "$out" && fail "$cmd: started something: $(cat "$out")"
  rm -f "$out"
  [ "$rc" -eq 2 ] || fail "$cmd: exit $rc, expected 2"
  echo "$err" | grep -Eq "bad-step\.yaml:8:5: .*expct" || fail "$cmd: message: $err"
done
err=$("$bin" check "$here/bad-cases/bad-yaml.yaml" 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 2 ] || fail "bad yaml: exit $rc"
echo "$err" | grep -Eq "bad-yaml\.yaml:[0-9]+:[0-9]+: " || fail "bad yaml: message: $err"
[ -e /tmp/qftp-malformed.$$/results.json ] && fail "a report was written for a malformed case"
rm -rf /tmp/qftp-malformed.$$
echo "malformed.sh: OK"
