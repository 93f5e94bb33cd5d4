// Entropy: the only way randomness enters Parley (spec §2.4). State machines take an Entropy& so
// that a vector, a RapidCheck counterexample or a fuzz crash replays exactly with ScriptedEntropy.
#pragma once

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

}  // namespace parley::crypto
