// Generates spec/vectors/noise-pipes.json (spec/test-vectors.md §3.15): the Parley channel of spec
// §6.8 byte for byte, for XX, IK and IK failing into XXfallback, each carrying frames both ways
// across rekeys (rekey_interval 2) and, in the XX case, a frame of two chunks.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "../pipes_transcript.h"
#include "generators.h"
#include "parley/core/hex.h"

namespace parley::conformance::detail {

namespace {

using Json = nlohmann::ordered_json;
namespace channel = transport::channel;
constexpr std::string_view kSeedName = "parley noise-pipes v1";
constexpr std::uint64_t kVectorRekeyInterval = 2;  // small, so that every case rekeys both ways

std::string pattern_name(channel::RecordKind kind) {
  switch (kind) {
    case channel::RecordKind::xx: return "XX";
    case channel::RecordKind::ik: return "IK";
    case channel::RecordKind::xx_fallback: return "XXfallback";
  }
  return "?";
}

Json hex_list(const std::vector<core::Bytes>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(core::to_hex(item));
  return out;
}

// Frame contents: HKDF caps one derivation at 8160 bytes, so a longer frame repeats its block.
core::Bytes frame_bytes(const LabelledSeed& seed, const std::string& label, std::size_t size) {
  constexpr std::size_t kBlock = 8160;
  const auto block = seed.derive(label, std::min(size, kBlock));
  core::Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = block[i % block.size()];
  return out;
}

enum class Pin { none, current, stale };

core::Result<Json> make_case(const LabelledSeed& seed, const std::string& id, const std::string& description, Pin pin,
                             const std::vector<std::pair<Side, std::vector<std::size_t>>>& sends_by_size) {
  PipesInputs in;
  in.rekey_interval = kVectorRekeyInterval;
  in.client_static_private = seed.x25519_private_key(id + "/client-static");
  in.server_static_private = seed.x25519_private_key(id + "/server-static");
  in.client_ephemeral_private = seed.x25519_private_key(id + "/client-ephemeral");
  in.server_ephemeral_private = seed.x25519_private_key(id + "/server-ephemeral");
  if (pin != Pin::none) {
    const auto pinned_private = pin == Pin::current ? in.server_static_private : seed.x25519_private_key(id + "/stale-server-static");
    PARLEY_TRY(const auto pinned, crypto::x25519_key_pair_from_private(pinned_private));
    in.pinned_server_key = pinned.public_key;
  }
  in.account_id = 1000 + seed.derive(id + "/account", 1)[0];
  in.device_id = 1 + seed.derive(id + "/device", 1)[0] % 5;

  std::vector<PipesSend> sends;
  for (std::size_t i = 0; i < sends_by_size.size(); ++i) {
    PipesSend send{sends_by_size[i].first, {}};
    for (std::size_t j = 0; j < sends_by_size[i].second.size(); ++j)
      send.frames.push_back(frame_bytes(seed, id + "/frame-" + std::to_string(i) + "-" + std::to_string(j),
                                        sends_by_size[i].second[j]));
    sends.push_back(std::move(send));
  }
  PARLEY_TRY(const auto transcript, run_pipes(in, sends));

  Json c{{"id", id}, {"description", description}};
  c["rekey_interval"] = in.rekey_interval;
  c["client_static_private"] = core::to_hex(in.client_static_private);
  c["server_static_private"] = core::to_hex(in.server_static_private);
  c["client_ephemeral_private"] = core::to_hex(in.client_ephemeral_private);
  c["server_ephemeral_private"] = core::to_hex(in.server_ephemeral_private);
  c["pinned_server_public"] = in.pinned_server_key ? Json(core::to_hex(*in.pinned_server_key)) : Json(nullptr);
  c["account_id"] = in.account_id;
  c["device_id"] = in.device_id;
  c["client_static_public"] = core::to_hex(transcript.client_static_public);
  c["server_static_public"] = core::to_hex(transcript.server_static_public);
  c["pattern"] = pattern_name(transcript.pattern);
  c["handshake_hash"] = core::to_hex(transcript.handshake_hash);
  Json messages = Json::array();
  for (const auto& m : transcript.messages)
    messages.push_back(Json{{"sender", side_name(m.sender)}, {"bytes", core::to_hex(m.bytes)}, {"frames", hex_list(m.frames)}});
  c["messages"] = std::move(messages);
  return c;
}

}  // namespace

core::Result<std::string> generate_noise_pipes() {
  const LabelledSeed seed(kSeedName);
  // 66000 bytes is two chunks (spec §6.9); the sizes put rekeys inside and between frames.
  const std::vector<std::pair<Side, std::vector<std::size_t>>> long_run = {
      {Side::client, {1, 100}}, {Side::server, {70}}, {Side::client, {66000}}, {Side::server, {5, 5}},
      {Side::client, {12}}};
  const std::vector<std::pair<Side, std::vector<std::size_t>>> short_run = {
      {Side::client, {1}}, {Side::server, {40, 3}}, {Side::client, {20, 21}}, {Side::server, {8}}};
  Json cases = Json::array();
  PARLEY_TRY(auto xx, make_case(seed, "xx", "first contact: no pinned key, so XX", Pin::none, long_run));
  cases.push_back(std::move(xx));
  PARLEY_TRY(auto ik, make_case(seed, "ik", "reconnect with the current key pinned: IK", Pin::current, short_run));
  cases.push_back(std::move(ik));
  PARLEY_TRY(auto fallback, make_case(seed, "ik-fallback",
                                      "a stale key pinned: the server cannot read IK message 0 and answers "
                                      "with XXfallback (trust on first use accepts the new key)",
                                      Pin::stale, short_run));
  cases.push_back(std::move(fallback));
  return vector_file_text(
      "noise-pipes",
      "Generated by `parley-conformance generate noise-pipes` (spec/test-vectors.md §3.15). The Parley "
      "channel of spec §6.8 byte for byte: each message is what one side writes to the socket in one go "
      "(the connection header is the start of the client's first), and the frames it carries. Inputs "
      "are HKDF-SHA256(ikm = seed, info = \"<case id>/<label>\") with seed = SHA-256(\"parley noise-pipes "
      "v1\"); frames longer than 8160 bytes repeat their first 8160; private keys are clamped; public keys are raw 32-byte u. Each side's ephemeral private key "
      "is the only randomness it draws. rekey_interval is 2 so that the cases rekey.",
      seed, std::move(cases));
}

}  // namespace parley::conformance::detail
