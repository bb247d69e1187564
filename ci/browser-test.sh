#!/usr/bin/env bash
# report.html in a real browser: runs a case the simulator is made to fail
# (quirk wrong-type, case get.com), loads the report in headless Chromium,
# and checks the DOM the browser built: the failures section with the
# failing step highlighted and expected beside seen, an <svg> ladder, the
# filters the page's script shows; and, measured in a 1280x900 window, that
# the failure (down to the line seen) is in the first screenful. Keeps a
# screenshot of that window as OUT_DIR/report/report.png (a CI artifact,
# docs/CI.md).
#
# usage: browser-test.sh HARNESS_BINARY SIM_BINARY OUT_DIR
# Exit 0 pass, 1 fail, 77 skipped: no Chromium (under CI=true a missing
# Chromium fails: ci/deps.sh installs it).
set -uo pipefail
bin=$1 sim=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
cases=$(cd "$here/../cases" && pwd)
fail() { echo "browser-test: FAIL: $*" >&2; exit 1; }

browser=
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  [ "${CI:-}" = true ] && fail "no Chromium under CI (ci/deps.sh installs the package chromium)"
  echo "browser-test: SKIP: no Chromium (Debian: apt-get install chromium)"
  exit 77
fi

rm -rf "$out"
mkdir -p "$out"
report="$out/report"
"$bin" run "$cases" --sim-binary "$sim" --sim-quirk wrong-type \
  --filter get.com --report-dir "$report" >"$out/run.stdout" 2>&1
rc=$?
[ "$rc" -eq 1 ] || { cat "$out/run.stdout"; fail "harness exit $rc, expected 1 (get.com fails)"; }
[ -s "$report/report.html" ] || fail "no report.html in $report"

# Headless Chromium, bounded: it must never hang the test.
run_browser() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
    --no-first-run --disable-extensions --user-data-dir="$out/profile" \
    --window-size=1280,900 "$@" 2>>"$out/browser.log"
}

# 1. The DOM as the browser built it (after the page's script ran).
run_browser --dump-dom "file://$report/report.html" >"$out/dom.html" ||
  fail "$browser --dump-dom failed (see $out/browser.log)"
dom="$out/dom.html"
grep -q '<section id="failures">' "$dom" || fail "no failures section"
grep -q 'class="[^"]*failing-step' "$dom" || fail "no row of the failing step marked"
grep -q '<span class="fstep">step [0-9]' "$dom" || fail "the failing step's number is not shown"
grep -q '<td class="expected">' "$dom" || fail "no expected cell"
grep -q '<td class="seen">' "$dom" || fail "no seen cell"
grep -q '<svg class="ladder"' "$dom" || fail "no SVG ladder"
grep -q '<g class="rung cmd"' "$dom" || fail "the ladder has no command arrow"
grep -q '<form id="filters" class="filters">' "$dom" ||
  fail "the filters are still hidden: the page's script did not run"
# The failures come before the report's header.
f=$(grep -b -o '<section id="failures">' "$dom" | head -1 | cut -d: -f1)
h=$(grep -b -o '<h1>' "$dom" | head -1 | cut -d: -f1)
[ -n "$h" ] && [ "$f" -lt "$h" ] || fail "the failures section is not before the header"

# 2. Layout, measured by the browser: a copy of the page with a probe that
# writes where the failure and its seen cell are, and whether the marks
# are painted, into the DOM.
probe="$report/report-probe.html"
sed 's|</body></html>|<script>(function(){var f=document.getElementById("failures"),s=f.querySelector("td.seen"),r=document.querySelector("tr.failing-step td"),l=document.querySelector("svg.ladder");document.body.setAttribute("data-probe","seen_bottom="+Math.round(s.getBoundingClientRect().bottom)+" vh="+window.innerHeight+" mark="+getComputedStyle(r).backgroundColor+" ladder_h="+Math.round(l.getBoundingClientRect().height))})();</script></body></html>|' \
  "$report/report.html" >"$probe"
run_browser --dump-dom "file://$probe" >"$out/probe.html" || fail "probe run failed"
rm -f "$probe"
line=$(grep -o 'data-probe="[^"]*"' "$out/probe.html") || fail "the probe did not run"
echo "browser-test: $line"
seen_bottom=$(sed -n 's/.*seen_bottom=\([0-9-]*\).*/\1/p' <<<"$line")
vh=$(sed -n 's/.* vh=\([0-9]*\).*/\1/p' <<<"$line")
ladder_h=$(sed -n 's/.*ladder_h=\([0-9]*\).*/\1/p' <<<"$line")
[ -n "$seen_bottom" ] && [ -n "$vh" ] || fail "probe unreadable: $line"
[ "$seen_bottom" -gt 0 ] && [ "$seen_bottom" -le "$vh" ] ||
  fail "the failure's seen cell ends at y=$seen_bottom, below the first screenful ($vh px)"
grep -q 'mark=rgb(' <<<"$line" && ! grep -q 'mark=rgba(0, 0, 0, 0)' <<<"$line" ||
  fail "the failing step's rows are not painted: $line"
[ "${ladder_h:-0}" -gt 40 ] || fail "the ladder is not drawn (height ${ladder_h:-0})"

# 3. The first screenful as an image, kept beside the report.
run_browser --screenshot="$report/report.png" "file://$report/report.html" >/dev/null ||
  fail "screenshot failed (see $out/browser.log)"
[ -s "$report/report.png" ] || fail "no screenshot"
echo "browser-test: OK (screenshot $report/report.png)"
