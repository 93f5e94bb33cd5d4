// parley-server over 127.0.0.1 (issue 5): the real binary, real Noise channels, real frames.
// Registration, prekeys handed out exactly once under concurrency, all-or-nothing multi-device
// sends, offline queueing and drain with queueEmpty, delete on ack, one connection per device,
// expiry, restart durability, and hostile clients that leave the server serving others.
#include <gtest/gtest.h>

#include <set>

#include "net_fixture.h"
#include "server_process.h"
#include "test_device.h"

namespace parley::server::testing {
namespace {

using net::testing::run;
using net::testing::eventually;
using net::testing::RawClient;
using namespace std::chrono_literals;

asio::awaitable<void> registered(TestDevice& d, const ServerProcess& server) {
  auto c = co_await d.connect(server.port(), server.public_key());
  CO_ASSERT(c.ok());
  auto r = co_await d.register_account();
  CO_ASSERT(r.ok());
  EXPECT_NE(d.account, 0u);
  EXPECT_EQ(d.device, 1u);
}

TEST(ServerIntegration, RegistersThenLogsInByKeyWithIk) {
  ServerProcess server;
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice alice(1);
    co_await registered(alice, server);
    EXPECT_EQ(alice.connection->handshake().pattern, transport::channel::RecordKind::ik);
    auto first = co_await alice.next_push();  // the queue was empty at registration
    CO_ASSERT(first.ok());
    EXPECT_EQ(first->kind(), kind(Which::QUEUE_EMPTY));
    co_await alice.connection->close();

    auto again = co_await alice.connect(server.port(), server.public_key());
    CO_ASSERT(again.ok());
    auto logged = co_await alice.next_push();
    CO_ASSERT(logged.ok());
    EXPECT_EQ(logged->kind(), kind(Which::LOGGED_IN));
    co_await alice.connection->close();
  }());
}

TEST(ServerIntegration, PrekeysAreHandedOutExactlyOnceUnderConcurrentFetches) {
  ServerProcess server;
  asio::io_context io;
  std::multiset<std::uint32_t> handed_out;
  std::size_t without = 0;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice bob(2);
    co_await registered(bob, server);
    auto up_frame = upload_prekeys_frame(5, 100, 40);
    auto up = co_await bob.request(5, std::move(up_frame));
    CO_ASSERT(up.ok());
    EXPECT_EQ(up->kind(), kind(Which::OK));
    // Five devices fetch Bob's bundle ten times each, all pipelined: 50 fetches for 40 keys.
    std::vector<std::unique_ptr<TestDevice>> fetchers;
    for (int i = 0; i < 5; ++i) {
      fetchers.push_back(std::make_unique<TestDevice>(10 + i));
      co_await registered(*fetchers.back(), server);
    }
    for (std::uint32_t round = 0; round < 10; ++round)
      for (auto& f : fetchers) CO_ASSERT(f->connection->send(fetch_prekeys_frame(100 + round, bob.account)).ok());
    for (auto& f : fetchers) {
      for (std::uint32_t round = 0; round < 10; ++round) {
        auto reply = co_await f->reply(100 + round);
        CO_ASSERT(reply.ok());
        CO_ASSERT(reply->kind() == kind(Which::PRE_KEY_BUNDLES));
        transport::read_frame(*reply, [&](wire::Frame::Reader r) -> core::Result<void> {
          for (auto b : r.getBody().getPreKeyBundles().getBundles()) {
            if (b.hasOneTimePreKey()) {
              handed_out.insert(b.getOneTimePreKey().getId());
            } else {
              ++without;
            }
          }
          return {};
        }).ok();
      }
    }
  }());
  EXPECT_EQ(handed_out.size(), 40u);
  EXPECT_EQ(std::set<std::uint32_t>(handed_out.begin(), handed_out.end()).size(), 40u);  // never twice
  EXPECT_EQ(without, 10u);
}

