// The reference client against the real parley-server over 127.0.0.1 (issue 6): two accounts
// register, write to each other, and go on after a client restarts from its profile directory.
#include <gtest/gtest.h>

#include "net_fixture.h"  // transport/net/tests
#include "parley/client/client.h"
#include "server_process.h"  // reference_server/tests/server

namespace parley::client {
namespace {

using server::testing::ServerProcess;
using transport::net::testing::run;
namespace net = transport::net;

std::filesystem::path profile(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("parley-client-e2e-" + std::to_string(::getpid()) + "-" + name);
}

std::vector<std::string> texts(const std::vector<StoredMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.body);
  return out;
}

TEST(ClientEndToEnd, TwoAccountsWriteToEachOtherThroughTheRealServer) {
  ServerProcess server;
  const net::tcp::endpoint at{net::asio::ip::make_address("127.0.0.1"), server.port()};
  const auto alice_dir = profile("alice"), bob_dir = profile("bob");
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    auto alice = Client::open(alice_dir, server.public_key()).value();
    auto bob = Client::open(bob_dir, server.public_key()).value();
    CO_ASSERT((co_await alice->connect(at)).ok());
    CO_ASSERT((co_await bob->connect(at)).ok());
    const auto a = alice->identity().account, b = bob->identity().account;
    CO_ASSERT(a != 0 && b != 0 && a != b);

    auto sent = co_await alice->send_text(b, "hello bob");
    CO_ASSERT(sent.ok());
    auto at_bob = co_await bob->wait_for_messages(a, 1, std::chrono::seconds(10));
    CO_ASSERT(at_bob.ok());
    EXPECT_EQ(texts(*at_bob), std::vector<std::string>{"hello bob"});
    CO_ASSERT((co_await bob->send_text(a, "hi alice")).ok());

    // Bob's client restarts from its profile: the same device, the same sessions.
    co_await bob->close();
    bob.reset();
    CO_ASSERT((co_await alice->send_text(b, "while you were away")).ok());
    bob = Client::open(bob_dir, server.public_key()).value();
    EXPECT_EQ(bob->identity().account, b);
    CO_ASSERT((co_await bob->connect(at)).ok());
    auto later = co_await bob->wait_for_messages(a, 3, std::chrono::seconds(10));
    CO_ASSERT(later.ok());
    EXPECT_EQ(texts(*later), (std::vector<std::string>{"hello bob", "hi alice", "while you were away"}));
    auto at_alice = co_await alice->wait_for_messages(b, 3, std::chrono::seconds(10));
    CO_ASSERT(at_alice.ok());
    for (const auto* c : {alice.get(), bob.get()})
      for (const auto& e : c->events())
        if (const auto* f = std::get_if<FailedEvent>(&e)) ADD_FAILURE() << core::to_string(f->error);
    co_await alice->close();
    co_await bob->close();
  }());
  std::filesystem::remove_all(alice_dir);
  std::filesystem::remove_all(bob_dir);
}

}  // namespace
}  // namespace parley::client
