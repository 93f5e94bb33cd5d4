// libsignal-protocol-c 2.3.3 (Debian) as a session-benchmark peer, through the interop tests' peer
// (tests/peers/libsignal_c, target parley_libsignal_c_peer): one LibsignalCPeer per device. Its
// crypto provider is Botan 2, as Parley's symmetric primitives are, and its curve is the library's
// own (curve25519-donna and ref10); its session store keeps serialized records, so every message
// deserializes and reserializes the session, as in a real libsignal-protocol-c client.
#pragma once

#include <cstdint>
#include <optional>

#include "parley/testing/libsignal_c_peer.h"
#include "session/session_workloads.h"

namespace parley::bench {

class LibsignalCPair {
 public:
  using Message = protocol::OutgoingMessage;
  static constexpr const char* kName = "libsignal_c";

  // Two seeds: the peers' DRBGs must differ, or alice and bob would draw the same keys.
  explicit LibsignalCPair(std::uint64_t seed) : alice_(2 * seed), bob_(2 * seed + 1) {
    bundle_ = bob_.bundle();
  }

  // Forgets both sessions. Bob's one-time prekey was consumed by the last setup (libsignal deletes
  // it once the prekey message decrypted): a fresh one is made, so that every setup uses one, as on
  // the other implementations (this runs with the timer paused).
  void reset() {
    alice_.reset_session();
    bob_.reset_session();
    if (!bob_.has_one_time_prekey()) {
      bob_.refresh_one_time_prekey();
      bundle_ = bob_.bundle();
    }
  }

  // Processes bob's bundle (the library checks the signed prekey's signature).
  Status start() {
    auto started = alice_.start_session(bundle_);
    return started ? Status{} : Status{core::to_string(started.error())};
  }

  Status encrypt(Side from, core::BytesView plaintext, Message& out) {
    auto sent = peer(from).encrypt(plaintext);
    if (!sent) return Status{core::to_string(sent.error())};
    out = std::move(sent).value();
    return {};
  }

  Status decrypt(Side to, const Message& message, core::Bytes& plaintext) {
    auto received = peer(to).decrypt(message);
    if (!received) return Status{core::to_string(received.error())};
    plaintext = std::move(received).value();
    return {};
  }

  static std::size_t wire_size(const Message& m) { return m.wire.size(); }

  // libsignal-protocol-c's session_record_serialize (protobuf).
  std::optional<std::size_t> state_size(Side side) { return peer(side).session_state_size(); }
  static constexpr const char* kStateSizeMissing = "";

 private:
  testing::LibsignalCPeer& peer(Side side) { return side == Side::alice ? alice_ : bob_; }

  testing::LibsignalCPeer alice_, bob_;
  protocol::PreKeyBundle bundle_;
};

}  // namespace parley::bench
