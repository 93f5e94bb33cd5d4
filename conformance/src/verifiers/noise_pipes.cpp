// Type `noise-pipes` (spec/test-vectors.md §3.15): the Parley channel (spec §6.8) rerun from the
// case's keys; every byte each side writes, every frame delivered, the pattern and the handshake
// hash must be the case's.
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

}  // namespace

core::Result<Outcome> verify_noise_pipes(const Case& c) {
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

  PARLEY_TRY(const auto client_public, c.bytes("client_static_public"));
  PARLEY_TRY(const auto server_public, c.bytes("server_static_public"));
  if (auto o = compare("client_static_public", client_public, transcript->client_static_public); failed(o)) return o;
  if (auto o = compare("server_static_public", server_public, transcript->server_static_public); failed(o)) return o;
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

}  // namespace parley::conformance::detail
