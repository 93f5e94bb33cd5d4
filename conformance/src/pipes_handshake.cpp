#include "pipes_handshake.h"

#include "parley/crypto/entropy.h"
#include "parley/transport/noise/handshake_state.h"

namespace parley::conformance::detail {

namespace noise = transport::noise;

std::string pattern_name(noise::PatternId pattern) {
  switch (pattern) {
    case noise::PatternId::nn:
      return "NN";
    case noise::PatternId::xx:
      return "XX";
    case noise::PatternId::ik:
      return "IK";
    case noise::PatternId::xx_fallback:
      return "XXfallback";
  }
  return "?";
}

namespace {

struct End {
  noise::HandshakeState handshake;
  crypto::ScriptedEntropy entropy;
  std::optional<noise::TransportCiphers> transport;
};

core::Result<noise::HandshakeState> initialize(const PipesHandshakeInputs& in, noise::PatternId pattern,
                                               noise::Role role, const crypto::X25519KeyPair& local,
                                               const std::optional<crypto::X25519PublicKey>& remote) {
  noise::HandshakeConfig config;
  config.protocol = {pattern, in.cipher, in.hash};
  config.role = role;
  config.prologue = in.prologue;
  config.local_static = local;
  config.remote_static = remote;
  return noise::HandshakeState::initialize(config);
}

core::Error malformed(const std::string& what) { return core::make_error(core::Errc::malformed, what); }

core::Result<std::optional<crypto::X25519PublicKey>> read_pin(const Case& c) {
  PARLEY_TRY(const auto pinned, c.optional_bytes("pinned_server_public"));
  if (!pinned) return std::optional<crypto::X25519PublicKey>{};
  if (pinned->size() != crypto::kX25519KeySize) return c.field_error("pinned_server_public", "not 32 bytes");
  crypto::X25519PublicKey key{};
  std::copy(pinned->begin(), pinned->end(), key.begin());
  return std::optional<crypto::X25519PublicKey>(key);
}

}  // namespace

core::Result<noise::Protocol> read_pipes_suite(const Case& c) {
  PARLEY_TRY(const auto cipher, c.optional_string("cipher"));
  PARLEY_TRY(const auto hash, c.optional_string("hash"));
  // The parser of protocol names (spec §6.1) decides what is in the profile.
  const std::string name = "Noise_XX_25519_" + cipher.value_or("AESGCM") + "_" + hash.value_or("SHA256");
  auto protocol = noise::parse_protocol_name(name);
  if (!protocol && protocol.code() != core::Errc::unsupported)
    return c.field_error("cipher", "with `hash` not a Noise protocol name: " + protocol.error().detail);
  return protocol;
}

core::Result<PipesHandshakeInputs> read_pipes_handshake_inputs(const Case& c) {
  PipesHandshakeInputs in;
  PARLEY_TRY(const auto suite, read_pipes_suite(c));
  in.cipher = suite.cipher;
  in.hash = suite.hash;
  PARLEY_TRY(in.prologue, c.bytes("prologue"));
  PARLEY_TRY(in.client_static_private, c.bytes("client_static_private"));
  PARLEY_TRY(in.server_static_private, c.bytes("server_static_private"));
  PARLEY_TRY(in.client_ephemeral_private, c.bytes("client_ephemeral_private"));
  PARLEY_TRY(in.server_ephemeral_private, c.bytes("server_ephemeral_private"));
  PARLEY_TRY(in.pinned_server_key, read_pin(c));
  return in;
}

core::Result<PipesHandshakeTranscript> run_pipes_handshake(const PipesHandshakeInputs& in,
                                                           const std::vector<PipesNoiseMessage>& messages) {
  PARLEY_TRY(auto client_static, crypto::x25519_key_pair_from_private(in.client_static_private));
  PARLEY_TRY(auto server_static, crypto::x25519_key_pair_from_private(in.server_static_private));
  PipesHandshakeTranscript out;
  out.client_static_public = client_static.public_key;
  out.server_static_public = server_static.public_key;

  // The server learns the client's choice from the record kind (spec §6.8): both start with it.
  const auto first = in.pinned_server_key ? noise::PatternId::ik : noise::PatternId::xx;
  PARLEY_TRY(auto client_hs,
             initialize(in, first, noise::Role::initiator, client_static, in.pinned_server_key));
  PARLEY_TRY(auto server_hs, initialize(in, first, noise::Role::responder, server_static, std::nullopt));
  End client{std::move(client_hs), crypto::ScriptedEntropy(in.client_ephemeral_private), std::nullopt};
  End server{std::move(server_hs), crypto::ScriptedEntropy(in.server_ephemeral_private), std::nullopt};

  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    const std::string at = "message " + std::to_string(i) + " (" + side_name(m.sender) + ")";
    End& writer = m.sender == Side::client ? client : server;
    End& reader = m.sender == Side::client ? server : client;
    PipesNoiseMessage produced{m.sender, m.payload, {}};
    if (!writer.transport) {
      if (writer.handshake.is_finished() || !writer.handshake.is_my_turn())
        return malformed(at + ": not this side's turn in the handshake");
      PARLEY_TRY(produced.ciphertext, writer.handshake.write_message(m.payload, writer.entropy));
      auto read = reader.handshake.read_message(produced.ciphertext);
      if (!read && i == 0 && first == noise::PatternId::ik && read.code() == core::Errc::decrypt_failed) {
        // A stale pin (spec §6.7): the server takes the client's ephemeral from the message it
        // could not read and starts XXfallback; the client follows when the answer arrives.
        PARLEY_TRY(server.handshake, server.handshake.fallback(produced.ciphertext));
        PARLEY_TRY(client.handshake, client.handshake.fallback({}));
      } else {
        if (!read) return core::make_error(read.code(), at + ": " + read.error().detail);
        if (*read != m.payload)
          return core::make_error(core::Errc::internal, at + ": the reader got another payload");
      }
      if (client.handshake.is_finished() && server.handshake.is_finished()) {
        PARLEY_TRY(client.transport, client.handshake.split());
        PARLEY_TRY(server.transport, server.handshake.split());
      }
    } else {
      PARLEY_TRY(produced.ciphertext, writer.transport->send.encrypt_with_ad({}, m.payload));
      PARLEY_TRY(const auto read, reader.transport->receive.decrypt_with_ad({}, produced.ciphertext));
      if (read != m.payload)
        return core::make_error(core::Errc::internal, at + ": the reader got another payload");
    }
    out.messages.push_back(std::move(produced));
  }
  if (!client.transport) return malformed("the messages end before the handshake does");
  if (client.handshake.handshake_hash() != server.handshake.handshake_hash())
    return core::make_error(core::Errc::internal, "the two sides disagree on the handshake hash");
  if (client.entropy.remaining() != 0 || server.entropy.remaining() != 0)
    return malformed("a side did not draw exactly its ephemeral key");
  out.protocol = client.handshake.protocol();
  out.handshake_hash = client.handshake.handshake_hash();
  return out;
}

}  // namespace parley::conformance::detail
