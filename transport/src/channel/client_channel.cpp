#include "parley/transport/channel/client_channel.h"

#include <utility>

#include "parley/transport/channel/limits.h"

namespace parley::transport::channel {

using core::Errc;

ClientChannel::ClientChannel(ClientChannelConfig config)
    : config_(std::move(config)), core_(Phase::handshake, config_.rekey_interval) {}

core::Result<std::pair<ClientChannel, core::Bytes>> ClientChannel::open(ClientChannelConfig config,
                                                                        crypto::Entropy& entropy) {
  ClientChannel channel(std::move(config));
  PARLEY_TRY(auto first, channel.start(entropy));
  return std::pair<ClientChannel, core::Bytes>(std::move(channel), std::move(first));
}

// IK sends the credentials at once, sealed to the pinned key (es, ss); XX says nothing until the
// server has proven its key.
core::Result<core::Bytes> ClientChannel::start(crypto::Entropy& entropy) {
  if (config_.pin == PinPolicy::required && !config_.server_key)
    return core::make_error(Errc::malformed, "a required pin needs the server's key");
  sent_ = config_.server_key ? RecordKind::ik : RecordKind::xx;
  noise::HandshakeConfig handshake;
  handshake.protocol = protocol_for(sent_);
  handshake.role = noise::Role::initiator;
  handshake.prologue = prologue();
  handshake.local_static = config_.static_key;
  handshake.remote_static = config_.server_key;
  PARLEY_TRY(auto state, noise::HandshakeState::initialize(handshake));
  const core::Bytes payload =
      sent_ == RecordKind::ik ? encode(ClientPayload{kFrameProtocolVersion, config_.device}) : core::Bytes{};
  PARLEY_TRY(const auto message, state.write_message(payload, entropy));
  core::Bytes out = prologue();
  PARLEY_CHECK(append_handshake_record(out, sent_, message));
  state_ = std::move(state);
  return out;
}

core::Result<ChannelOutput> ClientChannel::receive(core::BytesView bytes, crypto::Entropy& entropy) {
  return core_.receive(bytes, [&](ChannelOutput& out) { return step(out, entropy); });
}

// The server's one message: XX message 2, the IK reply, or XXfallback message 1.
core::Result<bool> ClientChannel::step(ChannelOutput& out, crypto::Entropy& entropy) {
  PARLEY_TRY(const auto record, core_.reader().take_handshake_record());
  if (!record) return false;
  if (record->kind == RecordKind::xx_fallback && sent_ == RecordKind::ik) {
    PARLEY_TRY(auto fallback, state_->fallback({}));
    state_ = std::move(fallback);
  } else if (record->kind != sent_) {
    return core::make_error(Errc::malformed, "server answered with another pattern");
  }
  PARLEY_TRY(const auto payload, state_->read_message(record->message));
  PARLEY_CHECK(accept_server_payload(payload));
  if (record->kind == RecordKind::ik) {
    PARLEY_CHECK(finish(RecordKind::ik, out));
    return true;
  }
  PARLEY_CHECK(check_pin(*state_->remote_static()));
  PARLEY_TRY(const auto message,
             state_->write_message(encode(ClientPayload{kFrameProtocolVersion, config_.device}), entropy));
  PARLEY_CHECK(append_handshake_record(out.to_send, record->kind, message));
  PARLEY_CHECK(finish(record->kind, out));
  return true;
}

core::Result<void> ClientChannel::accept_server_payload(core::BytesView payload) {
  auto server = decode_server_payload(payload);
  if (!server.ok()) return server.error();
  return {};
}

core::Result<void> ClientChannel::check_pin(const crypto::X25519PublicKey& key) const {
  if (config_.pin == PinPolicy::required && config_.server_key && key != *config_.server_key)
    return core::make_error(Errc::untrusted_identity, "the server's static key is not the configured one");
  return {};
}

core::Result<void> ClientChannel::finish(RecordKind kind, ChannelOutput& out) {
  Handshake handshake;
  handshake.pattern = kind;
  handshake.remote_static = *state_->remote_static();
  PARLEY_CHECK(core_.establish(*state_, std::move(handshake), out));
  state_.reset();
  return {};
}

bool ClientChannel::server_key_changed() const {
  const auto& handshake = core_.handshake();
  return handshake && config_.server_key && handshake->remote_static != *config_.server_key;
}

}  // namespace parley::transport::channel
