// Type `crypto-basics`: our own generated file, one case per primitive use (spec/test-vectors.md).
// Kinds that exist as types of their own (hkdf, hmac-sha256, xeddsa-*) reuse those checks; the
// hash, cipher and key-parsing kinds are checked here.
#include <functional>
#include <string_view>

#include "checks.h"
#include "parley/crypto/cipher.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/x25519.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

template <typename Digest>
core::Result<Outcome> verify_hash(const Case& c, Digest (*hash)(core::BytesView)) {
  PARLEY_TRY(const auto message, c.bytes("message"));
  PARLEY_TRY(const auto digest, c.bytes("digest"));
  return compare("digest", digest, hash(message));
}

using Seal = std::function<core::Result<core::Bytes>(core::BytesView plaintext)>;
using Open = std::function<core::Result<core::Bytes>(core::BytesView ciphertext)>;

// A positive case (plaintext given, error null) must encrypt to ciphertext and decrypt back; a
// negative case (plaintext null) must fail to decrypt with the case's error.
core::Result<Outcome> check_cipher(const Case& c, const Seal& seal, const Open& open) {
  PARLEY_TRY(const auto plaintext, c.optional_bytes("plaintext"));
  PARLEY_TRY(const auto ciphertext, c.bytes("ciphertext"));
  PARLEY_TRY(const auto error, c.optional_errc("error"));
  if (plaintext.has_value() == error.has_value())
    return c.field_error("error", "exactly one of plaintext and error must be null");

  if (!plaintext) {
    auto opened = open(ciphertext);
    if (opened)
      return Outcome::fail("decrypted, but the case expects " + std::string(core::errc_name(*error)));
    return judge_expected_error(c, opened.error());
  }
  auto sealed = seal(*plaintext);
  if (!sealed) return unexpected_error("encryption", sealed.error());
  if (auto o = compare("ciphertext", ciphertext, *sealed); failed(o)) return o;
  auto opened = open(ciphertext);
  if (!opened) return unexpected_error("decryption", opened.error());
  return compare("decrypted plaintext", *plaintext, *opened);
}

core::Result<Outcome> verify_aes_cbc(const Case& c) {
  PARLEY_TRY(const auto key, c.bytes("key"));
  PARLEY_TRY(const auto iv, c.bytes("iv"));
  return check_cipher(
      c, [&](core::BytesView p) { return crypto::aes256_cbc_encrypt(key, iv, p); },
      [&](core::BytesView x) { return crypto::aes256_cbc_decrypt(key, iv, x); });
}

core::Result<Outcome> verify_aead(const Case& c, crypto::Aead aead) {
  PARLEY_TRY(const auto key, c.bytes("key"));
  PARLEY_TRY(const auto nonce, c.bytes("nonce"));
  PARLEY_TRY(const auto ad, c.bytes("ad"));
  return check_cipher(
      c, [&](core::BytesView p) { return crypto::aead_seal(aead, key, nonce, ad, p); },
      [&](core::BytesView x) { return crypto::aead_open(aead, key, nonce, ad, x); });
}

// A valid key (error null) parses and serializes back to the same 33 bytes; an invalid one is
// rejected with the case's error.
core::Result<Outcome> verify_parse_public_key(const Case& c) {
  PARLEY_TRY(const auto serialized, c.bytes("public_key"));
  PARLEY_TRY(const auto error, c.optional_errc("error"));
  auto parsed = crypto::parse_public_key(serialized);
  if (!parsed) return judge_expected_error(c, parsed.error());
  if (error) return Outcome::fail("parsed, but the case expects " + std::string(core::errc_name(*error)));
  return compare("reserialized public_key", serialized, crypto::serialize_public_key(*parsed));
}

struct Kind {
  std::string_view name;
  std::function<core::Result<Outcome>(const Case&)> verify;
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> table{
      {"sha256", [](const Case& c) { return verify_hash(c, &crypto::sha256); }},
      {"sha512", [](const Case& c) { return verify_hash(c, &crypto::sha512); }},
      {"hmac-sha256", verify_hmac_sha256},
      {"hkdf", verify_hkdf},
      {"aes-256-cbc", verify_aes_cbc},
      {"aes-256-gcm", [](const Case& c) { return verify_aead(c, crypto::Aead::aes256_gcm); }},
      {"chacha20-poly1305", [](const Case& c) { return verify_aead(c, crypto::Aead::chacha20_poly1305); }},
      {"x25519-public-key", verify_x25519_public_key},
      {"x25519-agreement", verify_x25519_agreement},
      {"xeddsa-sign", verify_xeddsa_sign},
      {"xeddsa-verify", verify_xeddsa_verify},
      {"parse-public-key", verify_parse_public_key},
  };
  return table;
}

}  // namespace

core::Result<Outcome> verify_crypto_basics(const Case& c) {
  PARLEY_TRY(const auto kind, c.string("kind"));
  for (const Kind& k : kinds())
    if (k.name == kind) return k.verify(c);
  return unsupported_kind(kind);
}

}  // namespace parley::conformance::detail
