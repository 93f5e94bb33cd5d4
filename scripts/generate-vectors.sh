#!/usr/bin/env bash
# make vectors: regenerates our published vector files from the code with the release build.
# Published files are never edited by hand; review the diff, and remember that a changed format
# is a new version (spec/test-vectors.md). CI's conformance.crypto_basics_regenerates test
# regenerates the same way and fails on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."

tool=build/release/bin/parley-conformance
if [ ! -x "$tool" ]; then
  echo "generate-vectors.sh: $tool is missing; run 'make vectors' (or build the release tree) first" >&2
  exit 2
fi

for type in crypto-basics; do
  "$tool" generate "$type" -o "spec/vectors/$type.json"
  echo "wrote spec/vectors/$type.json"
done
git --no-pager diff --stat -- spec/vectors 2>/dev/null || true
