// Shared by the crypto benchmarks: inputs drawn once outside the timed loop, and the label that
// marks the direct call a Parley wrapper rests on (bench/bench_table.py computes ratios to it).
#pragma once

#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "parley/core/bytes.h"

namespace parley::bench {

// The label of the direct-library benchmark that a `parley` benchmark of the same operation wraps.
inline constexpr const char* kBackendLabel = "backend";

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
