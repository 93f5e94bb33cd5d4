// Entropy: the only way randomness enters Parley (spec §2.4). State machines take an Entropy& so
// that a vector, a RapidCheck counterexample or a fuzz crash replays exactly with ScriptedEntropy.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::crypto {

class Entropy {
 public:
  virtual ~Entropy() = default;
  // Fills `out` completely or fails; a partial fill is never reported as success.
  virtual core::Result<void> fill(std::span<std::uint8_t> out) = 0;
};

// The operating system's CSPRNG (getrandom via libsodium).
class SystemEntropy final : public Entropy {
 public:
  core::Result<void> fill(std::span<std::uint8_t> out) override;
};

// Replays a fixed byte script in order; running out is `entropy_exhausted`, so a vector that
// under-supplies randomness fails loudly instead of silently reading zeros.
class ScriptedEntropy final : public Entropy {
 public:
  explicit ScriptedEntropy(core::Bytes script) : script_(std::move(script)) {}
  core::Result<void> fill(std::span<std::uint8_t> out) override;
  std::size_t remaining() const { return script_.size() - offset_; }

 private:
  core::Bytes script_;
  std::size_t offset_ = 0;
};

// A deterministic stream, SHA-256(seed || counter) blocks (both little-endian 64-bit): for tests,
// simulations and benchmarks that need many random-looking keys that replay from one number.
// Never for real keys: anyone who knows the seed knows every byte.
class StreamEntropy final : public Entropy {
 public:
  explicit StreamEntropy(std::uint64_t seed) : seed_(seed) {}
  core::Result<void> fill(std::span<std::uint8_t> out) override {
    fill_bytes(out.data(), out.size());
    return {};
  }
  void fill_bytes(void* out, std::size_t n);

 private:
  void refill();
  std::uint64_t seed_;
  std::uint64_t counter_ = 0;
  std::array<std::uint8_t, 32> block_{};
  std::size_t used_ = 32;
};

}  // namespace parley::crypto
