#include "parley/transport/noise/symmetric_state.h"

#include <array>
#include <vector>

#include "parley/crypto/noise_hashes.h"
#include "parley/transport/noise/limits.h"

namespace parley::transport::noise {

namespace {

// HKDF(ck, ikm, n) of rev 34 §4.3: RFC 5869 with ck as the salt and empty info.
std::vector<core::SecretBytes> hkdf(crypto::NoiseHash hash, core::BytesView chaining_key,
                                    core::BytesView input_key_material, std::size_t outputs) {
  const core::SecretBytes temp_key(crypto::noise_hmac(hash, chaining_key, input_key_material));
  std::vector<core::SecretBytes> out;
  core::Bytes previous;
  for (std::size_t i = 1; i <= outputs; ++i) {
    const std::array<std::uint8_t, 1> counter{static_cast<std::uint8_t>(i)};
    previous = crypto::noise_hmac(hash, temp_key.view(), core::concat(previous, counter));
    out.emplace_back(previous);
  }
  core::secure_zero(previous.data(), previous.size());
  return out;
}

// With HASHLEN 64 only cipher keys are truncated, to 32 bytes (§5.2).
core::Key32 cipher_key(const core::SecretBytes& output) {
  return core::Key32(output.view().first(kCipherKeyLength));
}

}  // namespace

SymmetricState::SymmetricState(const Protocol& protocol) : protocol_(protocol), cipher_(protocol.cipher) {
  const std::string name = protocol.name();
  const std::size_t hash_len = crypto::hash_length(protocol.hash);
  if (name.size() <= hash_len) {
    h_.assign(name.begin(), name.end());
    h_.resize(hash_len, 0);
  } else {
    h_ = crypto::noise_hash(protocol.hash, {core::as_bytes(name)});
  }
  ck_ = core::SecretBytes(h_);
}

void SymmetricState::mix_key(core::BytesView input_key_material) {
  auto out = hkdf(protocol_.hash, ck_.view(), input_key_material, 2);
  ck_ = std::move(out[0]);
  cipher_.initialize_key(cipher_key(out[1]));
}

void SymmetricState::mix_hash(core::BytesView data) { h_ = crypto::noise_hash(protocol_.hash, {h_, data}); }

void SymmetricState::mix_key_and_hash(core::BytesView input_key_material) {
  auto out = hkdf(protocol_.hash, ck_.view(), input_key_material, 3);
  ck_ = std::move(out[0]);
  mix_hash(out[1].view());
  cipher_.initialize_key(cipher_key(out[2]));
}

core::Result<core::Bytes> SymmetricState::encrypt_and_hash(core::BytesView plaintext) {
  PARLEY_TRY(auto ciphertext, cipher_.encrypt_with_ad(h_, plaintext));
  mix_hash(ciphertext);
  return ciphertext;
}

core::Result<core::Bytes> SymmetricState::decrypt_and_hash(core::BytesView ciphertext) {
  PARLEY_TRY(auto plaintext, cipher_.decrypt_with_ad(h_, ciphertext));
  mix_hash(ciphertext);
  return plaintext;
}

std::pair<CipherState, CipherState> SymmetricState::split() const {
  const auto out = hkdf(protocol_.hash, ck_.view(), {}, 2);
  CipherState c1(protocol_.cipher);
  CipherState c2(protocol_.cipher);
  c1.initialize_key(cipher_key(out[0]));
  c2.initialize_key(cipher_key(out[1]));
  return {std::move(c1), std::move(c2)};
}

}  // namespace parley::transport::noise
