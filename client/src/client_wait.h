// Client::wait, shared by the Client's source files (client.cpp, client_groups.cpp): a template
// member, so its body is seen where it is used.
#pragma once

#include "parley/client/client.h"

namespace parley::client {

template <typename Done>
asio::awaitable<core::Result<void>> Client::wait(Done done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  waiters_.insert(&timer);
  struct Unregister {
    std::set<asio::steady_timer*>& waiters;
    asio::steady_timer* timer;
    ~Unregister() { waiters.erase(timer); }
  } unregister{waiters_, &timer};
  while (!done()) {
    if (!connection_ || !connection_->is_open())
      co_return connection_ && connection_->error() ? *connection_->error()
                                                    : core::make_error(core::Errc::connection_closed, "not connected");
    if (std::chrono::steady_clock::now() >= deadline) co_return core::make_error(core::Errc::timed_out, "no answer in time");
    timer.expires_at(deadline);
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return core::Result<void>{};
}

}  // namespace parley::client
