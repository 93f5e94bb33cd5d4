// Generates spec/vectors/signal-sender-key.json (spec/test-vectors.md §3.21): sender-key
// conversations in the step format of libsignal's recorded file, covering what that sample does
// not: every error kind a step can reach, out-of-order and late messages, each limit at N and
// N + 1, processing a distribution message again, a replaced signing key and a rekey. Signatures
// come from labelled randomness (`signature_random`), so verifiers reproduce them byte for byte.
#include <nlohmann/json.hpp>

#include "../sender_key_world.h"
#include "generators.h"
#include "parley/core/hex.h"
#include "parley/crypto/hash.h"
#include "parley/protocol/groups/distribution_id.h"
#include "parley/protocol/limits.h"
#include "parley/wire/sender_key_record_codec.h"

namespace parley::conformance::detail {

namespace {

using Json = nlohmann::ordered_json;
constexpr std::string_view kSeedName = "parley signal-sender-key v1";
constexpr std::size_t kMaxRecordHex = 4096;       // larger records are given by length and SHA-256
constexpr std::size_t kMaxListedIterations = 32;  // longer key lists are left to the SHA-256
const std::string kAlice = "alice.1";

class Script {
 public:
  Script(const LabelledSeed& seed, std::string id, std::string description)
      : seed_(seed), id_(std::move(id)), description_(std::move(description)) {
    distribution_ = *groups::parse_distribution_id("7b1c8a52-0d3e-4f61-a9b2-5c4d3e2f1a0b");
  }

  core::Bytes create(const std::string& label) {
    const auto chain_id = seed_.derive(id_ + "/" + label + "/chain_id", 4);
    const auto chain_key = seed_.derive(id_ + "/" + label + "/chain_key", 32);
    const auto signing = seed_.x25519_private_key(id_ + "/" + label + "/signing_key");
    crypto::ScriptedEntropy entropy(core::concat(chain_id, chain_key, signing));
    auto made = world_.create_distribution(kAlice, distribution_, entropy);
    if (!made) return fail(made.error()), core::Bytes{};
    const auto& s = made->record.states.front();
    const auto message = world_.codec().encode_distribution(made->message);
    steps_.push_back({{"op", "create_distribution"},
                      {"label", label},
                      {"sender", kAlice},
                      {"distribution_id", groups::distribution_id_text(distribution_)},
                      {"distribution_message", core::to_hex(message)},
                      {"sender_record", core::to_hex(wire::encode_sender_key_record(made->record))},
                      {"sender_state",
                       {{"chain_id", s.chain_id},
                        {"message_version", s.effective_message_version()},
                        {"iteration", s.iteration},
                        {"chain_key", core::to_hex(s.chain_key.view())},
                        {"signing_public", core::to_hex(crypto::serialize_public_key(s.signing_public))},
                        {"signing_private",
                         core::to_hex(s.signing_private ? s.signing_private->view() : core::BytesView{})}}}});
    return message;
  }

  core::Bytes encrypt(const std::string& label, std::string_view plaintext) {
    const auto* record = world_.sender_record(kAlice, distribution_);
    const auto iteration = record ? record->states.front().iteration : 0;
    const auto random = seed_.derive(id_ + "/" + label + "/signature_random", crypto::kSignatureRandomSize);
    crypto::ScriptedEntropy entropy(random);
    auto sent = world_.encrypt(kAlice, distribution_, core::as_bytes(plaintext), entropy);
    if (!sent) return fail(sent.error()), core::Bytes{};
    steps_.push_back({{"op", "encrypt"},
                      {"label", label},
                      {"sender", kAlice},
                      {"distribution_id", groups::distribution_id_text(distribution_)},
                      {"plaintext", core::to_hex(core::as_bytes(plaintext))},
                      {"expected_iteration", iteration},
                      {"signature_random", core::to_hex(random)},
                      {"message", core::to_hex(*sent)}});
    return *sent;
  }

  void unrecorded(std::uint32_t count) {
    const auto first = world_.sender_record(kAlice, distribution_)->states.front().iteration;
    if (auto r = world_.skip(kAlice, distribution_, count); !r) return fail(r.error());
    steps_.push_back({{"op", "encrypt_unrecorded"},
                      {"sender", kAlice},
                      {"distribution_id", groups::distribution_id_text(distribution_)},
                      {"first_iteration", first},
                      {"last_iteration", first + count - 1}});
  }

