// Mail (spec §7.3, §8.5): a send of one ciphertext per destination device and its acknowledgement
// (the single tick), delivery and the device's ack, the end of the backlog, and the retry request
// a device sends when it cannot decrypt a message.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/wire/frames/prekeys.h"

namespace parley::wire {

// One destination device's copy of a send (frames.capnp `DeviceCiphertext`; the bytes are the
// device ciphertext of device_ciphertext.h).
struct SendTarget {
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;  // the incarnation the sender encrypted for
  core::Bytes ciphertext;
  friend bool operator==(const SendTarget&, const SendTarget&) = default;
};

// device -> server.
struct Send {
  std::uint64_t client_message_id = 0;  // the idempotency key, with the sending device
  std::uint64_t destination = 0;        // the account written to
  std::vector<SendTarget> targets;
  std::uint64_t retry_of = 0;  // nonzero: a resend of that server id to one device (spec §8.5)
  // The content hashes of the blobs the message names (spec §7.1): every destination device may
  // download them. The server checks their size and count, not that the message names them.
  std::vector<core::Bytes> blob_refs{};
  friend bool operator==(const Send&, const Send&) = default;
};

// server -> device: the send is committed for every destination device.
struct SendAck {
  std::uint64_t client_message_id = 0;
  std::uint64_t server_id = 0;
  std::uint64_t server_timestamp_ms = 0;
  friend bool operator==(const SendAck&, const SendAck&) = default;
};

// server -> device: one queued message (request id 0).
struct Deliver {
  std::uint64_t server_id = 0;
  std::uint64_t server_timestamp_ms = 0;
  std::uint64_t sender_account = 0;  // set by the server from the sending session's login
  std::uint32_t sender_device = 0;
  core::Bytes ciphertext;
  friend bool operator==(const Deliver&, const Deliver&) = default;
};

// device -> server: the delivered message is safe on the device; delete it.
struct Ack {
  std::uint64_t server_id = 0;
  friend bool operator==(const Ack&, const Ack&) = default;
};

// server -> device: the backlog found at login is delivered.
struct QueueEmpty {
  friend bool operator==(const QueueEmpty&, const QueueEmpty&) = default;
};

// device -> server -> device: send that message again (spec §8.5). Sent, (account, device) is the
// message's sender; pushed, the server has put the asking device there.
struct RetryRequest {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  std::uint64_t server_id = 0;  // the message, as it was delivered
  std::uint32_t attempt = 0;    // 1 to 5
  std::optional<DeviceBundle> bundle;  // from the second attempt: the asking device's fresh bundle
  friend bool operator==(const RetryRequest&, const RetryRequest&) = default;
};

// frames.capnp `receipt` (@15), retired before any use: receipts are end-to-end encrypted contents
// (spec §10.2). Decoded only so that the server can refuse it as `unsupported`.
struct RetiredReceipt {
  friend bool operator==(const RetiredReceipt&, const RetiredReceipt&) = default;
};

}  // namespace parley::wire
