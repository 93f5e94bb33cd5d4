// A message's content as one device encrypts it for another (spec §8.6, spec/wire/content.capnp),
// and the device ciphertext a send carries: the pairwise message's type byte, then the message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/protocol/receipts/ticks.h"

namespace parley::wire {

// The largest content accepted: a text message well under the server's 96 KiB per ciphertext.
inline constexpr std::size_t kMaxContentSize = 64 * 1024;

// At most this many marks in one receipt (spec §10.2): a device acknowledges a backlog in several.
inline constexpr std::size_t kMaxReceiptMarks = 1024;

// One message (delivered, played) or "up to and including" (read) of one device of the sender.
struct ReceiptMark {
  std::uint32_t sender_device = 0;
  std::uint64_t message_id = 0;
  friend auto operator<=>(const ReceiptMark&, const ReceiptMark&) = default;
};

// A receipt's body (spec §10.2): about `chat`'s messages (the account that sent them).
struct ReceiptBody {
  protocol::receipts::Status type = protocol::receipts::Status::delivered;  // delivered, read or played
  std::uint64_t chat = 0;
  std::vector<ReceiptMark> marks;
  friend bool operator==(const ReceiptBody&, const ReceiptBody&) = default;
};

struct Content {
  std::uint64_t message_id = 0;
  std::uint64_t timestamp_ms = 0;
  std::string text;
  // Set: a copy for one of the sender's own other devices of a message that went to this account.
  std::optional<std::uint64_t> sent_to = std::nullopt;
  // Set: the content is this receipt (no text, no copy).
  std::optional<ReceiptBody> receipt = std::nullopt;
  friend bool operator==(const Content&, const Content&) = default;
};

core::Result<core::Bytes> encode_content(const Content& content);
// `malformed` for bytes that are not a Content (or a receipt with no marks, a mark of device 0 or
// message 0, or a read receipt naming a device twice), `unsupported_version`, `limit_exceeded`
// past kMaxContentSize or kMaxReceiptMarks, `unsupported` for a body kind this build does not know.
core::Result<Content> decode_content(core::BytesView bytes);

}  // namespace parley::wire
