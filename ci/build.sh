#!/usr/bin/env bash
# Configures and builds into a build directory.
# usage: ci/build.sh [BUILD_DIR] [extra cmake args...]
#   BUILD_DIR defaults to build/ at the top of the repository.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$top/build"}
shift || true
cmake -S "$top" -B "$dir" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)" -- --no-print-directory
