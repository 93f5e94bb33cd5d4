// Two ends of a Parley channel in memory (spec §6.8), for the channel tests and the vectors: keys
// from a labelled stream, and pumps that move bytes between the ends as a socket would.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "parley/crypto/entropy.h"
#include "parley/transport/channel/client_channel.h"
#include "parley/transport/channel/server_channel.h"

namespace parley::transport::channel::testing {

inline crypto::X25519KeyPair key_pair(std::uint64_t seed) {
  crypto::StreamEntropy entropy(seed);
  return crypto::generate_x25519_key_pair(entropy).value();
}

inline core::Bytes sample_bytes(std::size_t size, std::uint8_t seed = 1) {
  core::Bytes b(size);
  for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 13 + (i >> 9));
  return b;
}

struct Pair {
  ClientChannel client;
  ServerChannel server;
  core::Bytes client_to_server;  // the client's first bytes, not yet delivered
};

inline ClientChannelConfig client_config(std::optional<crypto::X25519PublicKey> server_key = std::nullopt) {
  ClientChannelConfig config;
  config.static_key = key_pair(1);
  config.server_key = server_key;
  config.device = {42, 3};
  return config;
}

inline ServerChannelConfig server_config(std::uint64_t seed = 2) {
  ServerChannelConfig config;
  config.static_key = key_pair(seed);
  return config;
}

// Runs the handshake to completion, delivering each side's bytes whole; returns the frames each
// side received on the way (none, unless a test queued some).
inline void complete(ClientChannel& client, ServerChannel& server, core::Bytes first, crypto::Entropy& entropy) {
  auto to_server = std::move(first);
  while (!to_server.empty()) {
    auto server_out = server.receive(to_server, entropy);
    ASSERT_TRUE(server_out.ok()) << core::to_string(server_out.error());
    to_server.clear();
    if (server_out->to_send.empty()) break;
    auto client_out = client.receive(server_out->to_send, entropy);
    ASSERT_TRUE(client_out.ok()) << core::to_string(client_out.error());
    to_server = std::move(client_out->to_send);
  }
}

}  // namespace parley::transport::channel::testing
