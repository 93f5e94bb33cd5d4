// What parley-load puts in a ciphertext. The server treats it as opaque bytes, as it must treat a
// real Signal message; the load generator reads it back at the receiver to check the delivery.
#pragma once

#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::load {

struct LoadPayload {
  std::uint32_t sender = 0;    // index of the sending device in this run
  std::uint32_t receiver = 0;  // index of the destination device
  std::uint64_t message = 0;   // the run's number for it, 0..M-1; a sender sends in increasing number
  std::uint64_t sent_ns = 0;   // steady clock when first sent, for the end-to-end latency
};

// magic (4) || sender (4) || receiver (4) || message (8) || sent_ns (8), big-endian, then zero
// padding to `size` bytes.
inline constexpr std::size_t kLoadPayloadHeader = 28;

// At least kLoadPayloadHeader bytes whatever `size` asks for.
core::Bytes encode_load_payload(const LoadPayload& payload, std::size_t size);
// malformed for bytes parley-load did not write.
core::Result<LoadPayload> decode_load_payload(core::BytesView bytes);

}  // namespace parley::load
