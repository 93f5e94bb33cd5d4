#!/usr/bin/env bash
# Layering rules of the spec's layout (README "Layout"), checked on the source tree:
#  - protocol/ is pure: no Asio, Cap'n Proto, Botan, libsodium, SQLite (or any database) headers;
#  - transport/ depends on core and crypto only: no Cap'n Proto, no wire/ or protocol/ header;
#    and Asio appears in it only inside transport/net/ (the fuzz tree builds the rest with clang);
#  - Cap'n Proto stays inside wire/: the client's sources, the server's handler and router, and
#    the load generator use wire/'s typed frames, never a Cap'n Proto header or generated schema;
#  - the server's storage (reference_server/{include/parley/server,src}/store) has no Asio, Cap'n
#    Proto or wire, so the fuzz targets and fast tests can link it alone (spec §7.1);
#  - no public header of crypto/ (or core/) names Botan or libsodium.
# Usage: layering_check.sh SOURCE_DIR        check the tree
#        layering_check.sh --self-test        prove the check catches a planted violation
set -euo pipefail

include='#[[:space:]]*include[[:space:]]*[<"]'
forbidden_pure="${include}(boost/asio|asio|capnp/|kj/|botan/|sodium|sqlite3|pqxx|libpq)"
forbidden_asio="${include}(boost/asio|asio)"
forbidden_transport="${include}(capnp/|kj/|parley/wire/|parley/protocol/)"
forbidden_capnp="${include}(capnp/|kj/|parley/wire/schema/)"
forbidden_public="${include}(botan/|sodium)"
forbidden_store="${include}(boost/asio|asio|capnp/|kj/|parley/transport|parley/wire)"

# report MESSAGE PATTERN DIR... [--exclude-dir=X]: prints the hits under the message; 1 if any.
report() {
  local message=$1 pattern=$2 hits
  shift 2
  local dirs=() options=()
  for arg in "$@"; do
    case "$arg" in --*) options+=("$arg") ;; *) [ -d "$arg" ] && dirs+=("$arg") ;; esac
  done
  [ "${#dirs[@]}" -eq 0 ] && return 0
  hits=$(grep -rnE "$pattern" "${options[@]}" "${dirs[@]}" || true)
  [ -z "$hits" ] && return 0
  echo "$message, found:"; echo "$hits"
  return 1
}

check() {
  local root=$1 failed=0
  report "protocol/ must stay pure" "$forbidden_pure" "$root/protocol" || failed=1
  report "Asio belongs in transport/net/ only" "$forbidden_asio" "$root/transport" --exclude-dir=net || failed=1
  report "transport/ depends on core and crypto only" "$forbidden_transport" "$root/transport" || failed=1
  report "Cap'n Proto stays inside wire/" "$forbidden_capnp" "$root/client/src" "$root/client/include" \
    "$root/reference_server/src/handler" "$root/reference_server/src/router" "$root/reference_server/include/parley/server/handler" \
    "$root/reference_server/include/parley/server/router" "$root/tools/parley-load" || failed=1
  report "the server's storage must not depend on Asio, Cap'n Proto or wire" "$forbidden_store" \
    "$root/reference_server/include/parley/server/store" "$root/reference_server/src/store" || failed=1
  for layer in core crypto; do
    report "public headers of $layer/ must not name a crypto backend" "$forbidden_public" "$root/$layer/include" || failed=1
  done
  return $failed
}

# plant DIR FILE LINE: a tree with one file holding LINE must fail the check.
expect_caught() {
  local tmp=$1 file=$2 line=$3 what=$4
  mkdir -p "$(dirname "$tmp/$file")"
  echo "$line" > "$tmp/$file"
  if check "$tmp" >/dev/null; then echo "self-test: $what was not caught"; exit 1; fi
  rm "$tmp/$file"
}

if [ "${1:-}" = "--self-test" ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/protocol/src" "$tmp/crypto/include/parley/crypto" "$tmp/transport/net/src" "$tmp/client/src"
  echo '#include "parley/core/bytes.h"' > "$tmp/protocol/src/ok.cpp"
  echo '#include <boost/asio/ip/tcp.hpp>' > "$tmp/transport/net/src/ok.cpp"
  echo '#include "parley/wire/frames/frame.h"' > "$tmp/client/src/ok.cpp"
  check "$tmp" >/dev/null || { echo "self-test: a clean tree was reported"; exit 1; }
  expect_caught "$tmp" protocol/src/bad.cpp '#include <boost/asio.hpp>' "Asio in protocol/"
  expect_caught "$tmp" crypto/include/parley/crypto/bad.h '#  include <botan/hmac.h>' "Botan in a public crypto header"
  expect_caught "$tmp" transport/src/bad.cpp '#include <boost/asio/ip/tcp.hpp>' "Asio in pure transport/"
  expect_caught "$tmp" transport/src/channel/bad.cpp '#include "parley/wire/frames/frame.h"' "wire/ in transport/"
  expect_caught "$tmp" reference_server/src/store/bad.cpp '#include <capnp/message.h>' "Cap'n Proto in the server's storage"
  expect_caught "$tmp" client/src/engine/bad.cpp '#include "parley/wire/schema/frames.capnp.h"' "a generated schema in the client"
  expect_caught "$tmp" reference_server/src/handler/bad.cpp '#include <capnp/message.h>' "Cap'n Proto in the server's handler"
  expect_caught "$tmp" tools/parley-load/src/bad.cpp '#include <kj/array.h>' "Cap'n Proto in the load generator"
  echo "self-test: violations are caught"
  exit 0
fi

check "${1:?source dir}"
echo "layering: ok"
