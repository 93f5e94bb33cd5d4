// Running one coroutine to its end on the calling thread, for the loopback benchmarks: the
// io_context runs until that coroutine ends, not until the context runs out of work (a client's
// read loop keeps it busy as long as it is connected).
#pragma once

#include "parley/transport/net/asio.h"  // first: Boost 1.74 needs <utility> before Asio

#include <exception>
#include <optional>

namespace parley::bench {

namespace asio = transport::net::asio;

template <typename T>
asio::awaitable<std::optional<T>> as_optional(asio::awaitable<T> work) {
  co_return co_await std::move(work);
}

// co_spawn needs a default-constructible result, which Result<T> is not: hence the optional.
template <typename T>
T run_sync(asio::io_context& io, asio::awaitable<T> work) {
  std::optional<T> result;
  bool done = false;
  asio::co_spawn(io, as_optional(std::move(work)), [&](std::exception_ptr e, std::optional<T> value) {
    if (e) std::rethrow_exception(e);
    result = std::move(value);
    done = true;
  });
  io.restart();
  while (!done && io.run_one() != 0) {
  }
  return std::move(*result);
}

inline void run_sync(asio::io_context& io, asio::awaitable<void> work) {
  bool done = false;
  asio::co_spawn(io, std::move(work), [&](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
    done = true;
  });
  io.restart();
  while (!done && io.run_one() != 0) {
  }
}

}  // namespace parley::bench
