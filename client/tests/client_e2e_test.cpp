// The reference client against the real parley-server over 127.0.0.1 (spec §8.6): two accounts
// register, write to each other, and go on after a client restarts from its profile directory.
#include <gtest/gtest.h>

#include <map>
#include <set>

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

    // While Bob's client lives, no other may open his profile (spec §8.6).
    auto twice = Client::open(bob_dir, server.public_key());
    CO_ASSERT(!twice.ok());
    EXPECT_EQ(twice.code(), core::Errc::conflict);
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

namespace parley::client {
namespace {

// The multi-device scenario against the real server: Alice with a phone and two companions, Bob with a
// phone and one, each companion linked by its QR code; a message from any device reaches every
// other device of both accounts, each a real connection with its own profile.
TEST(ClientEndToEnd, CompanionsLinkedByQrCodeGetEveryMessage) {
  ServerProcess server;
  const net::tcp::endpoint at{net::asio::ip::make_address("127.0.0.1"), server.port()};
  const std::vector<std::string> names = {"alice-phone", "alice-laptop", "alice-tablet", "bob-phone", "bob-laptop"};
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    std::map<std::string, std::unique_ptr<Client>> c;
    for (const auto& n : names) c[n] = Client::open(profile("md-" + n), server.public_key()).value();
    CO_ASSERT((co_await c["alice-phone"]->connect(at)).ok());
    CO_ASSERT((co_await c["bob-phone"]->connect(at)).ok());
    for (const std::string companion : {"alice-laptop", "alice-tablet", "bob-laptop"}) {
      const std::string phone = companion.substr(0, companion.find('-')) + "-phone";
      auto qr = co_await c[companion]->start_link(at);
      CO_ASSERT(qr.ok());
      auto started = co_await c[phone]->link(*qr);
      CO_ASSERT(started.ok());
      auto joined = co_await c[companion]->wait_linked(std::chrono::seconds(10));
      CO_ASSERT(joined.ok());
      auto published = co_await c[phone]->wait_for_link(std::chrono::seconds(10));
      CO_ASSERT(published.ok());
      EXPECT_EQ(c[companion]->identity().account, c[phone]->identity().account);
      EXPECT_NE(c[companion]->identity().device, 1u);
    }
    const auto a = c["alice-phone"]->identity().account, b = c["bob-phone"]->identity().account;
    for (const auto& n : names) {
      const auto to = n[0] == 'a' ? b : a;
      auto sent = co_await c[n]->send_text(to, "from " + n);
      CO_ASSERT(sent.ok());
    }
    for (const auto& n : names) {
      const auto chat = n[0] == 'a' ? b : a;
      auto all = co_await c[n]->wait_for_messages(chat, names.size(), std::chrono::seconds(10));
      CO_ASSERT(all.ok());
      std::set<std::string> bodies;
      for (const auto& m : *all) bodies.insert(m.body);
      for (const auto& from : names) EXPECT_TRUE(bodies.contains("from " + from)) << n << " lacks 'from " << from << "'";
      EXPECT_EQ(all->size(), names.size()) << n;
    }
    for (const auto& n : names) co_await c[n]->close();
  }());
  for (const auto& n : names) std::filesystem::remove_all(profile("md-" + n));
}

}  // namespace
}  // namespace parley::client
