#!/usr/bin/env bash
# make demo's main job (after the release build): verifies every committed vector file (ours, the
# RFC vectors and the external libsignal/cacophony vectors) with parley-conformance, one line per
# case and the summary last, and exits with its status (0 only when nothing failed).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib.sh
tool=$(parley_release_tool parley-conformance)

shopt -s nullglob
files=(spec/vectors/*.json tests/data/external/*.json tests/data/rfc/*.json)
exec "$tool" verify "${files[@]}"
