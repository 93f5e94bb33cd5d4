// Generates spec/vectors/crypto-basics.json (spec/test-vectors.md, type crypto-basics). Every
// input is derived from the seed under "<case id>/<field>", so a new case never moves old values.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "generators.h"
#include "parley/conformance/labelled_seed.h"
#include "parley/core/hex.h"
#include "parley/crypto/cipher.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/hkdf.h"
#include "parley/crypto/hmac.h"
#include "parley/crypto/x25519.h"
#include "parley/crypto/xeddsa.h"

namespace parley::conformance::detail {

namespace {

using Json = nlohmann::ordered_json;  // keeps "id" and "kind" first, fields in the spec's order

constexpr std::string_view kSeedName = "parley crypto-basics v1";

Json hex(core::BytesView b) { return core::to_hex(b); }

class Builder {
 public:
  Builder() : seed_(kSeedName) {}

  const LabelledSeed& seed() const { return seed_; }

  core::Bytes value(std::string_view id, std::string_view field, std::size_t length) const {
    return seed_.derive(std::string(id) + "/" + std::string(field), length);
  }

  // A 32-byte X25519 private key, clamped as libsignal stores it.
  core::Bytes private_key(std::string_view id, std::string_view field) const {
    return seed_.x25519_private_key(std::string(id) + "/" + std::string(field));
  }

  Json& add(std::string_view id, std::string_view kind) {
    cases_.push_back(Json{{"id", id}, {"kind", kind}});
    return cases_.back();
  }

  Json take_cases() { return std::move(cases_); }

