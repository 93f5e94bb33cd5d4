// Generates spec/vectors/session-negative.json (spec/test-vectors.md §3.13): bytes in, expected
// error out. Each case is built from one recorded exchange, altered, and checked here to fail with
// the error it is meant to show before it is written.
#include "../session_negative.h"

#include <nlohmann/json.hpp>

#include "generators.h"
#include "parley/core/hex.h"
#include "parley/protocol/limits.h"
#include "parley/wire/libsignal_codec.h"

namespace parley::conformance::detail {

namespace {

using Json = nlohmann::ordered_json;
using core::Errc;
constexpr std::string_view kSeedName = "parley session-negative v1";
constexpr std::string_view kCaseKeys = "session-negative";  // all cases share the parties' keys

struct Planned {
  std::string id;
  NegativeCase c;
  Errc expected;
};

Json message_json(const WireMessage& m) {
  return Json{{"type", message_type_name(m.type)}, {"message", core::to_hex(m.wire)}};
}

// Alice's first message, with its fields changed and re-encoded.
template <typename Change>
core::Result<WireMessage> altered_prekey_message(const core::Bytes& wire, Change change) {
  const wire::LibsignalCodec codec;
  PARLEY_TRY(auto m, codec.decode_prekey_message(wire));
  change(m);
  return WireMessage{protocol::MessageType::prekey, codec.encode_prekey_message(m)};
}

core::Result<std::vector<Planned>> plan(const LabelledSeed& seed, const SessionParties& parties) {
  const std::string keys(kCaseKeys);
  PARLEY_TRY(auto conversation, Conversation::start(parties));
  PARLEY_TRY(auto a0, conversation.send(Party::alice, core::as_bytes("a0")));
  crypto::ScriptedEntropy bob_entropy(seed.derive(keys + "/bob-ratchet", 32));
  PARLEY_CHECK(conversation.deliver(0, bob_entropy));
  // b0 .. b(kMaxForwardJump + 1): Alice, having read b0, is at counter 1, so the last is one past the jump
  // limit.
  std::vector<WireMessage> from_bob;
  for (std::uint32_t i = 0; i <= protocol::kMaxForwardJump + 2; ++i) {
    PARLEY_TRY(auto m, conversation.send(Party::bob, core::as_bytes("b" + std::to_string(i))));
    from_bob.push_back({m.type, m.wire});
  }
  const auto alice_entropy = seed.derive(keys + "/alice-receiver-entropy", 32);
  const WireMessage a0_prekey{a0.type, a0.wire};
  const WireMessage b0 = from_bob.front();

  auto for_alice = [&](std::string id, std::vector<WireMessage> history, WireMessage m, Errc e) {
    return Planned{std::move(id), {Party::alice, alice_entropy, std::move(history), std::move(m)}, e};
  };
  auto for_bob = [&](std::string id, WireMessage m, Errc e) {
    return Planned{std::move(id), {Party::bob, seed.derive(keys + "/bob-ratchet", 32), {}, std::move(m)}, e};
  };
  auto changed = [](WireMessage m, std::size_t at, std::uint8_t value) {
    m.wire[at] = value;
    return m;
  };

  std::vector<Planned> out;
  WireMessage bad_mac = b0;
  bad_mac.wire.back() ^= 0x01;
  out.push_back(for_alice("bad-mac", {}, bad_mac, Errc::decrypt_failed));
  WireMessage truncated = b0;
  truncated.wire.resize(truncated.wire.size() / 2);
  out.push_back(for_alice("truncated", {}, truncated, Errc::malformed));
  out.push_back(for_alice("empty", {}, WireMessage{protocol::MessageType::whisper, {}}, Errc::malformed));
  out.push_back(for_alice("version-2", {}, changed(b0, 0, 0x23), Errc::unsupported_version));
  out.push_back(for_alice("version-4", {}, changed(b0, 0, 0x43), Errc::unsupported_version));
  // Byte 3 is the key type byte of the ratchet key (version, field tag, length, then the key).
  out.push_back(for_alice("ratchet-key-wrong-type", {}, changed(b0, 3, 0x06), Errc::bad_key));
  out.push_back(for_alice("duplicate", {b0}, b0, Errc::duplicate_message));
  out.push_back(for_alice("too-far-in-future", {b0}, from_bob.back(), Errc::too_far_in_future));

  PARLEY_TRY(auto unknown_one_time, altered_prekey_message(a0.wire, [](protocol::PreKeySignalMessage& m) {
               m.prekey_id = protocol::PreKeyId{999};
             }));
  out.push_back(for_bob("unknown-one-time-prekey", unknown_one_time, Errc::unknown_prekey));
  PARLEY_TRY(auto unknown_signed, altered_prekey_message(a0.wire, [](protocol::PreKeySignalMessage& m) {
               m.signed_prekey_id = protocol::SignedPreKeyId{999};
             }));
  out.push_back(for_bob("unknown-signed-prekey", unknown_signed, Errc::unknown_prekey));
  PARLEY_TRY(auto forged_inner, altered_prekey_message(a0.wire, [](protocol::PreKeySignalMessage& m) {
               m.message.back() ^= 0x01;
             }));
  out.push_back(for_bob("forged-first-message-burns-no-prekey", forged_inner, Errc::decrypt_failed));
  PARLEY_TRY(auto inner, altered_prekey_message(a0.wire, [](protocol::PreKeySignalMessage&) {}));
  {
    const wire::LibsignalCodec codec;
    PARLEY_TRY(auto m, codec.decode_prekey_message(inner.wire));
    out.push_back(
        for_bob("no-session", WireMessage{protocol::MessageType::whisper, m.message}, Errc::no_session));
  }
  return out;
}

}  // namespace

core::Result<std::string> generate_session_negative() {
  const LabelledSeed seed(kSeedName);
  PARLEY_TRY(auto parties, SessionParties::derive(seed, std::string(kCaseKeys), true));
  PARLEY_TRY(auto planned, plan(seed, parties));
  Json cases = Json::array();
  for (const auto& p : planned) {
    const core::Error error = run_negative(parties, p.c);
    if (error.code != p.expected)
      return core::make_error(Errc::internal, "case " + p.id + " fails with " + core::to_string(error) +
                                                  ", meant " + std::string(core::errc_name(p.expected)));
    Json c{{"id", p.id}};
    parties.write(c);
    c["receiver"] = party_name(p.c.receiver);
    c["receiver_entropy"] = core::to_hex(p.c.receiver_entropy);
    Json history = Json::array();
    for (const auto& m : p.c.history) history.push_back(message_json(m));
    c["history"] = std::move(history);
    c["message_type"] = message_type_name(p.c.message.type);
    c["message"] = core::to_hex(p.c.message.wire);
    c["error"] = core::errc_name(p.expected);
    cases.push_back(std::move(c));
  }
  return vector_file_text(
      "session-negative",
      "Generated by `parley-conformance generate session-negative` (spec/test-vectors.md). One pair of "
      "parties "
      "(keys from HKDF-SHA256(ikm = seed, info = \"session-negative/<label>\"), seed = SHA-256(\"parley "
      "session-negative v1\")). The receiver (alice: just after starting her session from Bob's bundle; bob: "
      "with "
      "only his keys) takes `history`, which must decrypt, then `message`, which must fail with `error` and "
      "change "
      "nothing. Messages use libsignal's wire layout.",
      seed, std::move(cases));
}

}  // namespace parley::conformance::detail
