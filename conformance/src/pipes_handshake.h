// Noise Pipes at the Noise layer (spec §6.5-6.7), with any cipher and hash of the profile (§6.1):
// the client starts with IK when it has the server's key pinned and XX when it has none; the
// server answers an IK message it cannot read (decrypt_failed: the pin is stale) with XXfallback,
// roles reversed. Shared by the generator and verifier of the `noise-pipes` kind `handshake`
// (spec/test-vectors.md §3.15), which the Parley channel itself cannot carry: §6.8 fixes the channel
// to AESGCM and SHA256.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "parley/conformance/vector_file.h"
#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/x25519.h"
#include "parley/transport/noise/protocol.h"
#include "pipes_transcript.h"

namespace parley::conformance::detail {

struct PipesHandshakeInputs {
  crypto::Aead cipher = crypto::Aead::aes256_gcm;
  crypto::NoiseHash hash = crypto::NoiseHash::sha256;
  core::Bytes prologue;
  core::Bytes client_static_private;
  core::Bytes server_static_private;
  core::Bytes client_ephemeral_private;  // the client's only draw
  core::Bytes server_ephemeral_private;  // the server's only draw
  std::optional<crypto::X25519PublicKey> pinned_server_key;
};

// One Noise message: its writer and payload in; the ciphertext out.
struct PipesNoiseMessage {
  Side sender = Side::client;
  core::Bytes payload;
  core::Bytes ciphertext;
};

struct PipesHandshakeTranscript {
  std::vector<PipesNoiseMessage> messages;  // the handshake's, then the transport messages
  transport::noise::Protocol protocol;      // the one the handshake completed with
  core::Bytes handshake_hash;
  crypto::X25519PublicKey client_static_public{};
  crypto::X25519PublicKey server_static_public{};
};

// Writes each message in turn (`ciphertext` of the input is ignored) and has the other side read
// it, which must give back the payload. Handshake messages alternate from the client, as every
// Pipes path does; a message whose sender is not the side whose turn it is is `malformed`. After
// the handshake each message is a transport message from its sender. Each side must draw exactly
// its ephemeral key. Failures of the Noise layer come back as they are.
core::Result<PipesHandshakeTranscript> run_pipes_handshake(const PipesHandshakeInputs& inputs,
                                                           const std::vector<PipesNoiseMessage>& messages);

// "XX", "IK" or "XXfallback".
std::string pattern_name(transport::noise::PatternId pattern);

// The suite named by a case's `cipher` and `hash` (Noise names: AESGCM, ChaChaPoly; SHA256,
// SHA512, BLAKE2s, BLAKE2b), absent meaning AESGCM and SHA256. A well-formed name outside the
// profile is `unsupported`; anything else `malformed`.
core::Result<transport::noise::Protocol> read_pipes_suite(const Case& c);

// The inputs of a `handshake` case: the suite, `prologue`, the four private keys and
// `pinned_server_public`.
core::Result<PipesHandshakeInputs> read_pipes_handshake_inputs(const Case& c);

}  // namespace parley::conformance::detail
