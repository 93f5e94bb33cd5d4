// Shared by the benchmark programs: inputs drawn once outside the timed loop, and the labels that
// mark the row bench/bench_table.py computes an operation's ratios to.
#pragma once

#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "parley/core/bytes.h"

namespace parley::bench {

// The label of the direct-library benchmark that a `parley` benchmark of the same operation wraps.
inline constexpr const char* kBackendLabel = "backend";
// The label of a peer that is not what Parley wraps but the floor the issue measures it against
// (the X25519 work of a handshake, the raw cipher under the transport). Such a row carries the
// largest allowed ratio of `parley` to it as the counter kMaxRatioCounter.
inline constexpr const char* kPeerLabel = "peer";
inline constexpr const char* kMaxRatioCounter = "max_ratio";

// libsodium must be initialized before randombytes or any group operation.
inline void ensure_sodium() {
  static const int rc = sodium_init();
  (void)rc;
}

inline core::Bytes random_bytes(std::size_t n) {
  ensure_sodium();
  core::Bytes out(n);
  randombytes_buf(out.data(), out.size());
  return out;
}

template <std::size_t N>
std::array<std::uint8_t, N> random_array() {
  ensure_sodium();
  std::array<std::uint8_t, N> out;
  randombytes_buf(out.data(), out.size());
  return out;
}

}  // namespace parley::bench