TEST(ServerIntegration, SendsAreAllOrNothingAgainstTheDeviceList) {
  ServerProcess server;
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice alice(3), bob(4);
    co_await registered(alice, server);
    co_await registered(bob, server);
    co_await bob.connection->close();
    // Device 2 does not exist: the whole send is refused, listing it as extra.
    auto refused_frame = send_to(7, 1, bob.account, Target{1, bob.incarnation, core::Bytes(10, 1)}, Target{2, 1, core::Bytes(10, 2)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto refused = co_await alice.request(7, std::move(refused_frame));
    CO_ASSERT(refused.ok());
    CO_ASSERT(refused->kind() == kind(Which::ERROR));
    EXPECT_EQ(error_code(*refused), wire::ErrorCode::DEVICE_MISMATCH);
    transport::read_frame(*refused, [](wire::Frame::Reader r) -> core::Result<void> {
      auto e = r.getBody().getError();
      EXPECT_EQ(e.getExtraDevices().size(), 1u);
      EXPECT_EQ(e.getMissingDevices().size(), 0u);
      return {};
    }).ok();
    // A stale incarnation is refused too.
    auto stale_frame = send_to(8, 2, bob.account, Target{1, bob.incarnation + 100, core::Bytes(10, 3)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto stale = co_await alice.request(8, std::move(stale_frame));
    CO_ASSERT(stale.ok());
    EXPECT_EQ(error_code(*stale), wire::ErrorCode::DEVICE_MISMATCH);
    // The right send is acknowledged with a server id (the single tick), and is the only one Bob gets.
    auto acked_frame = send_to(9, 3, bob.account, Target{1, bob.incarnation, core::Bytes(10, 4)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto acked = co_await alice.request(9, std::move(acked_frame));
    CO_ASSERT(acked.ok());
    EXPECT_EQ(acked->kind(), kind(Which::SEND_ACK));
    auto reconnected = co_await bob.connect(server.port(), server.public_key());
    CO_ASSERT(reconnected.ok());
    auto got = co_await bob.drain();
    CO_ASSERT(got.size() == 1u);
    EXPECT_EQ(got[0].ciphertext, core::Bytes(10, 4));
    EXPECT_EQ(got[0].sender_account, alice.account);
  }());
}

TEST(ServerIntegration, OfflineQueueDrainsInOrderThenQueueEmptyAndAckDeletes) {
  ServerProcess server;
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice alice(5), bob(6);
    co_await registered(alice, server);
    co_await registered(bob, server);
    co_await bob.connection->close();
    for (std::uint32_t i = 0; i < 6; ++i) {
      auto ack_frame = send_to(20 + i, 100 + i, bob.account, Target{1, bob.incarnation, core::Bytes(5, static_cast<std::uint8_t>(i))});  // a named frame: GCC 12 mishandles temporaries in co_await
      auto ack = co_await alice.request(20 + i, std::move(ack_frame));
      CO_ASSERT(ack.ok() && ack->kind() == kind(Which::SEND_ACK));
    }
    // Idempotent: the same client message id again queues nothing new.
    auto repeat_frame = send_to(30, 100, bob.account, Target{1, bob.incarnation, core::Bytes(5, 0)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto repeat = co_await alice.request(30, std::move(repeat_frame));
    CO_ASSERT(repeat.ok() && repeat->kind() == kind(Which::SEND_ACK));

    CO_ASSERT((co_await bob.connect(server.port(), server.public_key())).ok());
    auto first = co_await bob.drain();
    CO_ASSERT(first.size() == 6u);
    for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(first[i].ciphertext, core::Bytes(5, static_cast<std::uint8_t>(i)));
    for (std::size_t i = 0; i < 4; ++i) CO_ASSERT(bob.ack(first[i].server_id).ok());
    co_await net::testing::sleep_for(200ms);
    co_await bob.connection->close();

    CO_ASSERT((co_await bob.connect(server.port(), server.public_key())).ok());
    auto second = co_await bob.drain();
    CO_ASSERT(second.size() == 2u);
    EXPECT_EQ(second[0].server_id, first[4].server_id);
    EXPECT_EQ(second[1].server_id, first[5].server_id);
  }());
}

TEST(ServerIntegration, ANewConnectionOfADeviceClosesTheOldOneWithConflict) {
  ServerProcess server;
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice bob(7);
    co_await registered(bob, server);
    auto old_connection = bob.connection;
    CO_ASSERT((co_await bob.connect(server.port(), server.public_key())).ok());
    // The old connection hears `conflict` and is closed.
    bool saw_conflict = false;
    for (;;) {
      auto bytes = co_await old_connection->receive();
      if (!bytes.ok()) break;
      auto f = transport::DecodedFrame::decode(*bytes);
      if (f.ok() && f->kind() == kind(Which::ERROR) && error_code(*f) == wire::ErrorCode::CONFLICT) saw_conflict = true;
    }
    EXPECT_TRUE(saw_conflict);
    EXPECT_FALSE(old_connection->is_open());
    EXPECT_TRUE(bob.connection->is_open());
  }());
}

TEST(ServerIntegration, UndeliveredMessagesExpire) {
  ServerProcess server({"--message-retention-ms", "300", "--expiry-interval-ms", "50"});
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice alice(8), bob(9);
    co_await registered(alice, server);
    co_await registered(bob, server);
    co_await bob.connection->close();
    auto ack_frame = send_to(2, 1, bob.account, Target{1, bob.incarnation, core::Bytes(3, 3)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto ack = co_await alice.request(2, std::move(ack_frame));
    CO_ASSERT(ack.ok() && ack->kind() == kind(Which::SEND_ACK));
    co_await net::testing::sleep_for(800ms);
    CO_ASSERT((co_await bob.connect(server.port(), server.public_key())).ok());
    EXPECT_TRUE((co_await bob.drain()).empty());
  }());
}

TEST(ServerIntegration, AcknowledgedSendsSurviveSigkill) {
  ServerProcess server;
  asio::io_context io;
  std::uint64_t bob_account = 0, bob_incarnation = 0;
  TestDevice alice(11), bob(12);
  run(io, [&]() -> asio::awaitable<void> {
    co_await registered(alice, server);
    co_await registered(bob, server);
    bob_account = bob.account;
    bob_incarnation = bob.incarnation;
    co_await bob.connection->close();
    for (std::uint32_t i = 0; i < 20; ++i) {
      auto ack_frame = send_to(40 + i, 500 + i, bob_account, Target{1, bob_incarnation, core::Bytes(8, static_cast<std::uint8_t>(i))});  // a named frame: GCC 12 mishandles temporaries in co_await
      auto ack = co_await alice.request(40 + i, std::move(ack_frame));
      CO_ASSERT(ack.ok() && ack->kind() == kind(Which::SEND_ACK));
    }
  }());
  server.stop(SIGKILL);
  server.restart();
  run(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT((co_await bob.connect(server.port(), server.public_key())).ok());
    EXPECT_EQ((co_await bob.drain()).size(), 20u);
  }());
}

TEST(ServerIntegration, HostileClientsGetTypedErrorsAndOthersAreServed) {
  ServerProcess server;
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice alice(13), bob(14), mallory(15);
    co_await registered(alice, server);
    co_await registered(bob, server);
    // Random bytes instead of a handshake: the server closes that connection.
    auto raw = co_await RawClient::connect({asio::ip::make_address("127.0.0.1"), server.port()});
    co_await raw.write(core::Bytes(200, 0x41));
    EXPECT_TRUE(co_await raw.closed_by_peer());
    // Claiming to be Bob with another key: refused at login, connection closed.
    mallory.account = bob.account;
    mallory.device = 1;
    CO_ASSERT((co_await mallory.connect(server.port(), server.public_key())).ok());
    auto refused = co_await mallory.next_push();
    CO_ASSERT(refused.ok());
    EXPECT_EQ(error_code(*refused), wire::ErrorCode::UNAUTHORIZED);
    // A send before logging in, and a frame only the server sends: typed errors.
    TestDevice anonymous(16);
    CO_ASSERT((co_await anonymous.connect(server.port(), server.public_key())).ok());
    auto unauth_frame = send_to(3, 1, bob.account, Target{1, bob.incarnation, core::Bytes(1, 1)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto unauth = co_await anonymous.request(3, std::move(unauth_frame));
    CO_ASSERT(unauth.ok());
    EXPECT_EQ(error_code(*unauth), wire::ErrorCode::UNAUTHORIZED);
    // A send to a device that does not exist: deviceMismatch; to an account that does not: notFound.
    auto nowhere_frame = send_to(4, 1, 999999, Target{1, 1, core::Bytes(1, 1)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto nowhere = co_await alice.request(4, std::move(nowhere_frame));
    CO_ASSERT(nowhere.ok());
    EXPECT_EQ(error_code(*nowhere), wire::ErrorCode::NOT_FOUND);
    // Too large a ciphertext: messageTooLarge.
    auto large_frame = send_to(5, 2, bob.account, Target{1, bob.incarnation, core::Bytes(96 * 1024 + 1, 1)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto large = co_await alice.request(5, std::move(large_frame));
    CO_ASSERT(large.ok());
    EXPECT_EQ(error_code(*large), wire::ErrorCode::MESSAGE_TOO_LARGE);
    // Alice is still served.
    auto fine_frame = send_to(6, 3, bob.account, Target{1, bob.incarnation, core::Bytes(4, 4)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto fine = co_await alice.request(6, std::move(fine_frame));
    CO_ASSERT(fine.ok());
    EXPECT_EQ(fine->kind(), kind(Which::SEND_ACK));
  }());
}

}  // namespace
}  // namespace parley::server::testing
