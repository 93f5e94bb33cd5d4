// A loopback server and helpers for the adapter tests: an io_context driven by the test thread, an
// echo acceptor on 127.0.0.1 that records how each connection ended, and a raw client that speaks
// the channel by hand so tests can write what a well-behaved client never would.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "channel_fixture.h"  // transport/tests
#include "parley/crypto/entropy.h"
#include "parley/transport/net/acceptor.h"
#include "parley/transport/net/connector.h"

// ASSERT_* returns, which a coroutine may not: this is its co_return form.
#define CO_ASSERT(cond)                           \
  do {                                            \
    if (!(cond)) {                                \
      ADD_FAILURE() << "assertion failed: " #cond; \
      co_return;                                  \
    }                                             \
  } while (0)

namespace parley::transport::net::testing {

// Keys and frame contents as the pure channel tests make them.
using channel::testing::key_pair;
using channel::testing::sample_bytes;

// Runs `test` on the io_context until it finishes; fails the test if it does not within `limit`.
inline void run(asio::io_context& io, asio::awaitable<void> test, std::chrono::seconds limit = std::chrono::seconds(60)) {
  bool done = false;
  std::exception_ptr failure;
  io.restart();  // an earlier run() may have left the context stopped (out of work)
  asio::co_spawn(io, std::move(test), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(done) << "the test coroutine did not finish";
  if (failure) std::rethrow_exception(failure);
}

// How the server saw each connection end.
struct ServerLog {
  std::vector<core::Errc> handshake_failures;
  std::vector<core::Errc> receive_errors;  // the error that ended each established connection
  std::vector<channel::RecordKind> patterns;
  std::vector<channel::DeviceCredentials> devices;
};

// Echoes every frame back until the connection ends.
struct EchoServer {
  std::shared_ptr<ServerLog> log = std::make_shared<ServerLog>();
  std::unique_ptr<Acceptor> acceptor;

  EchoServer(asio::io_context& io, crypto::X25519KeyPair key, Timeouts timeouts = {}, ConnectionLimits limits = {}) {
    AcceptorConfig config;
    config.static_key = std::move(key);
    config.timeouts = timeouts;
    config.limits = limits;
    config.on_handshake_failed = [log = log](const tcp::endpoint&, const core::Error& e) {
      log->handshake_failures.push_back(e.code);
    };
    auto handler = [log = log](std::shared_ptr<Connection> c) -> asio::awaitable<void> {
      log->patterns.push_back(c->handshake().pattern);
      log->devices.push_back(c->client()->device);
      for (;;) {
        auto frame = co_await c->receive();
        if (!frame.ok()) {
          log->receive_errors.push_back(frame.code());
          co_return;
        }
        auto sent = co_await c->send_when_ready(*frame);
        if (!sent.ok()) co_return;
      }
    };
    acceptor = Acceptor::listen(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), std::move(config), handler)
                   .value();
    acceptor->start();
  }
  tcp::endpoint endpoint() const { return acceptor->local_endpoint(); }
};

inline channel::ClientChannelConfig client_config(std::optional<crypto::X25519PublicKey> pin = std::nullopt) {
  channel::ClientChannelConfig config;
  config.static_key = key_pair(1);
  config.server_key = pin;
  config.device = {7, 1};
  return config;
}

// Sends a frame and expects it back.
inline asio::awaitable<void> expect_echo(Connection& c, const core::Bytes& frame) {
  auto sent = co_await c.send_when_ready(frame);
  EXPECT_TRUE(sent.ok());
  auto back = co_await c.receive();
  EXPECT_TRUE(back.ok()) << (back.ok() ? "" : core::to_string(back.error()));
  if (back.ok()) {
    EXPECT_TRUE(*back == frame) << "frame of " << frame.size() << " bytes came back changed";
  }
}

inline asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(asio::use_awaitable);
}

// Waits (bounded) until `ready()` holds, for state the server updates asynchronously.
template <typename Ready>
asio::awaitable<bool> eventually(Ready ready) {
  for (int i = 0; i < 200 && !ready(); ++i) co_await sleep_for(std::chrono::milliseconds(10));
  co_return ready();
}

// A client that speaks the channel by hand over a plain socket.
struct RawClient {
  tcp::socket socket;
  std::optional<channel::ClientChannel> channel;
  crypto::SystemEntropy entropy;

  static asio::awaitable<RawClient> connect(tcp::endpoint endpoint) {
    RawClient raw{tcp::socket(co_await asio::this_coro::executor), std::nullopt, {}};
    co_await raw.socket.async_connect(endpoint, asio::use_awaitable);
    co_return raw;
  }
  asio::awaitable<void> write(core::BytesView bytes) {
    co_await asio::async_write(socket, asio::buffer(bytes.data(), bytes.size()), asio::use_awaitable);
  }
  // Completes a real handshake, so a test can then misbehave inside an established channel.
  asio::awaitable<void> handshake(channel::ClientChannelConfig config) {
    auto opened = channel::ClientChannel::open(std::move(config), entropy).value();
    channel.emplace(std::move(opened.first));
    co_await write(opened.second);
    core::Bytes buffer(4096);
    while (channel->phase() != channel::Phase::established) {
      const auto n = co_await socket.async_read_some(asio::buffer(buffer), asio::use_awaitable);
      auto out = channel->receive(core::BytesView(buffer).first(n), entropy).value();
      if (!out.to_send.empty()) co_await write(out.to_send);
    }
  }
  // True when the server closed the connection (EOF or reset) within a few seconds.
  asio::awaitable<bool> closed_by_peer() {
    core::Bytes buffer(4096);
    boost::system::error_code ec;
    for (;;) {
      co_await socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec == asio::error::eof || ec == asio::error::connection_reset;
    }
  }
};

}  // namespace parley::transport::net::testing
