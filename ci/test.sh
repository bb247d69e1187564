#!/usr/bin/env bash
# The test job: installs dependencies, builds, runs every Check suite and
# the end-to-end tests (the suite against qftp-sim and vsftpd, killing the
# module and the server mid-run, malformed case files), then builds again
# with clang (warnings are errors there too) and fuzzes every libFuzzer
# target briefly (ci/fuzz.sh, seeded from the suite run's evidence), and
# once more with ASan+UBSan to run the unit tests and the end-to-end suite
# under it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/ci/deps.sh"

echo "== build"
bash "$top/ci/build.sh" "$top/build"
echo "== unit and end-to-end tests"
# -LE case: the per-case tests (case.<id>) run what e2e.suite runs in one go.
ctest --test-dir "$top/build" -LE '^case$' --output-on-failure --timeout 600

echo "== clang build (-Werror)"
CC=clang bash "$top/ci/build.sh" "$top/build-clang"

echo "== fuzz: every target for a few seconds"
bash "$top/ci/fuzz.sh" --time "${QFTP_FUZZ_SECS:-5}" \
  --evidence "$top/build/e2e-reports" "$top/build-fuzz"

echo "== unit tests and the end-to-end suite under ASan+UBSan"
bash "$top/ci/build.sh" "$top/build-sanitize" -DSANITIZE=ON
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$top/build-sanitize" -L unit --output-on-failure --timeout 600
ctest --test-dir "$top/build-sanitize" -R '^e2e\.suite$' --output-on-failure \
  --timeout 1200
echo "== all tests passed"