 private:
  LabelledSeed seed_;
  Json cases_ = Json::array();
};

void add_hashes(Builder& b) {
  for (std::size_t n : {0, 3, 55, 56, 64, 1000}) {  // around SHA-256's 64-byte block padding edges
    const std::string id = "sha256-" + std::to_string(n);
    const auto message = b.value(id, "message", n);
    b.add(id, "sha256").update({{"message", hex(message)}, {"digest", hex(crypto::sha256(message))}});
  }
  for (std::size_t n : {0, 3, 111, 112, 128, 1000}) {  // around SHA-512's 128-byte block
    const std::string id = "sha512-" + std::to_string(n);
    const auto message = b.value(id, "message", n);
    b.add(id, "sha512").update({{"message", hex(message)}, {"digest", hex(crypto::sha512(message))}});
  }
}

void add_hmacs(Builder& b) {
  struct Spec {
    std::string_view id;
    std::size_t key, data, mac;
  };
  // A key longer than the block is hashed first; 8 and 10 bytes are libsignal's and media's tags.
  for (const Spec& s : {Spec{"hmac-sha256-key32", 32, 100, 32}, Spec{"hmac-sha256-key100", 100, 50, 32},
                        Spec{"hmac-sha256-empty-data", 32, 0, 32}, Spec{"hmac-sha256-truncated-8", 32, 64, 8},
                        Spec{"hmac-sha256-truncated-10", 32, 64, 10}}) {
    const auto key = b.value(s.id, "key", s.key);
    const auto data = b.value(s.id, "data", s.data);
    const auto mac = crypto::hmac_sha256(key, data);
    b.add(s.id, "hmac-sha256")
        .update({{"key", hex(key)}, {"data", hex(data)}, {"mac", hex(core::BytesView(mac).first(s.mac))}});
  }
}

core::Result<void> add_hkdfs(Builder& b) {
  struct Spec {
    std::string_view id;
    core::Bytes salt;
    core::Bytes info;
    std::size_t length;
  };
  // The three output lengths the protocol uses: a key, message keys (cipher || mac || iv) and
  // media keys (iv || cipher || mac || ref).
  const std::vector<Spec> specs{
      {"hkdf-32", b.value("hkdf-32", "salt", 32), b.value("hkdf-32", "info", 10), 32},
      {"hkdf-80", core::Bytes(32, 0), core::to_bytes(core::as_bytes("WhisperMessageKeys")), 80},
      {"hkdf-112", core::Bytes{}, core::to_bytes(core::as_bytes("WhatsApp Image Keys")), 112},
  };
  for (const Spec& s : specs) {
    const auto ikm = b.value(s.id, "ikm", 32);
    PARLEY_TRY(const auto okm, crypto::hkdf_sha256(ikm, s.salt, s.info, s.length));
    b.add(s.id, "hkdf")
        .update({{"ikm", hex(ikm)},
                 {"salt", hex(s.salt)},
                 {"info", hex(s.info)},
                 {"length", s.length},
                 {"okm", hex(okm.view())}});
  }
  return {};
}

core::Result<void> add_aes_cbc(Builder& b) {
  for (std::size_t n : {0, 1, 16, 112}) {  // PKCS#7 adds a whole block to 0 and 16
    const std::string id = "aes-256-cbc-" + std::to_string(n);
    const auto key = b.value(id, "key", 32);
    const auto iv = b.value(id, "iv", 16);
    const auto plaintext = b.value(id, "plaintext", n);
    PARLEY_TRY(const auto ciphertext, crypto::aes256_cbc_encrypt(key, iv, plaintext));
    b.add(id, "aes-256-cbc")
        .update({{"key", hex(key)},
                 {"iv", hex(iv)},
                 {"plaintext", hex(plaintext)},
                 {"ciphertext", hex(ciphertext)},
                 {"error", nullptr}});
  }
  // A ciphertext that is not a whole number of blocks must be refused, with the same code as a
  // padding error (no padding oracle).
  const std::string id = "aes-256-cbc-truncated";
  const auto key = b.value(id, "key", 32);
  const auto iv = b.value(id, "iv", 16);
  PARLEY_TRY(auto ciphertext, crypto::aes256_cbc_encrypt(key, iv, b.value(id, "plaintext", 20)));
  ciphertext.pop_back();
  b.add(id, "aes-256-cbc")
      .update({{"key", hex(key)},
               {"iv", hex(iv)},
               {"plaintext", nullptr},
               {"ciphertext", hex(ciphertext)},
               {"error", "decrypt_failed"}});
  return {};
}

core::Result<void> add_aead(Builder& b, std::string_view name, crypto::Aead aead) {
  struct Spec {
    std::string suffix;
    std::size_t plaintext, ad;
  };
  for (const Spec& s : {Spec{"0", 0, 16}, Spec{"64", 64, 33}}) {
    const std::string id = std::string(name) + "-" + s.suffix;
    const auto key = b.value(id, "key", 32);
    const auto nonce = b.value(id, "nonce", 12);
    const auto ad = b.value(id, "ad", s.ad);
    const auto plaintext = b.value(id, "plaintext", s.plaintext);
    PARLEY_TRY(const auto ciphertext, crypto::aead_seal(aead, key, nonce, ad, plaintext));
    b.add(id, name).update({{"key", hex(key)},
                            {"nonce", hex(nonce)},
                            {"ad", hex(ad)},
                            {"plaintext", hex(plaintext)},
                            {"ciphertext", hex(ciphertext)},
                            {"error", nullptr}});
  }
  // One flipped bit in the tag must make the whole message fail to open.
  const std::string id = std::string(name) + "-tampered";
  const auto key = b.value(id, "key", 32);
  const auto nonce = b.value(id, "nonce", 12);
  const auto ad = b.value(id, "ad", 16);
  PARLEY_TRY(auto ciphertext, crypto::aead_seal(aead, key, nonce, ad, b.value(id, "plaintext", 32)));
  ciphertext.back() ^= 0x01;
  b.add(id, name).update({{"key", hex(key)},
                          {"nonce", hex(nonce)},
                          {"ad", hex(ad)},
                          {"plaintext", nullptr},
                          {"ciphertext", hex(ciphertext)},
                          {"error", "decrypt_failed"}});
  return {};
}

core::Result<core::Bytes> public_of(const core::Bytes& private_key) {
  PARLEY_TRY(const auto pair, crypto::x25519_key_pair_from_private(private_key));
  return crypto::serialize_public_key(pair.public_key);
}

core::Result<void> add_x25519(Builder& b) {
  for (std::string_view id : {"x25519-public-key-alice", "x25519-public-key-bob"}) {
    const auto private_key = b.private_key(id, "private");
    PARLEY_TRY(const auto public_key, public_of(private_key));
    b.add(id, "x25519-public-key").update({{"private", hex(private_key)}, {"public", hex(public_key)}});
  }
  const std::string_view id = "x25519-agreement";
  const auto ours = b.private_key(id, "private");
  const auto theirs = b.private_key(id, "peer_private");
  PARLEY_TRY(const auto our_public, public_of(ours));
  PARLEY_TRY(const auto their_public, public_of(theirs));
  PARLEY_TRY(const auto peer, crypto::parse_public_key(their_public));
  PARLEY_TRY(const auto shared, crypto::x25519_agree(core::SecretBytes(ours), peer));
  b.add(id, "x25519-agreement")
      .update({{"private", hex(ours)},
               {"public", hex(our_public)},
               {"peer_private", hex(theirs)},
               {"peer_public", hex(their_public)},
               {"shared_secret", hex(shared.view())}});
  return {};
}

core::Result<void> add_xeddsa_sign(Builder& b) {
  for (std::size_t n : {0, 33, 100}) {  // 33: a signed prekey's serialized public key
    const std::string id = "xeddsa-sign-" + std::to_string(n);
    const auto private_key = b.private_key(id, "private_key");
    const auto message = b.value(id, "message", n);
    const auto random = b.value(id, "random", crypto::kSignatureRandomSize);
    PARLEY_TRY(const auto signature, crypto::xeddsa_sign(core::SecretBytes(private_key), message, random));
    b.add(id, "xeddsa-sign")
        .update({{"private_key", hex(private_key)},
                 {"message", hex(message)},
                 {"random", hex(random)},
                 {"signature", hex(signature)}});
  }
  return {};
}

core::Result<void> add_xeddsa_verify(Builder& b) {
  // Every verify case starts from one signature (values labelled under the valid case) and breaks
  // one thing.
  const std::string_view base = "xeddsa-verify-valid";
  const auto private_key = b.private_key(base, "private_key");
  PARLEY_TRY(const auto public_key, public_of(private_key));
  const auto message = b.value(base, "message", 33);
  const auto random = b.value(base, "random", crypto::kSignatureRandomSize);
  PARLEY_TRY(const auto signed_, crypto::xeddsa_sign(core::SecretBytes(private_key), message, random));
  const core::Bytes signature(signed_.begin(), signed_.end());

  auto add = [&](std::string_view id, const core::Bytes& key, const core::Bytes& msg, const core::Bytes& sig,
                 const char* error) {
    b.add(id, "xeddsa-verify")
        .update({{"public_key", hex(key)},
                 {"message", hex(msg)},
                 {"signature", hex(sig)},
                 {"valid", error == nullptr},
                 {"error", error == nullptr ? Json(nullptr) : Json(error)}});
  };
  add(base, public_key, message, signature, nullptr);

  auto flipped_s = signature;
  flipped_s[40] ^= 0x01;  // inside s, which stays below L
  add("xeddsa-verify-flipped-bit", public_key, message, flipped_s, "bad_signature");

  auto flipped_sign = signature;
  flipped_sign[63] ^= 0x80;  // libsignal's Edwards sign bit: the other key's signature
  add("xeddsa-verify-flipped-sign-bit", public_key, message, flipped_sign, "bad_signature");

  auto flipped_message = message;
  flipped_message[0] ^= 0x01;
  add("xeddsa-verify-flipped-message", public_key, flipped_message, signature, "bad_signature");

  auto wrong_type = public_key;
  wrong_type[0] = 0x06;
  add("xeddsa-verify-wrong-key-type", wrong_type, message, signature, "bad_key");
  return {};
}

core::Result<void> add_parse_public_key(Builder& b) {
  const std::string_view base = "public-key-valid";
  PARLEY_TRY(const auto valid, public_of(b.private_key(base, "private")));
  auto add = [&](std::string_view id, const core::Bytes& key, const char* error) {
    b.add(id, "parse-public-key")
        .update({{"public_key", hex(key)}, {"error", error == nullptr ? Json(nullptr) : Json(error)}});
  };
  add(base, valid, nullptr);
  auto wrong_type = valid;
  wrong_type[0] = 0x06;
  add("public-key-wrong-type", wrong_type, "bad_key");
  add("public-key-32-bytes", core::Bytes(valid.begin() + 1, valid.end()), "bad_key");
  auto longer = valid;
  longer.push_back(0x00);
  add("public-key-34-bytes", longer, "bad_key");
  add("public-key-empty", core::Bytes{}, "bad_key");
  return {};
}

}  // namespace

core::Result<std::string> generate_crypto_basics() {
  Builder b;
  add_hashes(b);
  add_hmacs(b);
  PARLEY_CHECK(add_hkdfs(b));
  PARLEY_CHECK(add_aes_cbc(b));
  PARLEY_CHECK(add_aead(b, "aes-256-gcm", crypto::Aead::aes256_gcm));
  PARLEY_CHECK(add_aead(b, "chacha20-poly1305", crypto::Aead::chacha20_poly1305));
  PARLEY_CHECK(add_x25519(b));
  PARLEY_CHECK(add_xeddsa_sign(b));
  PARLEY_CHECK(add_xeddsa_verify(b));
  PARLEY_CHECK(add_parse_public_key(b));

  return vector_file_text(
      "crypto-basics",
      "Generated by `parley-conformance generate crypto-basics` (spec/test-vectors.md). Every input is "
      "HKDF-SHA256(ikm = seed, salt = empty, info = \"<case id>/<field>\") with seed = SHA-256(\"parley "
      "crypto-basics v1\"); X25519 private keys are then clamped. The verifier recomputes every output from "
      "the inputs. A case whose `error` is not null must fail with that error code.",
      b.seed(), b.take_cases());
}

}  // namespace parley::conformance::detail
