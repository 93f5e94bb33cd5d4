// Type `noise` (spec/test-vectors.md §3.14): the standard Noise vector files, cacophony/snow format
// (`protocol_name`) and noise-c's older one (`name`/`pattern`/`dh`/`cipher`/`hash`, with its
// `fallback: true` extension: IK that the responder cannot read, then XXfallback). Both roles run
// in this process; every ciphertext, every decrypted payload and the handshake hash are checked.
// Messages alternate between the two parties, starting with the one that writes first, through
// the handshake and the transport phase alike (the noise_wiki convention).
#include <array>
#include <optional>
#include <string>

#include "checks.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/transport/noise/handshake_state.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

namespace noise = transport::noise;

struct Party {
  std::string label;  // "initiator"/"responder" as the vector names them ("init_"/"resp_")
  noise::HandshakeState handshake;
  crypto::ScriptedEntropy entropy;
  std::optional<noise::TransportCiphers> transport;
};

// The protocol name of either format; noise-c may give only its parts.
core::Result<std::string> protocol_name(const Case& c) {
  if (c.has("protocol_name")) return c.string("protocol_name");
  std::string name = "Noise";
  for (const char* part : {"pattern", "dh", "cipher", "hash"}) {
    PARLEY_TRY(const auto value, c.string(part));
    name += "_" + value;
  }
  return name;
}

core::Result<std::optional<crypto::X25519KeyPair>> key_pair(const Case& c, const char* field) {
  PARLEY_TRY(const auto bytes, c.optional_bytes(field));
  if (!bytes) return std::optional<crypto::X25519KeyPair>{};
  auto pair = crypto::x25519_key_pair_from_private(*bytes);
  if (!pair) return c.field_error(field, "not a 32-byte X25519 private key");
  return std::optional<crypto::X25519KeyPair>(std::move(pair).value());
}

core::Result<std::optional<crypto::X25519PublicKey>> public_key(const Case& c, const char* field) {
  PARLEY_TRY(const auto bytes, c.optional_bytes(field));
  if (!bytes) return std::optional<crypto::X25519PublicKey>{};
  if (bytes->size() != crypto::kX25519KeySize) return c.field_error(field, "not a 32-byte X25519 public key");
  crypto::X25519PublicKey key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return std::optional<crypto::X25519PublicKey>(key);
}

// One side's Initialize() from its "<prefix>_" fields. A side without a fixed ephemeral gets an
// empty script, so a pattern that needs one fails loudly (entropy_exhausted).
core::Result<Party> make_party(const Case& c, const noise::Protocol& protocol, noise::Role role) {
  const std::string prefix = role == noise::Role::initiator ? "init_" : "resp_";
  auto field = [&](const char* name) { return prefix + name; };
  noise::HandshakeConfig config;
  config.protocol = protocol;
  config.role = role;
  PARLEY_TRY(config.prologue, c.bytes(field("prologue")));
  PARLEY_TRY(config.local_static, key_pair(c, field("static").c_str()));
  PARLEY_TRY(config.remote_static, public_key(c, field("remote_static").c_str()));
  PARLEY_TRY(const auto ephemeral, c.optional_bytes(field("ephemeral")));
  auto handshake = noise::HandshakeState::initialize(config);
  if (!handshake) return c.field_error(field("static"), "Initialize: " + core::to_string(handshake.error()));
  return Party{role == noise::Role::initiator ? "initiator" : "responder", std::move(handshake).value(),
               crypto::ScriptedEntropy(ephemeral.value_or(core::Bytes{})), std::nullopt};
}

// Sends message `index` from `sender` to `receiver` and checks both ends.
Outcome exchange(Party& sender, Party& receiver, const Case& message, std::size_t index) {
  const std::string where = "message " + std::to_string(index) + " (" + sender.label + ")";
  auto payload = message.bytes("payload");
  auto ciphertext = message.bytes("ciphertext");
  if (!payload || !ciphertext) return Outcome::fail(where + ": missing payload or ciphertext");

  core::Result<core::Bytes> written = core::Bytes{};
  core::Result<core::Bytes> read = core::Bytes{};
  if (!sender.handshake.is_finished()) {
    if (!sender.handshake.is_my_turn())
      return Outcome::fail(where + ": the handshake expects the other side");
    written = sender.handshake.write_message(*payload, sender.entropy);
    if (!written) return unexpected_error(where + " WriteMessage", written.error());
    if (auto o = compare(where + " ciphertext", *ciphertext, *written); failed(o)) return o;
    read = receiver.handshake.read_message(*written);
    if (!read) return unexpected_error(where + " ReadMessage", read.error());
  } else {
    written = sender.transport->send.encrypt_with_ad({}, *payload);
    if (!written) return unexpected_error(where + " EncryptWithAd", written.error());
    if (auto o = compare(where + " ciphertext", *ciphertext, *written); failed(o)) return o;
    read = receiver.transport->receive.decrypt_with_ad({}, *written);
    if (!read) return unexpected_error(where + " DecryptWithAd", read.error());
  }
  return compare(where + " payload", *payload, *read);
}

