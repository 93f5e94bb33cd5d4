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
// The whole encoding: the text's limit and room for the fields around it. An attachment's
// description must fit too, sidecar and thumbnail included (spec §12.4).
inline constexpr std::size_t kMaxEncodedContentSize = kMaxContentSize + 256;

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

// Spec §12.4's limits on an attachment's description (spec/wire/content.capnp).
inline constexpr std::uint64_t kMaxMediaFileLength = 2ull << 30;
inline constexpr std::size_t kMaxThumbnailSize = 16 * 1024;
inline constexpr std::size_t kMaxMediaNameSize = 255;  // the MIME type and the file name each

// An attachment (spec §12.4): enough to fetch, check and decrypt its upload (spec §12.1).
struct MediaBody {
  std::string type;  // spec §12.1's table; another: `unsupported`
  std::string mime_type;
  std::string file_name;  // a name, never a path
  std::uint64_t file_length = 0;
  core::Bytes media_key;        // 32
  core::Bytes file_sha256;      // 32
  core::Bytes file_enc_sha256;  // 32: the blob's address
  std::string caption;
  std::uint32_t width = 0, height = 0, duration_ms = 0;
  core::Bytes streaming_sidecar;  // empty or one entry per chunk
  core::Bytes thumbnail_jpeg;     // empty or at most kMaxThumbnailSize
  friend bool operator==(const MediaBody&, const MediaBody&) = default;
};

// The group a message belongs to and the membership the sender's verified log had when it wrote
// it (spec §11.3): the version and the hash of that version's entry.
struct GroupContext {
  core::Bytes group;  // 16
  std::uint64_t membership_version = 0;
  core::Bytes membership_head;  // 32
  friend bool operator==(const GroupContext&, const GroupContext&) = default;
};

// Past this a sender-key distribution message is not one (libsignal's is about 90 bytes).
inline constexpr std::size_t kMaxDistributionSize = 256;

struct Content {
  std::uint64_t message_id = 0;
  std::uint64_t timestamp_ms = 0;
  std::string text;
  // Set: a copy for one of the sender's own other devices of a message that went to this account.
  std::optional<std::uint64_t> sent_to = std::nullopt;
  // Set: the content is this receipt (no text, no copy).
  std::optional<ReceiptBody> receipt = std::nullopt;
  // Set: the message is this attachment (its text empty); with sent_to, a copy of one.
  std::optional<MediaBody> media = std::nullopt;
  // Set: a group message (text or media) of this group, or with `distribution` the group's key.
  std::optional<GroupContext> group = std::nullopt;
  // Set (with `group`): the content is the sender's sender-key distribution message for the group.
  std::optional<core::Bytes> distribution = std::nullopt;
  friend bool operator==(const Content&, const Content&) = default;
};

// An attachment's description as spec §12.4 requires: a media type of the table (`unsupported`
// otherwise), 32-byte key and hashes, a length up to kMaxMediaFileLength, a name that is not a path,
// a sidecar with exactly one entry per chunk of the upload, a thumbnail up to kMaxThumbnailSize
// (`malformed` or `limit_exceeded` otherwise).
core::Result<void> check_media(const MediaBody& media);

core::Result<core::Bytes> encode_content(const Content& content);
// `malformed` for bytes that are not a Content (or a receipt with no marks, a mark of device 0 or
// message 0, or a read receipt naming a device twice; a group context that is not 16 and 32 bytes
// and a version from 1, or one with a receipt or an own-device copy; a distribution without its
// group or past kMaxDistributionSize), `unsupported_version`, `limit_exceeded`
// past kMaxContentSize or kMaxReceiptMarks, `unsupported` for a body kind this build does not know.
// An attachment must pass check_media: encode refuses what decode would.
core::Result<Content> decode_content(core::BytesView bytes);

// An attachment's description alone, as a device keeps it with the message it came in: the content
// encoding of a Content that holds only it, so that what is kept is what the wire checks.
core::Result<core::Bytes> encode_media(const MediaBody& media);
core::Result<MediaBody> decode_media(core::BytesView bytes);  // `malformed` if it holds no attachment

}  // namespace parley::wire
