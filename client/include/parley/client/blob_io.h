// Where a blob transfer (spec §7.1, §12) reads and writes: the client's files, a test's memory.
// The engine moves the bytes between these and the server; it never opens a file itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::client {

// One chunk per frame: a blobData frame carries at most 1 MiB (spec §6.9, max_blob_read), and a
// large chunk is one server transaction (one sync to disk) for many bytes.
inline constexpr std::size_t kBlobChunk = 1024 * 1024;
// Chunks in flight per transfer: enough to keep a loopback connection busy while the server syncs.
inline constexpr std::size_t kBlobWindow = 4;

// An upload's bytes (the encrypted upload file of spec §12.1).
class BlobSource {
 public:
  virtual ~BlobSource() = default;
  // Exactly `length` bytes at `offset`, or an error (the transfer stops with it).
  virtual core::Result<core::Bytes> read(std::uint64_t offset, std::size_t length) = 0;
};

// A download's bytes, appended in order.
class BlobSink {
 public:
  virtual ~BlobSink() = default;
  // How many bytes it holds: a download starts (and after a dropped connection resumes) there.
  virtual std::uint64_t size() const = 0;
  virtual core::Result<void> append(core::BytesView bytes) = 0;
};

}  // namespace parley::client