// After the last handshake message: Split() on both sides and the handshake hash.
core::Result<Outcome> finish(const Case& c, Party& a, Party& b) {
  auto split_a = a.handshake.split();
  auto split_b = b.handshake.split();
  if (!split_a) return unexpected_error(a.label + " Split", split_a.error());
  if (!split_b) return unexpected_error(b.label + " Split", split_b.error());
  a.transport = std::move(split_a).value();
  b.transport = std::move(split_b).value();
  if (auto o = compare("handshake hash (responder vs initiator)", a.handshake.handshake_hash(),
                       b.handshake.handshake_hash());
      failed(o))
    return o;
  PARLEY_TRY(const auto expected, c.optional_bytes("handshake_hash"));
  if (expected) return compare("handshake_hash", *expected, a.handshake.handshake_hash());
  return Outcome::pass();
}

// Messages `first`.. alternate starting with parties[first % 2].
core::Result<Outcome> run_messages(const Case& c, const std::vector<Case>& messages, std::size_t first,
                                   std::array<Party*, 2> parties) {
  for (std::size_t i = first; i < messages.size(); ++i) {
    Party& sender = *parties[i % 2];
    Party& receiver = *parties[(i + 1) % 2];
    if (auto o = exchange(sender, receiver, messages[i], i); failed(o)) return o;
    if (!sender.transport && sender.handshake.is_finished() && receiver.handshake.is_finished()) {
      PARLEY_TRY(auto o, finish(c, sender, receiver));
      if (failed(o)) return o;
    }
  }
  if (!parties[0]->transport) return Outcome::fail("the messages end before the handshake does");
  return Outcome::pass();
}

// noise-c's fallback vectors: Alice's IK message 0 carries a wrong responder key, so Bob's read
// must fail; both then switch to XXfallback with the roles reversed (rev 34 §10.2).
core::Result<Outcome> run_fallback(const Case& c, const std::vector<Case>& messages, Party& alice,
                                   Party& bob) {
  if (messages.empty()) return c.field_error("messages", "a fallback vector needs the IK message");
  PARLEY_TRY(const auto payload, messages[0].bytes("payload"));
  PARLEY_TRY(const auto ciphertext, messages[0].bytes("ciphertext"));
  auto written = alice.handshake.write_message(payload, alice.entropy);
  if (!written) return unexpected_error("message 0 (initiator) IK WriteMessage", written.error());
  if (auto o = compare("message 0 (initiator) ciphertext", ciphertext, *written); failed(o)) return o;
  if (auto read = bob.handshake.read_message(*written); read.ok())
    return Outcome::fail("message 0: the responder read an IK message meant to fail");

  auto alice_fallback = alice.handshake.fallback({});
  auto bob_fallback = bob.handshake.fallback(*written);
  if (!alice_fallback) return unexpected_error("initiator fallback", alice_fallback.error());
  if (!bob_fallback) return unexpected_error("responder fallback", bob_fallback.error());
  alice.handshake = std::move(alice_fallback).value();
  bob.handshake = std::move(bob_fallback).value();
  return run_messages(c, messages, 1, {&alice, &bob});
}

// snow writes `init_psks` and `resp_psks` on every vector, empty when the pattern takes no psk:
// an empty list is a plain handshake and runs. Keys in the list (or noise-c's older single
// `init_psk`/`resp_psk`) need the psk modifiers, which Parley does not implement (spec §6.1).
core::Result<bool> uses_psk(const Case& c) {
  for (const char* psk : {"init_psk", "resp_psk"})
    if (c.has(psk)) return true;
  for (const char* psks : {"init_psks", "resp_psks"}) {
    if (!c.has(psks)) continue;
    PARLEY_TRY(const auto keys, c.bytes_list(psks));
    if (!keys.empty()) return true;
  }
  return false;
}

}  // namespace

core::Result<Outcome> verify_noise(const Case& c) {
  PARLEY_TRY(const bool psk, uses_psk(c));
  if (psk) return Outcome::skip("unsupported: psk");
  // noise-c's SSK extension mixes an extra secret into Split(): not part of Noise rev 34.
  if (c.has("init_ssk") || c.has("resp_ssk")) return Outcome::skip("unsupported: noise-c SSK");
  PARLEY_TRY(const auto name, protocol_name(c));
  auto protocol = noise::parse_protocol_name(name);
  if (!protocol) {
    if (protocol.code() == core::Errc::unsupported)
      return Outcome::skip("unsupported: " + protocol.error().detail);
    return c.field_error("protocol_name", protocol.error().detail);
  }
  bool fallback = false;
  if (c.has("fallback")) {
    PARLEY_TRY(fallback, c.boolean("fallback"));
  }
  if (fallback && protocol->pattern != noise::PatternId::ik)
    return Outcome::skip("unsupported: noise-c fallback from a pattern other than IK");
  // XXfallback on its own needs the IK attempt that precedes it, which only the fallback form has.
  if (protocol->pattern == noise::PatternId::xx_fallback)
    return Outcome::skip("unsupported: XXfallback outside a fallback vector");

  PARLEY_TRY(auto initiator, make_party(c, *protocol, noise::Role::initiator));
  PARLEY_TRY(auto responder, make_party(c, *protocol, noise::Role::responder));
  PARLEY_TRY(const auto messages, children(c, "messages"));
  if (fallback) return run_fallback(c, messages, initiator, responder);
  return run_messages(c, messages, 0, {&initiator, &responder});
}

}  // namespace parley::conformance::detail
