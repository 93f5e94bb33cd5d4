#include "parley/transport/noise/protocol.h"

#include <vector>

#include "parley/transport/noise/limits.h"

namespace parley::transport::noise {

namespace {

std::string_view cipher_name(crypto::Aead a) {
  return a == crypto::Aead::aes256_gcm ? "AESGCM" : "ChaChaPoly";
}

std::string_view hash_name(crypto::NoiseHash h) {
  switch (h) {
    case crypto::NoiseHash::sha256:
      return "SHA256";
    case crypto::NoiseHash::sha512:
      return "SHA512";
    case crypto::NoiseHash::blake2s:
      return "BLAKE2s";
    case crypto::NoiseHash::blake2b:
      return "BLAKE2b";
  }
  return "";
}

core::Error unsupported(std::string_view what, std::string_view value) {
  return core::make_error(core::Errc::unsupported,
                          "Noise " + std::string(what) + " '" + std::string(value) + "'");
}

}  // namespace

std::string Protocol::name() const {
  return "Noise_" + std::string(handshake_pattern(pattern).name) + "_25519_" +
         std::string(cipher_name(cipher)) + "_" + std::string(hash_name(hash));
}

core::Result<Protocol> parse_protocol_name(std::string_view name) {
  if (name.size() > kMaxProtocolNameLength)
    return core::make_error(core::Errc::malformed, "Noise name too long");
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = name.find('_', start);
    parts.push_back(name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (parts.size() != 5 || parts[0] != "Noise")
    return core::make_error(core::Errc::malformed, "not a Noise protocol name: '" + std::string(name) + "'");

  Protocol p;
  PARLEY_TRY(p.pattern, pattern_from_name(parts[1]));
  // A DH name may carry a hybrid "+" part (e.g. 25519+Kyber): not ours either way.
  if (parts[2] != "25519") return unsupported("DH", parts[2]);
  if (parts[3] == "AESGCM") {
    p.cipher = crypto::Aead::aes256_gcm;
  } else if (parts[3] == "ChaChaPoly") {
    p.cipher = crypto::Aead::chacha20_poly1305;
  } else {
    return unsupported("cipher", parts[3]);
  }
  bool found = false;
  for (auto h : {crypto::NoiseHash::sha256, crypto::NoiseHash::sha512, crypto::NoiseHash::blake2s,
                 crypto::NoiseHash::blake2b}) {
    if (hash_name(h) == parts[4]) {
      p.hash = h;
      found = true;
    }
  }
  if (!found) return unsupported("hash", parts[4]);
  return p;
}

}  // namespace parley::transport::noise
