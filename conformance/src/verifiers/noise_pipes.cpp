// Type `noise-pipes` (spec/test-vectors.md §3.15). Kind `channel` (a case without `kind`): the
// Parley channel (spec §6.8) rerun from the case's keys; every byte each side writes, every frame
// delivered, the pattern and the handshake hash must be the case's. Kind `handshake`: Noise Pipes
// at the Noise layer (spec §6.5-6.7) with the case's cipher and hash; every ciphertext, the
// pattern, the protocol name and the handshake hash must be the case's.
#include "../pipes_handshake.h"
#include "../pipes_transcript.h"
#include "checks.h"
#include "parley/core/hex.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

core::Result<Side> read_side(const Case& m) {
  PARLEY_TRY(const auto name, m.string("sender"));
  if (name == "client") return Side::client;
  if (name == "server") return Side::server;
  return m.field_error("sender", "expected \"client\" or \"server\"");
}

std::string pattern_of(transport::channel::RecordKind kind) {
  using transport::channel::RecordKind;
  return kind == RecordKind::xx ? "XX" : kind == RecordKind::ik ? "IK" : "XXfallback";
}

core::Result<Outcome> compare_publics(const Case& c, const crypto::X25519PublicKey& client,
                                      const crypto::X25519PublicKey& server) {
  PARLEY_TRY(const auto client_public, c.bytes("client_static_public"));
  PARLEY_TRY(const auto server_public, c.bytes("server_static_public"));
  if (auto o = compare("client_static_public", client_public, client); failed(o)) return o;
  return compare("server_static_public", server_public, server);
}

core::Result<Outcome> verify_handshake(const Case& c) {
  auto suite = read_pipes_suite(c);
  if (!suite) {
    if (suite.code() == core::Errc::unsupported) return Outcome::skip("unsupported: " + suite.error().detail);
    return suite.error();
  }
  PARLEY_TRY(const auto inputs, read_pipes_handshake_inputs(c));
  PARLEY_TRY(const auto message_cases, children(c, "messages"));
  std::vector<PipesNoiseMessage> messages;
  for (const auto& m : message_cases) {
    PipesNoiseMessage message;
    PARLEY_TRY(message.sender, read_side(m));
    PARLEY_TRY(message.payload, m.bytes("payload"));
    PARLEY_TRY(message.ciphertext, m.bytes("ciphertext"));
    messages.push_back(std::move(message));
  }
  auto transcript = run_pipes_handshake(inputs, messages);
  if (!transcript) return unexpected_error("running the handshake", transcript.error());

  PARLEY_TRY(auto publics,
             compare_publics(c, transcript->client_static_public, transcript->server_static_public));
  if (failed(publics)) return publics;
  for (std::size_t i = 0; i < messages.size(); ++i)
    if (auto o = compare("messages[" + std::to_string(i) + "].ciphertext", messages[i].ciphertext,
                         transcript->messages[i].ciphertext);
        failed(o))
      return o;
  PARLEY_TRY(const auto pattern, c.string("pattern"));
  if (pattern != pattern_name(transcript->protocol.pattern))
    return Outcome::fail("pattern: expected " + pattern + ", got " +
                         pattern_name(transcript->protocol.pattern));
  PARLEY_TRY(const auto name, c.string("protocol_name"));
  if (name != transcript->protocol.name())
    return Outcome::fail("protocol_name: expected " + name + ", got " + transcript->protocol.name());
  PARLEY_TRY(const auto hash, c.bytes("handshake_hash"));
  return compare("handshake_hash", hash, transcript->handshake_hash);
}

core::Result<Outcome> verify_channel(const Case& c) {
  // The channel runs one suite (spec §6.8); `cipher` and `hash`, when given, must name it.
  auto suite = read_pipes_suite(c);
  if (!suite && suite.code() != core::Errc::unsupported) return suite.error();
  const transport::noise::Protocol channel_suite;
  if (!suite || suite->cipher != channel_suite.cipher || suite->hash != channel_suite.hash)
    return Outcome::skip("unsupported: the Parley channel runs AESGCM and SHA256 only (spec §6.8)");
  PARLEY_TRY(const auto inputs, read_pipes_inputs(c));
  PARLEY_TRY(const auto message_cases, children(c, "messages"));
  std::vector<PipesMessage> expected;
  std::vector<PipesSend> sends;
  for (const auto& m : message_cases) {
    PipesMessage message;
    PARLEY_TRY(message.sender, read_side(m));
    PARLEY_TRY(message.bytes, m.bytes("bytes"));
    PARLEY_TRY(message.frames, m.bytes_list("frames"));
    if (!message.frames.empty()) sends.push_back({message.sender, message.frames});
    expected.push_back(std::move(message));
  }
  auto transcript = run_pipes(inputs, sends);
  if (!transcript) return unexpected_error("running the channel", transcript.error());

  PARLEY_TRY(auto publics,
             compare_publics(c, transcript->client_static_public, transcript->server_static_public));
  if (failed(publics)) return publics;
  PARLEY_TRY(const auto pattern, c.string("pattern"));
  if (pattern != pattern_of(transcript->pattern))
    return Outcome::fail("pattern: expected " + pattern + ", got " + pattern_of(transcript->pattern));
  if (transcript->messages.size() != expected.size())
    return Outcome::fail("messages: expected " + std::to_string(expected.size()) + ", got " +
                         std::to_string(transcript->messages.size()));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& got = transcript->messages[i];
    const std::string at = "messages[" + std::to_string(i) + "]";
    if (got.sender != expected[i].sender)
      return Outcome::fail(at + ".sender: expected " + side_name(expected[i].sender) + ", got " + side_name(got.sender));
    if (auto o = compare(at + ".bytes", expected[i].bytes, got.bytes); failed(o)) return o;
  }
  PARLEY_TRY(const auto hash, c.bytes("handshake_hash"));
  if (auto o = compare("handshake_hash", hash, transcript->handshake_hash); failed(o)) return o;
  return Outcome::pass();
}

}  // namespace

core::Result<Outcome> verify_noise_pipes(const Case& c) {
  PARLEY_TRY(const auto kind, c.optional_string("kind"));
  if (!kind || *kind == "channel") return verify_channel(c);
  if (*kind == "handshake") return verify_handshake(c);
  return unsupported_kind(*kind);
}

}  // namespace parley::conformance::detail
