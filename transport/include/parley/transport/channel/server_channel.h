// The server end of a Parley channel (spec §6.8): reads the connection header, answers XX or IK,
// falls back to XXfallback when an IK message was sealed to a key it no longer holds, and then
// carries frames. Pure: the Asio acceptor feeds it socket bytes and writes what it returns.
#pragma once

#include <cstdint>
#include <optional>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/transport/channel/channel_core.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/channel/payloads.h"

namespace parley::transport::channel {

struct ServerChannelConfig {
  crypto::X25519KeyPair static_key;
  std::uint64_t rekey_interval = kRekeyInterval;
};

class ServerChannel {
 public:
  explicit ServerChannel(ServerChannelConfig config);

  // Socket bytes in. Handshake replies come back in to_send; frames once established. Errors are
  // typed and close the channel: `malformed` (bad header, record or payload; a record of the wrong
  // kind), `unsupported_version` (header or payload), `decrypt_failed`, `bad_key`, and the chunk
  // errors of §6.9.
  core::Result<ChannelOutput> receive(core::BytesView bytes, crypto::Entropy& entropy);
  // The records of one frame to write. `no_session` before the handshake completes.
  core::Result<core::Bytes> send_frame(core::BytesView frame) { return core_.send_frame(frame); }

  Phase phase() const { return core_.phase(); }
  bool idle() const { return core_.idle(); }
  // Once established: the client's proven static key, the pattern and the handshake hash.
  const std::optional<Handshake>& handshake() const { return core_.handshake(); }
  // Once established: the device the client claims to be (checked by the server, §7).
  const std::optional<ClientPayload>& client() const { return client_; }
  SecureChannel* secure_for_testing() { return core_.secure(); }

 private:
  core::Result<bool> step(ChannelOutput& out, crypto::Entropy& entropy);
  core::Result<void> read_header();
  core::Result<void> first_message(const HandshakeRecord& record, ChannelOutput& out, crypto::Entropy& entropy);
  core::Result<void> final_message(const HandshakeRecord& record, ChannelOutput& out);
  core::Result<void> reply(RecordKind kind, ChannelOutput& out, crypto::Entropy& entropy);
  core::Result<void> finish(RecordKind kind, core::BytesView client_payload, ChannelOutput& out);

  ServerChannelConfig config_;
  ChannelCore core_;
  std::optional<noise::HandshakeState> state_;
  std::optional<RecordKind> pattern_;
  std::optional<ClientPayload> client_;
};

}  // namespace parley::transport::channel