  void reset() {
    world_.reset_sender(kAlice, distribution_);
    steps_.push_back({{"op", "reset_sender"},
                      {"sender", kAlice},
                      {"distribution_id", groups::distribution_id_text(distribution_)}});
  }

  void process(const std::string& receiver, const core::Bytes& message, const std::string& label,
               std::optional<std::string> error = std::nullopt) {
    const auto r = world_.process_distribution(receiver, kAlice, message);
    expect(r ? std::nullopt : std::optional(sender_key_error_kind_of(r.error())), error, label);
    Json step{{"op", "process_distribution"},
              {"receiver", receiver},
              {"sender", kAlice},
              {"label", label},
              {"distribution_message", core::to_hex(message)}};
    if (error) step["expected_error"] = *error;
    steps_.push_back(std::move(step));
  }

  // `expected`: the plaintext, or the error kind when `is_error`.
  void decrypt(const std::string& receiver, const core::Bytes& message, const std::string& label,
               std::optional<std::string> error, std::string_view plaintext = {}, std::string mutation = {}) {
    const auto r = world_.decrypt(receiver, kAlice, message);
    expect(r ? std::nullopt : std::optional(sender_key_error_kind_of(r.error())), error, label);
    if (r && *r != core::to_bytes(core::as_bytes(plaintext)))
      fail(core::make_error(core::Errc::internal, label + ": plaintext"));
    Json step{{"op", "decrypt"},
              {"receiver", receiver},
              {"sender", kAlice},
              {"label", label},
              {"message", core::to_hex(message)}};
    if (error)
      step["expected_error"] = *error;
    else
      step["expected_plaintext"] = core::to_hex(core::as_bytes(plaintext));
    if (!mutation.empty()) step["mutation"] = mutation;
    steps_.push_back(std::move(step));
  }
  void read(const std::string& receiver, const core::Bytes& m, const std::string& label,
            std::string_view text) {
    decrypt(receiver, m, label, std::nullopt, text);
  }

  void check(const std::string& receiver) {
    const auto* record = world_.receiver_record(receiver, kAlice, distribution_);
    const auto bytes = record ? wire::encode_sender_key_record(*record) : core::Bytes{};
    auto summary = record ? sender_key_record_summary(*record) : Json::array();
    for (auto& s : summary)
      if (s["message_key_count"].get<std::size_t>() > kMaxListedIterations)
        s["message_key_iterations"] = nullptr;
    Json step{{"op", "check_receiver_record"},
              {"receiver", receiver},
              {"sender", kAlice},
              {"distribution_id", groups::distribution_id_text(distribution_)},
              {"record_length", bytes.size()},
              {"record_sha256", core::to_hex(crypto::sha256(bytes))},
              {"summary", std::move(summary)}};
    step["record"] = bytes.size() <= kMaxRecordHex ? Json(core::to_hex(bytes)) : Json(nullptr);
    steps_.push_back(std::move(step));
  }

  void note(std::string text) { steps_.push_back({{"op", "note"}, {"text", std::move(text)}}); }

  // `message` with its fields changed by `change` and signed again with the sender's key: a
  // crafted message only the sender could have made.
  template <typename Change>
  core::Bytes resigned(const core::Bytes& message, const std::string& label, Change change) {
    auto fields = world_.codec().decode_message(message)->fields;
    change(fields);
    auto out = world_.codec().encode_message(fields);
    return sign(std::move(out), label);
  }
  core::Bytes sign(core::Bytes body, const std::string& label) {
    const auto& key = *world_.sender_record(kAlice, distribution_)->states.front().signing_private;
    const auto random = seed_.derive(id_ + "/" + label + "/crafted_signature", crypto::kSignatureRandomSize);
    core::append(body, *crypto::xeddsa_sign(key, body, random));
    return body;
  }
  const wire::LibsignalSenderKeyCodec& codec() const { return world_.codec(); }

  core::Result<Json> finish() {
    if (error_) return *error_;
    return Json{
        {"id", id_}, {"description", description_}, {"version_byte", "33"}, {"steps", std::move(steps_)}};
  }

 private:
  void fail(core::Error e) {
    if (!error_) error_ = core::make_error(core::Errc::internal, id_ + ": " + core::to_string(e));
  }
  void expect(const std::optional<std::string>& got, const std::optional<std::string>& wanted,
              const std::string& label) {
    if (got != wanted)
      fail(core::make_error(core::Errc::internal, label + ": got " + got.value_or("success") + ", meant " +
                                                      wanted.value_or("success")));
  }

