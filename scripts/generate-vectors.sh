#!/usr/bin/env bash
# make vectors: regenerates our published vector files from the code with the release build.
# Published files are never edited by hand; review the diff, and remember that a changed format
# is a new version and new cases go in a new file (spec/test-vectors.md §1.1). The ctest
# conformance.regenerates.<name> regenerates each committed file the same way and fails on any
# difference.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib.sh
tool=$(parley_release_tool parley-conformance)

# The tool names every file it publishes (a type, or <type>-<topic>); no list is kept here.
names=$("$tool" generate --list)
[ -n "$names" ] || { echo "generate-vectors.sh: $tool listed no files" >&2; exit 2; }
for name in $names; do
  "$tool" generate "$name" -o "spec/vectors/$name.json"
  echo "wrote spec/vectors/$name.json"
done
git --no-pager diff --stat -- spec/vectors 2>/dev/null || true
