#!/usr/bin/env bash
# The main job: installs dependencies, builds, and runs the whole suite
# against the simulated module and a local vsftpd. Extra arguments go to
# `qftp-harness run` (e.g. --device /dev/ttyUSB2 --server-addr 192.168.1.10).
# Reports land in ./qftp-reports unless --report-dir says otherwise.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/ci/deps.sh"
bash "$top/ci/build.sh" "$top/build"
exec "$top/build/bin/qftp-harness" run "$@"
