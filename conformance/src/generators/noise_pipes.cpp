// Generates the noise-pipes files (spec/test-vectors.md §3.15). noise-pipes.json: the Parley channel
// of spec §6.8 byte for byte, for XX, IK and IK failing into XXfallback, each carrying frames both
// ways across rekeys (rekey_interval 2) and, in the XX case, a frame of two chunks.
// noise-pipes-suites.json: the same three paths at the Noise layer with every cipher and hash of
// the profile (spec §6.1), which the channel, fixed to AESGCM and SHA256, cannot carry.
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "../pipes_handshake.h"
#include "../pipes_transcript.h"
#include "generators.h"
#include "parley/core/hex.h"

namespace parley::conformance::detail {

namespace {

using Json = nlohmann::ordered_json;
namespace channel = transport::channel;
constexpr std::string_view kSeedName = "parley noise-pipes v1";
constexpr std::string_view kSuitesSeedName = "parley noise-pipes-suites v1";
constexpr std::uint64_t kVectorRekeyInterval = 2;  // small, so that every case rekeys both ways

std::string record_pattern_name(channel::RecordKind kind) {
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
  c["pattern"] = record_pattern_name(transcript.pattern);
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

namespace {

struct Suite {
  crypto::Aead cipher;
  const char* cipher_name;
  crypto::NoiseHash hash;
  const char* hash_name;
};

constexpr Suite kSuites[] = {
    {crypto::Aead::aes256_gcm, "AESGCM", crypto::NoiseHash::sha256, "SHA256"},
    {crypto::Aead::aes256_gcm, "AESGCM", crypto::NoiseHash::sha512, "SHA512"},
    {crypto::Aead::aes256_gcm, "AESGCM", crypto::NoiseHash::blake2s, "BLAKE2s"},
    {crypto::Aead::aes256_gcm, "AESGCM", crypto::NoiseHash::blake2b, "BLAKE2b"},
    {crypto::Aead::chacha20_poly1305, "ChaChaPoly", crypto::NoiseHash::sha256, "SHA256"},
    {crypto::Aead::chacha20_poly1305, "ChaChaPoly", crypto::NoiseHash::sha512, "SHA512"},
    {crypto::Aead::chacha20_poly1305, "ChaChaPoly", crypto::NoiseHash::blake2s, "BLAKE2s"},
    {crypto::Aead::chacha20_poly1305, "ChaChaPoly", crypto::NoiseHash::blake2b, "BLAKE2b"},
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

// The handshake payloads of spec §6.8, big-endian: ServerPayload = version (2); ClientPayload =
// version (2) || account id (8) || device id (4). Frame protocol version 1.
core::Bytes server_payload() { return {0x00, 0x01}; }
core::Bytes client_payload(std::uint64_t account, std::uint32_t device) {
  core::Bytes out{0x00, 0x01};
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(account >> shift));
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(device >> shift));
  return out;
}

core::Result<Json> make_handshake_case(const LabelledSeed& seed, const char* path, Pin pin,
                                       const Suite& suite) {
  const std::string id = std::string(path) + "-" + lower(suite.cipher_name) + "-" + lower(suite.hash_name);
  PipesHandshakeInputs in;
  in.cipher = suite.cipher;
  in.hash = suite.hash;
  in.prologue = channel::prologue();
  in.client_static_private = seed.x25519_private_key(id + "/client-static");
  in.server_static_private = seed.x25519_private_key(id + "/server-static");
  in.client_ephemeral_private = seed.x25519_private_key(id + "/client-ephemeral");
  in.server_ephemeral_private = seed.x25519_private_key(id + "/server-ephemeral");
  if (pin != Pin::none) {
    const auto pinned_private =
        pin == Pin::current ? in.server_static_private : seed.x25519_private_key(id + "/stale-server-static");
    PARLEY_TRY(const auto pinned, crypto::x25519_key_pair_from_private(pinned_private));
    in.pinned_server_key = pinned.public_key;
  }
  const std::uint64_t account = 1000 + seed.derive(id + "/account", 1)[0];
  const std::uint32_t device = 1 + seed.derive(id + "/device", 1)[0] % 5;

  // The handshake alternates from the client on every path: XX says nothing in its first message;
  // IK sends the credentials at once, also when the pin is stale and the server cannot read them.
  std::vector<PipesNoiseMessage> messages;
  const auto client = client_payload(account, device);
  if (pin == Pin::none) {
    messages = {{Side::client, {}, {}}, {Side::server, server_payload(), {}}, {Side::client, client, {}}};
  } else if (pin == Pin::current) {
    messages = {{Side::client, client, {}}, {Side::server, server_payload(), {}}};
  } else {
    messages = {{Side::client, client, {}}, {Side::server, server_payload(), {}}, {Side::client, client, {}}};
  }
  const std::pair<Side, std::size_t> transport[] = {
      {Side::client, 1}, {Side::server, 0}, {Side::client, 64}, {Side::server, 300}};
  for (std::size_t i = 0; i < std::size(transport); ++i)
    messages.push_back(
        {transport[i].first, seed.derive(id + "/transport-" + std::to_string(i), transport[i].second), {}});
  PARLEY_TRY(const auto transcript, run_pipes_handshake(in, messages));

  const char* description = pin == Pin::none      ? "no pinned key: XX"
                            : pin == Pin::current ? "the current key pinned: IK"
                                                  : "a stale key pinned: IK fails at the server, XXfallback";
  Json c{{"id", id}, {"kind", "handshake"}, {"description", description}};
  c["cipher"] = suite.cipher_name;
  c["hash"] = suite.hash_name;
  c["prologue"] = core::to_hex(in.prologue);
  c["client_static_private"] = core::to_hex(in.client_static_private);
  c["server_static_private"] = core::to_hex(in.server_static_private);
  c["client_ephemeral_private"] = core::to_hex(in.client_ephemeral_private);
  c["server_ephemeral_private"] = core::to_hex(in.server_ephemeral_private);
  c["pinned_server_public"] =
      in.pinned_server_key ? Json(core::to_hex(*in.pinned_server_key)) : Json(nullptr);
  c["client_static_public"] = core::to_hex(transcript.client_static_public);
  c["server_static_public"] = core::to_hex(transcript.server_static_public);
  c["pattern"] = pattern_name(transcript.protocol.pattern);
  c["protocol_name"] = transcript.protocol.name();
  c["handshake_hash"] = core::to_hex(transcript.handshake_hash);
  Json out = Json::array();
  for (const auto& m : transcript.messages)
    out.push_back(Json{{"sender", side_name(m.sender)},
                       {"payload", core::to_hex(m.payload)},
                       {"ciphertext", core::to_hex(m.ciphertext)}});
  c["messages"] = std::move(out);
  return c;
}

}  // namespace

core::Result<std::string> generate_noise_pipes_suites() {
  const LabelledSeed seed(kSuitesSeedName);
  Json cases = Json::array();
  for (const auto& [path, pin] :
       {std::pair{"xx", Pin::none}, std::pair{"ik", Pin::current}, std::pair{"ik-fallback", Pin::stale}})
    for (const auto& suite : kSuites) {
      PARLEY_TRY(auto c, make_handshake_case(seed, path, pin, suite));
      cases.push_back(std::move(c));
    }
  return vector_file_text(
      "noise-pipes",
      "Generated by `parley-conformance generate noise-pipes-suites` (spec/test-vectors.md §3.15). Kind "
      "handshake: Noise Pipes at the Noise layer (spec §6.5-6.7), XX with no pinned key, IK with the current "
      "key, IK failing into XXfallback with a stale one, for every cipher and hash of the profile (spec "
      "§6.1). "
      "The prologue and handshake payloads are the Parley channel's (spec §6.8); four transport messages "
      "follow the handshake. Inputs are HKDF-SHA256(ikm = seed, info = \"<case id>/<label>\") with seed = "
      "SHA-256(\"parley noise-pipes-suites v1\"); private keys are clamped; public keys are raw 32-byte u. "
      "Each side's ephemeral private key is the only randomness it draws.",
      seed, std::move(cases));
}

}  // namespace parley::conformance::detail
