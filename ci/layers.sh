#!/usr/bin/env bash
# ci/layers.sh — the floor plan, checked from the includes.
#
#   common  <-  sim, servers, servers/proxy, servers/wire, reports  <-  harness
#
# Every #include "x.h" in a folder's C sources must name a header of that
# folder or of a folder below it (a folder's tests/ and fuzz/ count as the
# folder).
# Nothing includes upwards or sideways. The build enforces the same plan
# (each library's public include directory is its own folder), so this
# script is a second opinion that names the offending line.
#
# Usage: ci/layers.sh [REPO]   exit 0 clean, 1 with one line per violation.
set -euo pipefail
repo=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$repo"

# folder -> the folders it may include from (besides itself)
declare -A below=(
  [common]=""
  [sim]="common"
  [servers]="common"
  [servers/proxy]="common"
  [servers/wire]="common"
  [reports]="common"
  [harness]="common sim servers servers/proxy servers/wire reports"
)

# Which folder owns each header (by base name; names are unique).
declare -A owner=()
for f in "${!below[@]}"; do
  for h in "$f"/*.h "$f"/tests/*.h "$f"/fuzz/*.h; do
    [[ -e $h ]] || continue
    b=${h##*/}
    if [[ -n ${owner[$b]:-} && ${owner[$b]} != "$f" ]]; then
      echo "layers: header name $b is in both ${owner[$b]} and $f" >&2
      exit 1
    fi
    owner[$b]=$f
  done
done

bad=0
for f in "${!below[@]}"; do
  for src in "$f"/*.[ch] "$f"/tests/*.[ch] "$f"/fuzz/*.[ch]; do
    [[ -e $src ]] || continue
    while IFS=: read -r line inc; do
      h=${inc#*\"}
      h=${h%%\"*}
      o=${owner[${h##*/}]:-}
      [[ -z $o || $o == "$f" ]] && continue
      ok=0
      for allowed in ${below[$f]}; do
        [[ $o == "$allowed" ]] && ok=1
      done
      if ((!ok)); then
        echo "$src:$line: includes $h from $o/, which is not below $f/"
        bad=1
      fi
    done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src" |
             sed 's/^\([0-9]*\):/\1:/')
  done
done
exit "$bad"
