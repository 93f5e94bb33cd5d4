#!/usr/bin/env bash
# Layering rules of GUIDE §2, checked on the source tree:
#  - protocol/ is pure: no Asio, Cap'n Proto, Botan, libsodium, SQLite (or any database) headers;
#  - no public header of crypto/ (or core/) names Botan or libsodium;
#  - Asio appears in transport/ only inside transport/net/ (the fuzz tree builds the rest with clang).
#  - the server's storage (reference_server/{include/parley/server,src}/store) has no Asio or
#    Cap'n Proto, so the fuzz targets and fast tests can link it alone (spec §7.1).
# Usage: layering_check.sh SOURCE_DIR        check the tree
#        layering_check.sh --self-test        prove the check catches a planted violation
set -euo pipefail

forbidden_pure='#[[:space:]]*include[[:space:]]*[<"](boost/asio|asio|capnp/|kj/|botan/|sodium|sqlite3|pqxx|libpq)'
forbidden_asio='#[[:space:]]*include[[:space:]]*[<"](boost/asio|asio)'
forbidden_public='#[[:space:]]*include[[:space:]]*[<"](botan/|sodium)'
forbidden_store='#[[:space:]]*include[[:space:]]*[<"](boost/asio|asio|capnp/|kj/|parley/transport|parley/wire)'

check() {
  local root=$1 failed=0 hits
  if [ -d "$root/protocol" ]; then
    hits=$(grep -rnE "$forbidden_pure" "$root/protocol" || true)
    if [ -n "$hits" ]; then
      echo "protocol/ must stay pure, found:"; echo "$hits"; failed=1
    fi
  fi
  if [ -d "$root/transport" ]; then
    hits=$(grep -rnE "$forbidden_asio" --exclude-dir=net "$root/transport" || true)
    if [ -n "$hits" ]; then
      echo "Asio belongs in transport/net/ only, found:"; echo "$hits"; failed=1
    fi
  fi
  for dir in "$root/reference_server/include/parley/server/store" "$root/reference_server/src/store"; do
    [ -d "$dir" ] || continue
    hits=$(grep -rnE "$forbidden_store" "$dir" || true)
    if [ -n "$hits" ]; then
      echo "the server's storage must not depend on Asio or Cap'n Proto, found:"; echo "$hits"; failed=1
    fi
  done
  for layer in core crypto; do
    [ -d "$root/$layer/include" ] || continue
    hits=$(grep -rnE "$forbidden_public" "$root/$layer/include" || true)
    if [ -n "$hits" ]; then
      echo "public headers of $layer/ must not name a crypto backend, found:"; echo "$hits"; failed=1
    fi
  done
  return $failed
}

if [ "${1:-}" = "--self-test" ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/protocol/src" "$tmp/crypto/include/parley/crypto"
  echo '#include "parley/core/bytes.h"' > "$tmp/protocol/src/ok.cpp"
  check "$tmp" >/dev/null || { echo "self-test: a clean tree was reported"; exit 1; }
  echo '#include <boost/asio.hpp>' > "$tmp/protocol/src/bad.cpp"
  if check "$tmp" >/dev/null; then echo "self-test: Asio in protocol/ was not caught"; exit 1; fi
  rm "$tmp/protocol/src/bad.cpp"
  echo '#  include <botan/hmac.h>' > "$tmp/crypto/include/parley/crypto/bad.h"
  if check "$tmp" >/dev/null; then echo "self-test: Botan in a public crypto header was not caught"; exit 1; fi
  rm "$tmp/crypto/include/parley/crypto/bad.h"
  mkdir -p "$tmp/transport/src" "$tmp/transport/net/src"
  echo '#include <boost/asio/ip/tcp.hpp>' > "$tmp/transport/net/src/ok.cpp"
  check "$tmp" >/dev/null || { echo "self-test: Asio in transport/net/ was reported"; exit 1; }
  echo '#include <boost/asio/ip/tcp.hpp>' > "$tmp/transport/src/bad.cpp"
  if check "$tmp" >/dev/null; then echo "self-test: Asio in pure transport/ was not caught"; exit 1; fi
  rm "$tmp/transport/src/bad.cpp"
  mkdir -p "$tmp/reference_server/src/store"
  echo '#include <capnp/message.h>' > "$tmp/reference_server/src/store/bad.cpp"
  if check "$tmp" >/dev/null; then echo "self-test: Cap'n Proto in the server's storage was not caught"; exit 1; fi
  echo "self-test: violations are caught"
  exit 0
fi

check "${1:?source dir}"
echo "layering: ok"
