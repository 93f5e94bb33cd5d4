// The blob store's frames (spec §7.1): chunked, resumable uploads and range downloads of encrypted
// blobs addressed by their SHA-256.
#pragma once

#include <cstdint>

#include "parley/core/bytes.h"

namespace parley::wire {

// device -> server.
struct BlobUpload {
  core::Bytes content_hash;  // 32 bytes: SHA-256 of the whole blob
  std::uint64_t offset = 0;
  std::uint64_t total_size = 0;
  core::Bytes data;
  friend bool operator==(const BlobUpload&, const BlobUpload&) = default;
};

// device -> server.
struct BlobDownload {
  core::Bytes content_hash;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  friend bool operator==(const BlobDownload&, const BlobDownload&) = default;
};

// device -> server: where does this blob's upload continue (spec §7.1)?
struct BlobStatus {
  core::Bytes content_hash;
  friend bool operator==(const BlobStatus&, const BlobStatus&) = default;
};

// server -> device: the reply to blobStatus.
struct BlobState {
  core::Bytes content_hash;
  std::uint64_t total_size = 0;
  std::uint64_t received = 0;  // the next chunk starts here
  bool complete = false;
  friend bool operator==(const BlobState&, const BlobState&) = default;
};

// device -> server: a recipient device has downloaded and checked the blob (spec §7.1).
struct BlobFetched {
  core::Bytes content_hash;
  friend bool operator==(const BlobFetched&, const BlobFetched&) = default;
};

// server -> device: the reply to blobDownload.
struct BlobData {
  core::Bytes content_hash;
  std::uint64_t offset = 0;
  std::uint64_t total_size = 0;
  core::Bytes data;
  friend bool operator==(const BlobData&, const BlobData&) = default;
};

}  // namespace parley::wire
