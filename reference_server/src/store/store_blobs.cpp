// The Store's blob store (spec §7.1): content-addressed, chunked and resumable uploads checked
// against their SHA-256, range reads, who may read a blob, deletion once every recipient fetched
// it, and the per-account quota.
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

// Inside a transaction: whether `device` may read the blob (its uploader, or granted by a send).
Result<bool> Store::may_read_blob(const BlobHash& hash, const BlobState& state, const MailboxAddress& device) {
  if (state.uploader == device) return true;
  PARLEY_TRY(auto grant, backend_->blob_grant(hash, device));
  return grant.has_value();
}

// Inside a send's transaction, before its first write: every blob it names is complete and the
// sending device may read it, so a send cannot hand out a blob its sender does not hold.
Result<std::optional<core::Error>> Store::check_blob_refs(const Send& send) {
  if (send.blob_refs.empty()) return std::optional<core::Error>{};
  PARLEY_TRY(auto sender, backend_->device(send.sender_account, send.sender_device));
  if (!sender) return std::optional(make_error(Errc::not_found, "no such sending device"));
  const MailboxAddress from{send.sender_account, send.sender_device, sender->incarnation};
  for (const auto& ref : send.blob_refs) {
    PARLEY_TRY(const BlobHash hash, blob_hash(ref));
    PARLEY_TRY(auto stored, backend_->blob(hash));
    if (!stored || !stored->complete)
      return std::optional(make_error(Errc::not_found, "the send names a blob the server does not hold"));
    PARLEY_TRY(bool readable, may_read_blob(hash, *stored, from));
    if (!readable) return std::optional(make_error(Errc::not_found, "the send names a blob its sender does not hold"));
  }
  return std::optional<core::Error>{};
}

// Inside a send's transaction, after its messages: each destination device may read its blobs.
Result<void> Store::grant_blob_refs(const Send& send) {
  for (const auto& ref : send.blob_refs) {
    PARLEY_TRY(const BlobHash hash, blob_hash(ref));
    for (const auto& to : send.destinations())
      for (const auto& c : to.ciphertexts) PARLEY_CHECK(backend_->grant_blob(hash, {to.account, c.device, c.incarnation}));
  }
  return {};
}

Result<BlobState> Store::put_blob_chunk(const BlobChunk& chunk, const MailboxAddress& uploader) {
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
    if (stored) {
      PARLEY_TRY(bool readable, may_read_blob(hash, *stored, uploader));
      // Another device's upload in progress, or a blob this device was never sent: the hash is
      // all it knows, which is no claim to the bytes (spec §9).
      if (!readable) return make_error(Errc::conflict, "the blob is another device's");
      if (stored->total_size != chunk.total_size)
        return make_error(Errc::malformed, "total size differs from the stored blob's");
      if (stored->complete) return Outcome{*stored};
    } else {
      PARLEY_TRY(std::uint64_t used, backend_->account_blob_bytes(uploader.account));
      if (chunk.total_size > settings_.max_blob_bytes_per_account - std::min(used, settings_.max_blob_bytes_per_account))
        return make_error(Errc::quota_exceeded, "the account holds " + std::to_string(used) + " bytes of blobs");
    }
    BlobState state = stored ? *stored : BlobState{chunk.total_size, 0, false, clock_(), uploader};
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

// Inside a transaction: the blob if `reader` may read it, else not_found (as if it did not exist).
Result<BlobState> Store::readable_blob(const BlobHash& hash, const MailboxAddress& reader) {
  PARLEY_TRY(auto stored, backend_->blob(hash));
  if (!stored) return make_error(Errc::not_found, "no such blob");
  PARLEY_TRY(bool readable, may_read_blob(hash, *stored, reader));
  if (!readable) return make_error(Errc::not_found, "no such blob");
  return *stored;
}

Result<BlobState> Store::blob_state(core::BytesView content_hash, const MailboxAddress& reader) {
  PARLEY_TRY(const BlobHash hash, blob_hash(content_hash));
  return transaction(Access::read, [&]() -> Result<BlobState> { return readable_blob(hash, reader); });
}

Result<core::Bytes> Store::read_blob(core::BytesView content_hash, std::uint64_t offset, std::uint64_t length,
                                     const MailboxAddress& reader) {
  PARLEY_TRY(const BlobHash hash, blob_hash(content_hash));
  return transaction(Access::read, [&]() -> Result<core::Bytes> {
    PARLEY_TRY(auto stored, readable_blob(hash, reader));
    if (!stored.complete) return make_error(Errc::not_found, "no such blob");
    if (offset > stored.total_size) return make_error(Errc::malformed, "offset past the end of the blob");
    const std::uint64_t end =
        offset + std::min<std::uint64_t>({length, settings_.max_blob_read, stored.total_size - offset});
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

Result<bool> Store::blob_fetched(core::BytesView content_hash, const MailboxAddress& reader) {
  PARLEY_TRY(const BlobHash hash, blob_hash(content_hash));
  return transaction(Access::write, [&]() -> Result<bool> {
    PARLEY_TRY(auto grant, backend_->blob_grant(hash, reader));
    if (!grant) return make_error(Errc::not_found, "no such blob");
    PARLEY_CHECK(backend_->set_blob_fetched(hash, reader));
    PARLEY_TRY(std::size_t waiting, backend_->unfetched_blob_grants(hash));
    if (waiting > 0) return false;
    PARLEY_CHECK(backend_->delete_blob(hash));
    return true;
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