  const LabelledSeed& seed_;
  std::string id_, description_;
  groups::DistributionId distribution_{};
  SenderKeyWorld world_;
  Json steps_ = Json::array();
  std::optional<core::Error> error_;
};

// Where a message's iteration value starts: after the version byte, the 18 bytes of the
// distribution id field, the chain id field's key and varint, and the iteration field's key.
std::size_t iteration_offset(const core::Bytes& m) {
  std::size_t pos = 1 + 18 + 1;
  while (m[pos] & 0x80) ++pos;
  return pos + 2;
}

using protocol::kMaxSenderKeyForwardJump;
using protocol::kMaxSenderKeyStates;
using protocol::kMaxSenderMessageKeys;

core::Result<Json> out_of_order(const LabelledSeed& seed) {
  Script s(seed, "out-of-order-and-late", "five messages read in the order 3, 0, 4, 1, 2, then one again");
  const auto skdm = s.create("skdm");
  s.process("bob", skdm, "skdm");
  std::vector<core::Bytes> m;
  for (int i = 0; i < 5; ++i) m.push_back(s.encrypt("m" + std::to_string(i), "message " + std::to_string(i)));
  for (int i : {3, 0, 4, 1, 2}) s.read("bob", m[i], "m" + std::to_string(i), "message " + std::to_string(i));
  s.decrypt("bob", m[0], "m0", "duplicate");
  s.check("bob");
  return s.finish();
}

core::Result<Json> forward_jump(const LabelledSeed& seed) {
  Script s(seed, "forward-jump-limit",
           "a jump of exactly kMaxSenderKeyForwardJump is read, one more is refused");
  const auto skdm = s.create("skdm");
  s.process("bob", skdm, "skdm");
  s.process("carol", skdm, "skdm");
  const auto m0 = s.encrypt("m0", "zero");
  s.unrecorded(kMaxSenderKeyForwardJump - 1);
  const auto n = s.encrypt("m25000", "at the limit");
  const auto n1 = s.encrypt("m25001", "past the limit");
  s.read("bob", n, "m25000", "at the limit");
  s.decrypt("carol", n1, "m25001", "too_far_ahead");
  s.note("the refusal changed nothing: carol reads m0, after which m25001 is exactly 25000 ahead");
  s.read("carol", m0, "m0", "zero");
  s.read("carol", n1, "m25001", "past the limit");
  s.check("bob");
  s.check("carol");
  return s.finish();
}

core::Result<Json> key_cap(const LabelledSeed& seed) {
  Script s(seed, "message-key-cap", "2000 skipped keys are all kept; with 2001 the oldest is dropped");
  const auto skdm = s.create("skdm");
  s.process("bob", skdm, "skdm");
  s.process("carol", skdm, "skdm");
  const auto m0 = s.encrypt("m0", "zero");
  const auto m1 = s.encrypt("m1", "one");
  s.unrecorded(static_cast<std::uint32_t>(kMaxSenderMessageKeys) - 2);
  const auto n = s.encrypt("m2000", "two thousand");
  const auto n1 = s.encrypt("m2001", "two thousand and one");
  s.read("bob", n, "m2000", "two thousand");
  s.read("bob", m0, "m0", "zero");
  s.read("carol", n1, "m2001", "two thousand and one");
  s.decrypt("carol", m0, "m0", "duplicate", {}, "its key was dropped by the cap");
  s.read("carol", m1, "m1", "one");
  s.check("bob");
  s.check("carol");
  return s.finish();
}

core::Result<Json> five_states(const LabelledSeed& seed) {
  Script s(seed, "five-states", "six rekeys of one distribution id: the sixth state drops the first");
  std::vector<core::Bytes> skdms, firsts;
  core::Bytes second_of_first;
  for (std::size_t k = 0; k <= kMaxSenderKeyStates; ++k) {
    if (k > 0) s.reset();
    skdms.push_back(s.create("chain" + std::to_string(k)));
    firsts.push_back(s.encrypt("chain" + std::to_string(k) + "-m0", "chain " + std::to_string(k)));
    if (k == 0) second_of_first = s.encrypt("chain0-m1", "chain 0 again");
  }
  for (std::size_t k = 0; k < kMaxSenderKeyStates; ++k)
    s.process("bob", skdms[k], "chain" + std::to_string(k));
  s.read("bob", firsts[0], "chain0-m0", "chain 0");
  s.check("bob");
  s.process("bob", skdms.back(), "chain5");
  s.decrypt("bob", second_of_first, "chain0-m1", "no_sender_key", {}, "its state was dropped");
  for (std::size_t k = 1; k <= kMaxSenderKeyStates; ++k)
    s.read("bob", firsts[k], "chain" + std::to_string(k) + "-m0", "chain " + std::to_string(k));
  s.check("bob");
  return s.finish();
}

core::Result<Json> reprocess(const LabelledSeed& seed) {
  Script s(
      seed, "reprocess-distribution",
      "the same distribution message again keeps the state; another signing key for the chain replaces it; "
      "the original again starts over");
  const auto skdm = s.create("skdm");
  s.process("bob", skdm, "skdm");
  std::vector<core::Bytes> m;
  for (int i = 0; i < 4; ++i) m.push_back(s.encrypt("m" + std::to_string(i), "message " + std::to_string(i)));
  s.read("bob", m[0], "m0", "message 0");
  s.read("bob", m[1], "m1", "message 1");
  s.process("bob", skdm, "skdm-again");
  s.decrypt("bob", m[0], "m0", "duplicate", {}, "the state was kept, not reset");
  s.read("bob", m[2], "m2", "message 2");
  auto other = *s.codec().decode_distribution(skdm);
  other.signing_key =
      crypto::x25519_key_pair_from_private(seed.x25519_private_key("reprocess/other_key"))->public_key;
  s.process("bob", s.codec().encode_distribution(other), "skdm-other-key");
  s.decrypt("bob", m[3], "m3", "bad_signature", {}, "the chain's state now has another signing key");
  s.process("bob", skdm, "skdm-original");
  s.read("bob", m[0], "m0", "message 0");
  s.read("bob", m[3], "m3", "message 3");
  s.check("bob");
  return s.finish();
}

core::Result<Json> late_joiner_and_rekey(const LabelledSeed& seed) {
  Script s(seed, "late-joiner-and-rekey",
           "creating the distribution again gives the current iteration, not a new key; a rekey is a reset");
  const auto skdm = s.create("skdm");
  s.process("bob", skdm, "skdm");
  const auto m0 = s.encrypt("m0", "before carol");
  const auto m1 = s.encrypt("m1", "still before carol");
  const auto again = s.create("skdm-again");
  s.process("carol", again, "skdm-again");
  s.decrypt("carol", m0, "m0", "duplicate", {}, "before the distribution's iteration");
  const auto m2 = s.encrypt("m2", "with carol");
  s.read("carol", m2, "m2", "with carol");
  s.reset();
  const auto fresh = s.create("skdm-rekey");
  const auto n0 = s.encrypt("n0", "new chain");
  s.decrypt("bob", n0, "n0", "no_sender_key", {}, "the new chain is not known yet");
  s.process("bob", fresh, "skdm-rekey");
  s.read("bob", n0, "n0", "new chain");
  s.read("bob", m1, "m1", "still before carol");
  s.check("bob");
  s.check("carol");
  return s.finish();
}

core::Result<Json> errors(const LabelledSeed& seed) {
  Script s(seed, "error-kinds",
           "each error kind a step can reach, in the receive order; none changes bob's record");
  const auto skdm = s.create("skdm");
  // The distribution message refused: too short, legacy, a key of another type, a short chain key.
  s.process("bob", core::Bytes(skdm.begin(), skdm.begin() + 64), "skdm-truncated", "too_short");
  auto legacy = skdm;
  legacy[0] = 0x23;
  s.process("bob", legacy, "skdm-version-2", "legacy_version");
  auto newer = skdm;
  newer[0] = 0x43;
  s.process("bob", newer, "skdm-version-4", "unrecognized_version");
  auto key_type = skdm;
  key_type[key_type.size() - 33] = 0x06;
  s.process("bob", key_type, "skdm-key-type", "bad_key_type");
  // The distribution message ends 22 20 <chain key 32> 2a 21 <signing key 33>: a 31-byte chain key.
  auto short_key = skdm;
  short_key[short_key.size() - 68] = 31;
  short_key.erase(short_key.end() - 36);
  s.process("bob", short_key, "skdm-short-chain-key", "invalid_protobuf");
  const auto m0 = s.encrypt("m0", "zero");
  const auto m1 = s.encrypt("m1", "one");
  const auto m2 = s.encrypt("m2", "two");
  s.decrypt("bob", m0, "m0", "no_sender_key", {}, "bob has no record yet");
  s.process("bob", skdm, "skdm");
  s.check("bob");
  auto changed = [](core::Bytes m, auto f) {
    f(m);
    return m;
  };
  s.decrypt("bob", core::Bytes(m0.begin(), m0.begin() + 64), "m0", "too_short", {}, "truncated to 64 bytes");
  s.decrypt("bob", changed(m0, [](auto& m) { m[0] = 0x23; }), "m0", "legacy_version", {},
            "version byte 0x23");
  s.decrypt("bob", changed(m0, [](auto& m) { m[0] = 0x43; }), "m0", "unrecognized_version", {},
            "version byte 0x43");
  s.decrypt("bob", changed(m0, [](auto& m) { m[2] = 0x0f; }), "m0", "invalid_protobuf", {},
            "distribution id of 15 bytes");
  auto no_ciphertext = s.codec().encode_message(s.codec().decode_message(m0)->fields);
  no_ciphertext.resize(no_ciphertext.size() - s.codec().decode_message(m0)->fields.ciphertext.size() - 2);
  s.decrypt("bob", s.sign(no_ciphertext, "m0-no-ciphertext"), "m0", "invalid_protobuf", {},
            "no ciphertext field, signed");
  s.decrypt("bob", changed(m0, [](auto& m) { m[3] ^= 1; }), "m0", "no_sender_key", {},
            "another distribution id");
  s.decrypt("bob", s.resigned(m0, "m0-other-chain", [](auto& f) { f.chain_id ^= 1; }), "m0", "no_sender_key",
            {}, "another chain id, signed");
  s.decrypt("bob", changed(m0, [](auto& m) { m[m.size() - 65] ^= 1; }), "m0", "bad_signature", {},
            "a ciphertext bit");
  s.decrypt("bob", changed(m0, [](auto& m) { m[iteration_offset(m)] ^= 1; }), "m0", "bad_signature", {},
            "an iteration bit");
  s.decrypt("bob", changed(m0, [](auto& m) { m[0] = 0x3f; }), "m0", "bad_signature", {},
            "the low nibble, which is signed");
  for (const std::size_t length : {0u, 15u, 32u})
    s.decrypt("bob",
              s.resigned(m2, "m2-ciphertext-" + std::to_string(length),
                         [&](auto& f) { f.ciphertext.assign(length, 0xa5); }),
              "m2", "invalid_message", {}, std::to_string(length) + " bytes of ciphertext, signed");
  s.decrypt("bob", s.resigned(m1, "m1-low-nibble", [](auto& f) { f.version_byte = 0x30; }), "m1",
            std::nullopt, "one", "version byte 0x30, signed: the low nibble is ignored");
  s.decrypt("bob", m1, "m1", "duplicate");
  s.note(
      "unrecognized_message_version needs a state whose version is not 3, which no distribution message "
      "makes");
  s.read("bob", m0, "m0", "zero");
  s.read("bob", m2, "m2", "two");
  s.check("bob");
  return s.finish();
}

}  // namespace

core::Result<std::string> generate_signal_sender_key() {
  const LabelledSeed seed(kSeedName);
  Json cases = Json::array();
  for (auto make :
       {out_of_order, forward_jump, key_cap, five_states, reprocess, late_joiner_and_rekey, errors}) {
    PARLEY_TRY(auto c, make(seed));
    cases.push_back(std::move(c));
  }
  return vector_file_text("signal-sender-key",
                          "Sender keys as libsignal 0.72.1 does them, in the step format of "
                          "tests/data/external/signal-sender-key.json "
                          "(see its notes). Additions: encrypt steps carry signature_random, the 64 bytes "
                          "the signature drew, so the whole "
                          "message is reproduced; process_distribution may carry expected_error; a summary's "
                          "message_key_iterations is "
                          "null when a state holds more than 32 keys, and record is null when over 4096 "
                          "bytes (record_sha256 covers "
                          "both). Crafted messages (mutation) were signed again with the sender's key where "
                          "the mutation says so.",
                          seed, std::move(cases));
}

}  // namespace parley::conformance::detail
