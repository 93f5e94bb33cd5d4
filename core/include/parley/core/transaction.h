// The one way Parley runs a transaction (the server's store, spec §7.1, and each device's store,
// spec §8.6): begin, the body, then commit when the body succeeded, or roll back when it failed,
// threw, or the commit failed. Nothing thrown leaves it: an exception is `storage_failure`.
#pragma once

#include <exception>
#include <string>

#include "parley/core/error.h"

namespace parley::core {

// `begin` and `commit` return Result<void>; `rollback` must be safe at any time; `body` returns a
// Result. The result is the body's, or the first failure.
template <typename Begin, typename Commit, typename Rollback, typename Body>
auto in_transaction(Begin&& begin, Commit&& commit, Rollback&& rollback, Body&& body) -> decltype(body()) {
  try {
    if (auto begun = begin(); !begun.ok()) {
      rollback();
      return begun.error();
    }
    auto result = body();
    if (!result.ok()) {
      rollback();
      return result;
    }
    if (auto committed = commit(); !committed.ok()) {
      rollback();
      return committed.error();
    }
    return result;
  } catch (const std::exception& e) {
    rollback();
    return make_error(Errc::storage_failure, e.what());
  } catch (...) {
    rollback();
    return make_error(Errc::storage_failure, "unknown exception");
  }
}

}  // namespace parley::core
