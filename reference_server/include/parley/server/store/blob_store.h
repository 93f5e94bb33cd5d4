// The blob store (spec §7.1): encrypted media, addressed by the SHA-256 of their bytes, uploaded
// in chunks (resumable by offset) and downloaded by range.
#pragma once

#include <array>
#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/server/store/ids.h"
#include "parley/server/store/mailboxes.h"

namespace parley::server {

inline constexpr std::size_t kBlobHashSize = 32;
using BlobHash = std::array<std::uint8_t, kBlobHashSize>;  // SHA-256 of the whole blob

// frames.capnp BlobUpload.
struct BlobChunk {
  core::Bytes content_hash;  // kBlobHashSize
  std::uint64_t offset = 0;
  std::uint64_t total_size = 0;
  core::Bytes data;
};

struct BlobState {
  std::uint64_t total_size = 0;
  std::uint64_t received = 0;  // an upload resumes here
  bool complete = false;       // received == total_size and the hash verified
  TimestampMs created_ms = 0;  // when the upload started
  // The device whose chunk started the upload: it may read the blob, and it counts against its
  // account's quota (spec §7.1).
  MailboxAddress uploader{};
  friend bool operator==(const BlobState&, const BlobState&) = default;
};

}  // namespace parley::server
