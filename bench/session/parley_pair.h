// Parley as a session-benchmark implementation: two devices (alice, bob) with their keys, the
// libsignal wire codec, and the calls a client makes (session_workloads.h describes the interface).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "parley/protocol/memory_prekey_store.h"
#include "parley/protocol/session.h"
#include "parley/wire/libsignal_codec.h"
#include "session/bench_entropy.h"
#include "session/session_workloads.h"

#if __has_include("parley/wire/session_record_codec.h")
#include "parley/wire/session_record_codec.h"
#define PARLEY_BENCH_HAVE_SESSION_STORE_CODEC 1
#endif

namespace parley::bench {

class ParleyPair {
 public:
  using Message = protocol::OutgoingMessage;
  static constexpr const char* kName = "parley";

  explicit ParleyPair(std::uint64_t seed) : entropy_(seed) {
    alice_ = make_device(1);
    bob_ = make_device(2);
    const auto& spk = bob_.keys.signed_prekeys.begin()->second;
    const auto& otk = bob_.keys.one_time_prekeys.begin()->second;
    bundle_.registration_id = bob_.keys.registration;
    bundle_.device_id = 1;
    bundle_.identity_key = bob_.keys.identity_key->public_key;
    bundle_.signed_prekey_id = spk.id;
    bundle_.signed_prekey = spk.key.public_key;
    bundle_.signed_prekey_signature = spk.signature;
    bundle_.prekey_id = otk.id;
    bundle_.prekey = otk.key.public_key;
  }

  // Forgets both sessions; the keys (and bob's one-time prekey) stay.
  void reset() {
    alice_.record = {};
    bob_.record = {};
  }

  // Alice starts a session from bob's bundle (verify_bundle runs inside: the XEdDSA signature).
  Status start() {
    auto started = protocol::start_session(alice_.record, *alice_.keys.identity_key, alice_.keys.registration,
                                           bundle_, entropy_);
    return started ? Status{} : Status{core::to_string(started.error())};
  }

  Status encrypt(Side from, core::BytesView plaintext, Message& out) {
    auto sent = protocol::session_encrypt(device(from).record, plaintext, codec_);
    if (!sent) return Status{core::to_string(sent.error())};
    out = std::move(sent).value();
    return {};
  }

  // Decodes, plans and commits, as a client does. The ConsumeOneTimePreKey action is not carried
  // out, so that every setup iteration finds bob's one-time prekey again (the olm pair likewise
  // leaves its one-time key in the account).
  Status decrypt(Side to, const Message& message, core::Bytes& plaintext) {
    Device& d = device(to);
    core::Result<protocol::ReceiveResult> plan = core::make_error(core::Errc::internal);
    if (message.type == protocol::MessageType::prekey) {
      auto decoded = codec_.decode_prekey_message(message.wire);
      if (!decoded) return Status{core::to_string(decoded.error())};
      plan = protocol::plan_receive_prekey(d.record, *decoded, d.keys, codec_, entropy_);
    } else {
      auto decoded = codec_.decode_signal_message(message.wire);
      if (!decoded) return Status{core::to_string(decoded.error())};
      plan = protocol::plan_receive(d.record, *decoded, entropy_);
    }
    if (!plan) return Status{core::to_string(plan.error())};
    plaintext = std::move(plan->ratchet.plaintext);
    protocol::commit_receive(d.record, std::move(plan).value());
    return {};
  }

  static std::size_t wire_size(const Message& m) { return m.wire.size(); }

  // The serialized SessionRecord (transport/session_store_codec.h), when that codec exists.
  std::optional<std::size_t> state_size(Side side) {
#ifdef PARLEY_BENCH_HAVE_SESSION_STORE_CODEC
    const auto bytes = wire::session_record_serialize(device(side).record);
    return bytes.size();
#else
    (void)side;
    return std::nullopt;
#endif
  }
  static constexpr const char* kStateSizeMissing =
      "wire::session_record_serialize (transport/session_store_codec.h) is not available yet";

 private:
  struct Device {
    protocol::MemoryPreKeyStore keys;
    protocol::SessionRecord record;
  };

  Device make_device(std::uint32_t registration) {
    Device d;
    d.keys.identity_key = crypto::generate_x25519_key_pair(entropy_).value();
    d.keys.registration = protocol::RegistrationId{registration};
    auto spk =
        protocol::generate_signed_prekey(*d.keys.identity_key, protocol::SignedPreKeyId{1}, entropy_).value();
    d.keys.signed_prekeys.emplace(1, std::move(spk));
    d.keys.one_time_prekeys.emplace(
        7,
        protocol::OneTimePreKey{protocol::PreKeyId{7}, crypto::generate_x25519_key_pair(entropy_).value()});
    return d;
  }

  Device& device(Side side) { return side == Side::alice ? alice_ : bob_; }

  StreamEntropy entropy_;
  Device alice_, bob_;
  protocol::PreKeyBundle bundle_;
  wire::LibsignalCodec codec_;
};

}  // namespace parley::bench
