// Type `signal-transcript`: a whole conversation recorded from libsignal, replayed through the
// session layer and the libsignal codec (spec §5; test-vectors.md describes the step format).
// Every message we send must be byte-identical to the recording and every recorded message must
// decrypt. The legacy TextSecure plaintext encoding belongs to this vector type only.
#include <nlohmann/json.hpp>


#include "checks.h"
#include "parley/protocol/limits.h"
#include "parley/protocol/memory_prekey_store.h"
#include "parley/protocol/session.h"
#include "parley/wire/libsignal_codec.h"
#include "parley/wire/protobuf.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

using crypto::X25519KeyPair;
namespace pb = wire::protobuf;

// PushMessageContent {1: body} or {4: flags = 1 (end session)}, padded to P - 1 bytes with
// P = 160 * ceil((len + 2) / 160): content, 0x80, zeros.
core::Bytes legacy_encode(const core::Bytes& content) {
  const std::size_t padded = 160 * ((content.size() + 2 + 159) / 160) - 1;
  core::Bytes out = content;
  out.push_back(0x80);
  out.resize(padded, 0);
  return out;
}

core::Bytes text_content(std::string_view text) {
  core::Bytes out;
  pb::write_bytes_field(out, 1, core::as_bytes(text));
  return out;
}

core::Bytes end_session_content() {
  core::Bytes out;
  pb::write_uint_field(out, 4, 1);
  return out;
}

struct Content {
  std::string body;
  bool end_session = false;
};

core::Result<Content> legacy_decode(core::BytesView padded) {
  std::size_t end = padded.size();
  while (end > 0 && padded[end - 1] == 0) --end;
  if (end == 0 || padded[end - 1] != 0x80) return core::make_error(core::Errc::malformed, "bad legacy padding");
  pb::Reader reader(padded.subspan(0, end - 1));
  Content content;
  while (!reader.done()) {
    PARLEY_TRY(auto f, reader.next());
    if (f.number == 1) content.body.assign(f.bytes.begin(), f.bytes.end());
    if (f.number == 4 && (f.varint & 1)) content.end_session = true;
  }
  return content;
}

core::Result<X25519KeyPair> key_from(const Case& step, std::string_view field) {
  PARLEY_TRY(const auto priv, step.bytes(field));
  auto pair = crypto::x25519_key_pair_from_private(priv);
  if (!pair) return step.field_error(field, core::to_string(pair.error()));
  return pair;
}

core::Result<protocol::PreKeyBundle> bundle_from(const Case& keys) {
  protocol::PreKeyBundle b;
  PARLEY_TRY(const auto identity, keys.bytes("identityKey"));
  auto identity_key = crypto::parse_public_key(identity);
  if (!identity_key) return keys.field_error("identityKey", core::to_string(identity_key.error()));
  b.identity_key = *identity_key;
  PARLEY_TRY(const auto devices, children(keys, "devices"));
  if (devices.size() != 1) return keys.field_error("devices", "must hold one device");
  const Case& device = devices[0];
  PARLEY_TRY(b.registration_id.value, device.uint("registrationId"));
  PARLEY_TRY(b.device_id, device.uint("deviceId"));
  PARLEY_TRY(const Case spk, child(device, "signedPreKey"));
  PARLEY_TRY(b.signed_prekey_id.value, spk.uint("keyId"));
  PARLEY_TRY(const auto spk_public, spk.bytes("publicKey"));
  PARLEY_TRY(const auto signature, spk.bytes("signature"));
  auto spk_key = crypto::parse_public_key(spk_public);
  if (!spk_key) return spk.field_error("publicKey", core::to_string(spk_key.error()));
  if (signature.size() != crypto::kSignatureSize) return spk.field_error("signature", "must be 64 bytes");
  b.signed_prekey = *spk_key;
  std::copy(signature.begin(), signature.end(), b.signed_prekey_signature.begin());
  if (device.has("preKey")) {
    PARLEY_TRY(const Case pk, child(device, "preKey"));
    PARLEY_TRY(const auto id, pk.uint("keyId"));
    PARLEY_TRY(const auto pk_public, pk.bytes("publicKey"));
    auto pk_key = crypto::parse_public_key(pk_public);
    if (!pk_key) return pk.field_error("publicKey", core::to_string(pk_key.error()));
    b.prekey_id = protocol::PreKeyId{static_cast<std::uint32_t>(id)};
    b.prekey = *pk_key;
  }
  return b;
}

class Replay {
 public:
  explicit Replay(std::uint8_t version_byte) : version_byte_(version_byte) {}

