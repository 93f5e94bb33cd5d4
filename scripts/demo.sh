#!/usr/bin/env bash
# make demo's main job (after the release build): verifies every committed vector file (ours, the
# RFC vectors and the external libsignal/cacophony vectors) with parley-conformance, one line per
# case and the summary last, and exits with its status (0 only when nothing failed).
set -euo pipefail
cd "$(dirname "$0")/.."

tool=build/release/bin/parley-conformance
if [ ! -x "$tool" ]; then
  echo "demo.sh: $tool is missing; run 'make demo' (or build the release tree) first" >&2
  exit 2
fi

shopt -s nullglob
files=(spec/vectors/*.json tests/data/external/*.json tests/data/rfc/*.json)
exec "$tool" verify "${files[@]}"
