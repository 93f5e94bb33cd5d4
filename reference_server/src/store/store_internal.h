// Private to the store: the transaction wrapper every Store operation runs in, and the layout
// constants the backends share.
#pragma once

#include <string>
#include <utility>

#include "parley/core/transaction.h"
#include "parley/server/store/store.h"

namespace parley::server {

// A blob's bytes are stored in pieces of at most this size, so that a range read touches only the
// pieces it needs and never loads a whole blob (spec §7.1).
inline constexpr std::uint64_t kBlobPieceSize = 256 * 1024;

inline core::Error storage_failure(std::string detail) {
  return core::make_error(core::Errc::storage_failure, std::move(detail));
}

// Runs `body` in one transaction of the backend (spec §7.1: nothing thrown escapes the Store).
template <typename F>
auto Store::transaction(StorageBackend::Access access, F&& body) -> decltype(body()) {
  return core::in_transaction([&] { return backend_->begin(access); }, [&] { return backend_->commit(); },
                              [&] { backend_->rollback(); }, std::forward<F>(body));
}

}  // namespace parley::server