  core::Result<Outcome> send(const Case& step, std::size_t index) {
    const std::string where = "step " + std::to_string(index) + ": ";
    if (step.has("getKeys")) {
      PARLEY_TRY(our_identity_, key_from(step, "ourIdentityKey"));
      PARLEY_TRY(registration_id_, step.uint("registrationId"));
      PARLEY_TRY(const auto base, step.bytes("ourBaseKey"));
      PARLEY_TRY(const auto ephemeral, step.bytes("ourEphemeralKey"));
      PARLEY_TRY(const Case get_keys, child(step, "getKeys"));
      PARLEY_TRY(const auto bundle, bundle_from(get_keys));
      crypto::ScriptedEntropy queue(core::concat(base, ephemeral));  // the key queue of the notes
      auto started = protocol::start_session(record_, *our_identity_,
                                             protocol::RegistrationId{static_cast<std::uint32_t>(registration_id_)},
                                             bundle, queue);
      if (!started) return unexpected_error(where + "starting the session", started.error());
    }
    core::Bytes content;
    if (step.has("smsText")) {
      PARLEY_TRY(const auto text, step.string("smsText"));
      content = text_content(text);
    } else {
      content = end_session_content();
    }
    if (record_.current) record_.current->version_byte = version_byte_;
    auto sent = protocol::session_encrypt(record_, legacy_encode(content), codec_);
    if (!sent) return unexpected_error(where + "encrypt", sent.error());
    if (!step.has("smsText")) protocol::close_session(record_);
    PARLEY_TRY(const auto expected, step.bytes("expectedCiphertext"));
    return compare(where + "sent message", expected, sent->wire);
  }

  core::Result<Outcome> receive(const Case& step, std::size_t index) {
    const std::string where = "step " + std::to_string(index) + ": ";
    PARLEY_TRY(const auto wire, step.bytes("message"));
    PARLEY_TRY(const auto type, step.uint("type"));
    PARLEY_TRY(const auto new_key, step.optional_bytes("newEphemeralKey"));
    crypto::ScriptedEntropy queue(new_key.value_or(core::Bytes{}));
    // The JavaScript library numbers a PreKeySignalMessage 3 and a SignalMessage 1.
    if (type != 1 && type != 3) return step.field_error("type", "must be 1 or 3");
    const auto message_type = type == 3 ? protocol::MessageType::prekey : protocol::MessageType::whisper;
    if (message_type == protocol::MessageType::prekey) PARLEY_CHECK(learn_keys(step));
    auto result = protocol::plan_receive_wire(record_, message_type, wire, keys_, codec_, queue);
    if (!result) return unexpected_error(where + "decrypt", result.error());
    for (const auto& action : result->actions)
      if (std::holds_alternative<protocol::IdentityChanged>(action))
        return Outcome::fail(where + "unexpected identity change");
    keys_.apply(result->actions);
    auto content = legacy_decode(result->plaintext());
    if (!content) return unexpected_error(where + "legacy plaintext", content.error());
    protocol::commit_receive(record_, std::move(result).value());
    if (queue.remaining() != 0) return Outcome::fail(where + "newEphemeralKey was not used");
    if (step.has("expectedSmsText")) {
      PARLEY_TRY(const auto expected, step.string("expectedSmsText"));
      if (content->body != expected) return Outcome::fail(where + "decrypted '" + content->body + "', expected '" + expected + "'");
    }
    if (step.has("expectTerminateSession")) {
      if (!content->end_session) return Outcome::fail(where + "expected an end-session message");
      protocol::close_session(record_);
    }
    return Outcome::pass();
  }

 private:
  core::Result<void> learn_keys(const Case& step) {
    if (step.has("ourIdentityKey")) {
      PARLEY_TRY(auto identity, key_from(step, "ourIdentityKey"));
      keys_.identity_key = std::move(identity);
    }
    if (step.has("ourSignedPreKey")) {
      PARLEY_TRY(auto key, key_from(step, "ourSignedPreKey"));
      PARLEY_TRY(const auto id, step.uint("signedPreKeyId"));
      const auto id32 = static_cast<std::uint32_t>(id);
      keys_.signed_prekeys.insert_or_assign(id32, protocol::SignedPreKey{{id32}, std::move(key), {}});
    }
    if (step.has("ourPreKey")) {
      PARLEY_TRY(auto key, key_from(step, "ourPreKey"));
      PARLEY_TRY(const auto id, step.uint("preKeyId"));
      const auto id32 = static_cast<std::uint32_t>(id);
      keys_.one_time_prekeys.insert_or_assign(id32, protocol::OneTimePreKey{{id32}, std::move(key)});
    }
    if (!keys_.identity_key) return step.field_error("ourIdentityKey", "needed before the first prekey message");
    return {};
  }

  std::uint8_t version_byte_;
  wire::LibsignalCodec codec_;
  protocol::SessionRecord record_;
  std::optional<X25519KeyPair> our_identity_;
  std::uint64_t registration_id_ = 0;
  protocol::MemoryPreKeyStore keys_;  // the responder's keys, as the steps reveal them
};

}  // namespace

core::Result<Outcome> verify_signal_transcript(const Case& c) {
  std::uint8_t version_byte = 0x33;
  if (c.has("version_byte")) {
    PARLEY_TRY(const auto vb, c.bytes("version_byte"));
    if (vb.size() != 1 || (vb[0] >> 4) != protocol::kSessionVersion)
      return c.field_error("version_byte", "must be one byte of session version 3");
    version_byte = vb[0];
  }
  PARLEY_TRY(const auto steps, children(c, "steps"));
  Replay replay(version_byte);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Case& step = steps[i];
    PARLEY_TRY(const auto op, step.string("op"));
    core::Result<Outcome> o = Outcome::pass();
    if (op == "sendMessage" || op == "endSession") {
      o = replay.send(step, i);
    } else if (op == "receiveMessage") {
      o = replay.receive(step, i);
    } else {
      return Outcome::skip("unsupported step '" + op + "'");
    }
    if (!o || failed(*o)) return o;
  }
  return Outcome::pass(std::to_string(steps.size()) + " steps");
}

}  // namespace parley::conformance::detail
