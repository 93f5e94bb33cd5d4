// The client end of a Parley channel (spec §6.8): XX when it knows no server key, IK when it has
// one pinned, and XXfallback when the server answers an IK with it (the pinned key was stale).
// Pure: the Asio connector writes what open() returns, then feeds socket bytes to receive().
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/transport/channel/channel_core.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/channel/payloads.h"

namespace parley::transport::channel {

// How the client treats the server's static key (spec §6.8, "Pinning").
enum class PinPolicy {
  // The key was learnt from an earlier handshake. It selects IK; a server that falls back and
  // shows another key is accepted and the application re-pins (server_key_changed()).
  trust_on_first_use,
  // The key was configured out of band (the server's server.pub): any other key is
  // `untrusted_identity`, before the client reveals its own identity or credentials.
  required,
};

struct ClientChannelConfig {
  crypto::X25519KeyPair static_key;
  std::optional<crypto::X25519PublicKey> server_key;  // present: start with IK
  PinPolicy pin = PinPolicy::trust_on_first_use;
  DeviceCredentials device;
  std::uint64_t rekey_interval = kRekeyInterval;
};

class ClientChannel {
 public:
  // The channel and the bytes to write first: the connection header and the first handshake record.
  static core::Result<std::pair<ClientChannel, core::Bytes>> open(ClientChannelConfig config,
                                                                  crypto::Entropy& entropy);

  // Errors close the channel: `malformed` (a record of the wrong kind, a bad payload),
  // `unsupported_version`, `decrypt_failed`, `bad_key`, `untrusted_identity` (required pin), and the
  // chunk errors of §6.9.
  core::Result<ChannelOutput> receive(core::BytesView bytes, crypto::Entropy& entropy);
  core::Result<core::Bytes> send_frame(core::BytesView frame) { return core_.send_frame(frame); }

  Phase phase() const { return core_.phase(); }
  bool idle() const { return core_.idle(); }
  // Once established: the server's proven static key (to pin), the pattern and the handshake hash.
  const std::optional<Handshake>& handshake() const { return core_.handshake(); }
  // Established through XXfallback with a key other than the one pinned.
  bool server_key_changed() const;
  SecureChannel* secure_for_testing() { return core_.secure(); }

 private:
  explicit ClientChannel(ClientChannelConfig config);
  core::Result<core::Bytes> start(crypto::Entropy& entropy);
  core::Result<bool> step(ChannelOutput& out, crypto::Entropy& entropy);
  core::Result<void> accept_server_payload(core::BytesView payload);
  core::Result<void> check_pin(const crypto::X25519PublicKey& key) const;
  core::Result<void> finish(RecordKind kind, ChannelOutput& out);

  ClientChannelConfig config_;
  ChannelCore core_;
  std::optional<noise::HandshakeState> state_;
  RecordKind sent_ = RecordKind::xx;
};

}  // namespace parley::transport::channel
