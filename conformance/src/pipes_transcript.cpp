#include "pipes_transcript.h"

#include <utility>

#include "parley/crypto/entropy.h"
#include "parley/transport/channel/server_channel.h"

namespace parley::conformance::detail {

namespace channel = transport::channel;

std::string side_name(Side side) { return side == Side::client ? "client" : "server"; }

namespace {

core::Error parley_bug(const std::string& what) {
  return core::make_error(core::Errc::internal, "noise-pipes transcript: " + what);
}

struct Ends {
  channel::ClientChannel client;
  channel::ServerChannel server;
  crypto::ScriptedEntropy client_entropy;
  crypto::ScriptedEntropy server_entropy;

  // Delivers `bytes` from `sender` to the other side; returns what that side answers.
  core::Result<channel::ChannelOutput> deliver(Side sender, core::BytesView bytes) {
    return sender == Side::client ? server.receive(bytes, server_entropy) : client.receive(bytes, client_entropy);
  }
};

}  // namespace

core::Result<PipesTranscript> run_pipes(const PipesInputs& inputs, const std::vector<PipesSend>& sends) {
  PARLEY_TRY(auto client_static, crypto::x25519_key_pair_from_private(inputs.client_static_private));
  PARLEY_TRY(auto server_static, crypto::x25519_key_pair_from_private(inputs.server_static_private));
  PipesTranscript transcript;
  transcript.client_static_public = client_static.public_key;
  transcript.server_static_public = server_static.public_key;

  channel::ClientChannelConfig client_config;
  client_config.static_key = std::move(client_static);
  client_config.server_key = inputs.pinned_server_key;
  client_config.device = {inputs.account_id, inputs.device_id};
  client_config.rekey_interval = inputs.rekey_interval;
  crypto::ScriptedEntropy client_entropy(inputs.client_ephemeral_private);
  PARLEY_TRY(auto opened, channel::ClientChannel::open(std::move(client_config), client_entropy));
  Ends ends{std::move(opened.first),
            channel::ServerChannel({std::move(server_static), inputs.rekey_interval}),
            std::move(client_entropy), crypto::ScriptedEntropy(inputs.server_ephemeral_private)};

  // The handshake: each side's answer is the next message, until nobody has anything to say.
  PipesMessage next{Side::client, std::move(opened.second), {}};
  while (!next.bytes.empty()) {
    PARLEY_TRY(auto answer, ends.deliver(next.sender, next.bytes));
    if (!answer.frames.empty()) return parley_bug("frames during the handshake");
    const Side receiver = next.sender == Side::client ? Side::server : Side::client;
    transcript.messages.push_back(std::move(next));
    next = PipesMessage{receiver, std::move(answer.to_send), {}};
  }
  if (ends.client.phase() != channel::Phase::established || ends.server.phase() != channel::Phase::established)
    return parley_bug("the handshake stopped before both sides were established");
  if (ends.client.handshake()->handshake_hash != ends.server.handshake()->handshake_hash)
    return parley_bug("the two sides disagree on the handshake hash");
  transcript.pattern = ends.client.handshake()->pattern;
  transcript.handshake_hash = ends.client.handshake()->handshake_hash;

  for (const auto& send : sends) {
    PipesMessage message{send.sender, {}, send.frames};
    for (const auto& frame : send.frames) {
      PARLEY_TRY(auto wire, send.sender == Side::client ? ends.client.send_frame(frame) : ends.server.send_frame(frame));
      core::append(message.bytes, wire);
    }
    PARLEY_TRY(auto received, ends.deliver(send.sender, message.bytes));
    if (received.frames != send.frames) return parley_bug("the receiver got other frames than were sent");
    transcript.messages.push_back(std::move(message));
  }
  return transcript;
}

core::Result<PipesInputs> read_pipes_inputs(const Case& c) {
  PipesInputs in;
  PARLEY_TRY(in.rekey_interval, c.uint("rekey_interval"));
  PARLEY_TRY(in.client_static_private, c.bytes("client_static_private"));
  PARLEY_TRY(in.server_static_private, c.bytes("server_static_private"));
  PARLEY_TRY(in.client_ephemeral_private, c.bytes("client_ephemeral_private"));
  PARLEY_TRY(in.server_ephemeral_private, c.bytes("server_ephemeral_private"));
  PARLEY_TRY(const auto pinned, c.optional_bytes("pinned_server_public"));
  if (pinned) {
    if (pinned->size() != crypto::kX25519KeySize) return c.field_error("pinned_server_public", "not 32 bytes");
    crypto::X25519PublicKey key{};
    std::copy(pinned->begin(), pinned->end(), key.begin());
    in.pinned_server_key = key;
  }
  PARLEY_TRY(in.account_id, c.uint("account_id"));
  PARLEY_TRY(const auto device, c.uint("device_id"));
  if (device > UINT32_MAX) return c.field_error("device_id", "over 32 bits");
  in.device_id = static_cast<std::uint32_t>(device);
  return in;
}

}  // namespace parley::conformance::detail
