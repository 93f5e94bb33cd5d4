#!/usr/bin/env bash
# Installs the Debian 12 packages Parley needs, only those that are missing.
# One list for every issue: later work appends its packages here.
set -euo pipefail

packages=(
  build-essential g++ cmake ninja-build ccache pkg-config make git
  libbotan-2-dev libsodium-dev libb2-dev
  capnproto libcapnp-dev
  libboost-dev
  librapidcheck-dev libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libqrencode-dev libpng-dev
  zbar-tools tmux
  clang-14 libclang-rt-14-dev llvm-14
  spin
  libsignal-protocol-c-dev libolm-dev
  libturbojpeg0-dev libchafa-dev libglib2.0-dev libjpeg-turbo-progs sox
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
