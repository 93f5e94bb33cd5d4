// Deterministic randomness for the session benchmarks: every run draws the same keys, so two runs
// (and the implementations within one run) do the same work. The same idea as the session tests'
// StreamEntropy (tests/session_fixture.h), kept here because bench/ does not include tests/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "parley/core/bytes.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/hash.h"

namespace parley::bench {

// SHA-256(seed || counter) blocks. Parley draws its keys through it as an Entropy, and the peers'
// random-byte arguments are filled from it too, so both sides pay the same for their randomness.
class StreamEntropy final : public crypto::Entropy {
 public:
  explicit StreamEntropy(std::uint64_t seed) : seed_(seed) {}

  core::Result<void> fill(std::span<std::uint8_t> out) override {
    fill_bytes(out.data(), out.size());
    return {};
  }

  void fill_bytes(void* out, std::size_t n) {
    auto* p = static_cast<std::uint8_t*>(out);
    for (std::size_t i = 0; i < n; ++i) {
      if (used_ == block_.size()) refill();
      p[i] = block_[used_++];
    }
  }

 private:
  void refill() {
    std::uint8_t input[16];
    for (int i = 0; i < 8; ++i) input[i] = static_cast<std::uint8_t>(seed_ >> (8 * i));
    for (int i = 0; i < 8; ++i) input[8 + i] = static_cast<std::uint8_t>(counter_ >> (8 * i));
    ++counter_;
    block_ = crypto::sha256(core::BytesView(input, sizeof input));
    used_ = 0;
  }

  std::uint64_t seed_;
  std::uint64_t counter_ = 0;
  crypto::Sha256Digest block_{};
  std::size_t used_ = block_.size();
};

}  // namespace parley::bench
