// The frames a device sends to the server (spec §7.2, §7.3), built once for every client of the
// server: the reference client, parley-load and the integration tests.
#pragma once

#include <cstdint>
#include <span>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::transport {

struct RegisterRequest {
  core::BytesView identity_key;         // 33 bytes, 0x05 || key
  core::BytesView noise_static_key;     // 32 bytes
  core::BytesView noise_key_signature;  // 64 bytes: XEdDSA by the identity key over the Noise key
  std::uint32_t registration_id = 0;
};

// One destination device's ciphertext of a send.
struct SendTarget {
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;
  core::BytesView ciphertext;
};

core::Result<core::Bytes> encode_register(std::uint32_t request_id, const RegisterRequest& request);
// `retry_of`: nonzero for a resend of that message to one device (spec §8.5).
core::Result<core::Bytes> encode_send(std::uint32_t request_id, std::uint64_t client_message_id,
                                      std::uint64_t destination_account, std::span<const SendTarget> targets,
                                      std::uint64_t retry_of = 0);
// The primary links a companion by the keys the companion would register with (spec §7.2).
core::Result<core::Bytes> encode_link_device(std::uint32_t request_id, const RegisterRequest& companion);
core::Result<core::Bytes> encode_remove_device(std::uint32_t request_id, std::uint32_t device);
// Acks carry request id 0: the server answers none.
core::Result<core::Bytes> encode_ack(std::uint64_t server_id);
core::Result<core::Bytes> encode_fetch_prekeys(std::uint32_t request_id, std::uint64_t account);

}  // namespace parley::transport
