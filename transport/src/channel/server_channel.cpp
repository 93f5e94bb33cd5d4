#include "parley/transport/channel/server_channel.h"

#include <algorithm>
#include <string>
#include <utility>

#include "parley/transport/channel/limits.h"

namespace parley::transport::channel {

using core::Errc;

namespace {

core::Result<noise::HandshakeState> responder(RecordKind kind, const crypto::X25519KeyPair& static_key) {
  noise::HandshakeConfig config;
  config.protocol = protocol_for(kind);
  config.role = noise::Role::responder;
  config.prologue = prologue();
  config.local_static = static_key;
  return noise::HandshakeState::initialize(config);
}

}  // namespace

ServerChannel::ServerChannel(ServerChannelConfig config)
    : config_(std::move(config)), core_(Phase::header, config_.rekey_interval) {}

core::Result<ChannelOutput> ServerChannel::receive(core::BytesView bytes, crypto::Entropy& entropy) {
  return core_.receive(bytes, [&](ChannelOutput& out) { return step(out, entropy); });
}

core::Result<bool> ServerChannel::step(ChannelOutput& out, crypto::Entropy& entropy) {
  if (core_.phase() == Phase::header) {
    if (core_.reader().buffered() < kHeaderSize) return false;
    PARLEY_CHECK(read_header());
    core_.advance(Phase::handshake);
    return true;
  }
  PARLEY_TRY(const auto record, core_.reader().take_handshake_record());
  if (!record) return false;
  if (!state_) {
    PARLEY_CHECK(first_message(*record, out, entropy));
  } else {
    PARLEY_CHECK(final_message(*record, out));
  }
  return true;
}

core::Result<void> ServerChannel::read_header() {
  const auto header = *core_.reader().take(kHeaderSize);
  if (!std::equal(kMagic.begin(), kMagic.end(), header.begin()))
    return core::make_error(Errc::malformed, "not a Parley connection header");
  if (header[kMagic.size()] != kChannelVersion)
    return core::make_error(Errc::unsupported_version,
                            "channel version " + std::to_string(header[kMagic.size()]));
  return {};
}

// XX: read `e` (an empty payload: nothing is encrypted yet, so the client says nothing) and reply.
// IK: read `e, es, s, ss` with the client's credentials; a message that does not decrypt was sealed
// to a static key this server no longer holds, so answer with XXfallback (spec §6.7, §6.8).
core::Result<void> ServerChannel::first_message(const HandshakeRecord& record, ChannelOutput& out,
                                                crypto::Entropy& entropy) {
  if (record.kind == RecordKind::xx_fallback)
    return core::make_error(Errc::malformed, "a handshake cannot start with XXfallback");
  PARLEY_TRY(auto state, responder(record.kind, config_.static_key));
  auto payload = state.read_message(record.message);
  if (record.kind == RecordKind::xx) {
    if (!payload.ok()) return payload.error();
    if (!payload->empty()) return core::make_error(Errc::malformed, "XX message 1 carries a payload");
    state_ = std::move(state);
    return reply(RecordKind::xx, out, entropy);
  }
  if (payload.ok()) {
    state_ = std::move(state);
    PARLEY_CHECK(reply(RecordKind::ik, out, entropy));
    return finish(RecordKind::ik, *payload, out);
  }
  if (payload.code() != Errc::decrypt_failed) return payload.error();
  PARLEY_TRY(auto fallback, state.fallback(record.message));
  state_ = std::move(fallback);
  return reply(RecordKind::xx_fallback, out, entropy);
}

core::Result<void> ServerChannel::reply(RecordKind kind, ChannelOutput& out, crypto::Entropy& entropy) {
  PARLEY_TRY(const auto message, state_->write_message(encode(ServerPayload{kFrameProtocolVersion}), entropy));
  PARLEY_CHECK(append_handshake_record(out.to_send, kind, message));
  pattern_ = kind;
  return {};
}

core::Result<void> ServerChannel::final_message(const HandshakeRecord& record, ChannelOutput& out) {
  if (record.kind != *pattern_)
    return core::make_error(Errc::malformed, "handshake record of another pattern");
  PARLEY_TRY(const auto payload, state_->read_message(record.message));
  return finish(record.kind, payload, out);
}

core::Result<void> ServerChannel::finish(RecordKind kind, core::BytesView client_payload, ChannelOutput& out) {
  PARLEY_TRY(auto client, decode_client_payload(client_payload));
  Handshake handshake;
  handshake.pattern = kind;
  handshake.remote_static = *state_->remote_static();
  PARLEY_CHECK(core_.establish(*state_, std::move(handshake), out));
  client_ = client;
  state_.reset();
  return {};
}

}  // namespace parley::transport::channel
