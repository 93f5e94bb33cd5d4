// The Store's blob store (spec §7.1): content-addressed, chunked and resumable uploads checked
// against their SHA-256, range reads.
#include <algorithm>
#include <cstring>

#include "parley/crypto/hash.h"
#include "parley/server/store/store.h"
#include "store_internal.h"

namespace parley::server {

using core::Errc;
using core::make_error;
using Access = StorageBackend::Access;

namespace {

Result<BlobHash> blob_hash(core::BytesView content_hash) {
  if (content_hash.size() != kBlobHashSize) return make_error(Errc::malformed, "content hash: wrong size");
  BlobHash hash;
  std::copy(content_hash.begin(), content_hash.end(), hash.begin());
  return hash;
}

// The first offset a piece overlapping `offset` can start at.
std::uint64_t first_piece_start(std::uint64_t offset) {
  return offset >= kBlobPieceSize ? offset - kBlobPieceSize + 1 : 0;
}

// Hashes the stored pieces, which tile [0, total_size) in order.
Result<bool> stored_bytes_match(StorageBackend& backend, const BlobHash& hash, std::uint64_t total_size) {
  crypto::Sha256 sha;
  std::uint64_t position = 0;
  while (position < total_size) {
    PARLEY_TRY(auto pieces, backend.blob_pieces(hash, position, position + 4 * kBlobPieceSize));
    if (pieces.empty()) return storage_failure("blob pieces missing");
    for (const auto& piece : pieces) {
      if (piece.offset != position) return storage_failure("blob pieces out of order");
      sha.update(piece.data);
      position += piece.data.size();
    }
  }
  if (position != total_size) return storage_failure("blob pieces longer than the blob");
  return sha.final() == hash;
}

}  // namespace

Result<BlobState> Store::put_blob_chunk(const BlobChunk& chunk) {
  PARLEY_TRY(const BlobHash hash, blob_hash(chunk.content_hash));
  if (chunk.total_size > settings_.max_blob_size)
    return make_error(Errc::message_too_large,
                      "blob larger than " + std::to_string(settings_.max_blob_size) + " bytes");
  if (chunk.total_size == 0) return make_error(Errc::malformed, "empty blob");
  if (chunk.offset > chunk.total_size || chunk.data.size() > chunk.total_size - chunk.offset)
    return make_error(Errc::malformed, "chunk past the end of the blob");

  struct Outcome {
    BlobState state;
    bool hash_mismatch = false;
  };
  auto outcome = transaction(Access::write, [&]() -> Result<Outcome> {
    PARLEY_TRY(auto stored, backend_->blob(hash));
    if (stored && stored->total_size != chunk.total_size)
      return make_error(Errc::malformed, "total size differs from the stored blob's");
    if (stored && stored->complete) return Outcome{*stored};
    BlobState state = stored ? *stored : BlobState{chunk.total_size, 0, false, clock_()};
    if (chunk.offset > state.received)
      return make_error(Errc::malformed, "chunk leaves a gap: resume at " + std::to_string(state.received));
    // Bytes already received (a resumed upload repeating a chunk) are skipped; the hash check at
    // completion catches a repeat that differs.
    const std::uint64_t skip = state.received - chunk.offset;
    core::BytesView fresh(chunk.data);
    fresh = skip >= fresh.size() ? core::BytesView{} : fresh.subspan(skip);
    while (!fresh.empty()) {
      const auto n = std::min<std::uint64_t>(fresh.size(), kBlobPieceSize);
      PARLEY_CHECK(backend_->insert_blob_piece(hash, state.received, fresh.first(n)));
      state.received += n;
      fresh = fresh.subspan(n);
    }
    if (state.received == state.total_size) {
      PARLEY_TRY(bool match, stored_bytes_match(*backend_, hash, state.total_size));
      if (!match) {
        PARLEY_CHECK(backend_->delete_blob(hash));  // committed: the client starts over
        return Outcome{state, true};
      }
      state.complete = true;
    }
    PARLEY_CHECK(backend_->put_blob(hash, state));
    return Outcome{state};
  });
  if (!outcome.ok()) return outcome.error();
  if (outcome->hash_mismatch) return make_error(Errc::malformed, "the bytes do not match the content hash");
  return outcome->state;
}

Result<BlobState> Store::blob_state(core::BytesView content_hash) {
  PARLEY_TRY(const BlobHash hash, blob_hash(content_hash));
  return transaction(Access::read, [&]() -> Result<BlobState> {
    PARLEY_TRY(auto stored, backend_->blob(hash));
    if (!stored) return make_error(Errc::not_found, "no such blob");
    return *stored;
  });
}

Result<core::Bytes> Store::read_blob(core::BytesView content_hash, std::uint64_t offset,
                                     std::uint64_t length) {
  PARLEY_TRY(const BlobHash hash, blob_hash(content_hash));
  return transaction(Access::read, [&]() -> Result<core::Bytes> {
    PARLEY_TRY(auto stored, backend_->blob(hash));
    if (!stored || !stored->complete) return make_error(Errc::not_found, "no such blob");
    if (offset > stored->total_size) return make_error(Errc::malformed, "offset past the end of the blob");
    const std::uint64_t end =
        offset + std::min<std::uint64_t>({length, settings_.max_blob_read, stored->total_size - offset});
    core::Bytes out;
    out.reserve(end - offset);
    if (end == offset) return out;
    PARLEY_TRY(auto pieces, backend_->blob_pieces(hash, first_piece_start(offset), end));
    for (const auto& piece : pieces) {
      const std::uint64_t from = std::max(offset, piece.offset);
      const std::uint64_t to = std::min(end, piece.offset + piece.data.size());
      if (from >= to) continue;
      out.insert(out.end(), piece.data.begin() + static_cast<std::ptrdiff_t>(from - piece.offset),
                 piece.data.begin() + static_cast<std::ptrdiff_t>(to - piece.offset));
    }
    if (out.size() != end - offset) return storage_failure("blob pieces missing");
    return out;
  });
}

Result<std::size_t> Store::expire_blobs() {
  return transaction(Access::write, [&]() -> Result<std::size_t> {
    const TimestampMs now = clock_();
    const auto before = [now](TimestampMs age) { return now > age ? now - age : 0; };
    return backend_->expire_blobs(before(settings_.blob_retention_ms),
                                  before(settings_.blob_upload_timeout_ms));
  });
}

}  // namespace parley::server
