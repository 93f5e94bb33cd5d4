// A Parley channel conversation (spec §6.8) run from fixed keys, shared by the `noise-pipes`
// generator and verifier (spec/test-vectors.md §3.15): the generator writes the transcript it
// produces, the verifier produces one from the file's inputs and compares.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/conformance/vector_file.h"
#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/transport/channel/client_channel.h"

namespace parley::conformance::detail {

enum class Side { client, server };
std::string side_name(Side side);

struct PipesInputs {
  std::uint64_t rekey_interval = 0;
  core::Bytes client_static_private;
  core::Bytes server_static_private;
  core::Bytes client_ephemeral_private;  // the 32 bytes the client draws (its only draw)
  core::Bytes server_ephemeral_private;  // the 32 bytes the server draws (its only draw)
  std::optional<crypto::X25519PublicKey> pinned_server_key;
  std::uint64_t account_id = 0;
  std::uint32_t device_id = 0;
};

// Bytes one side writes in one go, and the frames they carry (none for a handshake message).
struct PipesMessage {
  Side sender = Side::client;
  core::Bytes bytes;
  std::vector<core::Bytes> frames;
};

// An application send after the handshake: `sender` seals these frames back to back.
struct PipesSend {
  Side sender = Side::client;
  std::vector<core::Bytes> frames;
};

struct PipesTranscript {
  std::vector<PipesMessage> messages;  // the handshake's, then one per send
  transport::channel::RecordKind pattern = transport::channel::RecordKind::xx;
  core::Bytes handshake_hash;
  crypto::X25519PublicKey client_static_public{};
  crypto::X25519PublicKey server_static_public{};
};

// Runs the handshake, then each send; the receiving side must get exactly the frames sent (else
// `internal`, a Parley bug). Errors of the channel itself come back as they are.
core::Result<PipesTranscript> run_pipes(const PipesInputs& inputs, const std::vector<PipesSend>& sends);

core::Result<PipesInputs> read_pipes_inputs(const Case& c);

}  // namespace parley::conformance::detail
