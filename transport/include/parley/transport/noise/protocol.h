// A Noise protocol name, "Noise_<pattern>_<dh>_<cipher>_<hash>" (rev 34 §8), limited to what
// Parley implements: patterns NN, XX, IK, XXfallback; DH 25519; ciphers AESGCM, ChaChaPoly;
// hashes SHA256, SHA512, BLAKE2s, BLAKE2b.
#pragma once

#include <string>
#include <string_view>

#include "parley/core/error.h"
#include "parley/crypto/cipher.h"
#include "parley/crypto/noise_hashes.h"
#include "parley/transport/noise/pattern.h"

namespace parley::transport::noise {

struct Protocol {
  PatternId pattern = PatternId::xx;
  crypto::Aead cipher = crypto::Aead::aes256_gcm;
  crypto::NoiseHash hash = crypto::NoiseHash::sha256;

  std::string name() const;
  friend bool operator==(const Protocol&, const Protocol&) = default;
};

// Anything well-formed but outside the list above (448, psk, one-way patterns) is `unsupported`;
// a string that is not a Noise name at all is `malformed`.
core::Result<Protocol> parse_protocol_name(std::string_view name);

}  // namespace parley::transport::noise
