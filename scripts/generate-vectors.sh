#!/usr/bin/env bash
# make vectors: regenerates our published vector files from the code with the release build.
# Published files are never edited by hand; review the diff, and remember that a changed format
# is a new version (spec/test-vectors.md). CI's conformance.crypto_basics_regenerates test
# regenerates the same way and fails on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib.sh
tool=$(parley_release_tool parley-conformance)

for type in crypto-basics x3dh ratchet-transcript session-negative noise-pipes device-link fanout fingerprint receipts; do
  "$tool" generate "$type" -o "spec/vectors/$type.json"
  echo "wrote spec/vectors/$type.json"
done
git --no-pager diff --stat -- spec/vectors 2>/dev/null || true
