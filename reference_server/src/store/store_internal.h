// Private to the store: the transaction wrapper every Store operation runs in, and the layout
// constants the backends share.
#pragma once

#include <exception>
#include <string>

#include "parley/server/store/store.h"

namespace parley::server {

// A blob's bytes are stored in pieces of at most this size, so that a range read touches only the
// pieces it needs and never loads a whole blob (spec §7.1).
inline constexpr std::uint64_t kBlobPieceSize = 256 * 1024;

inline core::Error storage_failure(std::string detail) {
  return core::make_error(core::Errc::storage_failure, std::move(detail));
}

// Runs `body` in one transaction: commits when it succeeds, rolls back when it fails, throws or
// the commit fails. Nothing thrown leaves the Store (spec §7.1: no exception escapes).
template <typename F>
auto Store::transaction(StorageBackend::Access access, F&& body) -> decltype(body()) {
  try {
    if (auto begun = backend_->begin(access); !begun.ok()) {
      backend_->rollback();
      return begun.error();
    }
    auto result = body();
    if (!result.ok()) {
      backend_->rollback();
      return result;
    }
    if (auto committed = backend_->commit(); !committed.ok()) {
      backend_->rollback();
      return committed.error();
    }
    return result;
  } catch (const std::exception& e) {
    backend_->rollback();
    return storage_failure(e.what());
  } catch (...) {
    backend_->rollback();
    return storage_failure("unknown exception");
  }
}

}  // namespace parley::server
