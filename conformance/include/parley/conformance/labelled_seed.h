// Labelled derivation of generated vector values (spec/test-vectors.md, "Generated values"):
// every value comes from the file's seed and its own label, never from call order, so adding a
// case or a field never changes another value.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parley/core/bytes.h"

namespace parley::conformance {

class LabelledSeed {
 public:
  // seed = SHA-256(name), e.g. name = "parley crypto-basics v1".
  explicit LabelledSeed(std::string_view name);

  const std::array<std::uint8_t, 32>& seed() const { return seed_; }

  // HKDF-SHA256(ikm = seed, salt = empty, info = label, length); an empty result for length 0.
  // By convention label = "<case id>/<field>". `length` is at most 8160 (HKDF's cap).
  core::Bytes derive(std::string_view label, std::size_t length) const;

  // A 32-byte X25519 private key: derive(label, 32), clamped (spec/test-vectors.md §1.3).
  core::Bytes x25519_private_key(std::string_view label) const;

 private:
  std::array<std::uint8_t, 32> seed_;
};

}  // namespace parley::conformance
