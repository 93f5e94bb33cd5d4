// parley-server over 127.0.0.1 (spec §7): the real binary, real Noise channels, real frames.
// Registration, prekeys handed out exactly once under concurrency, all-or-nothing multi-device
// sends, offline queueing and drain with queueEmpty, delete on ack, one connection per device,
// expiry, restart durability, and hostile clients that leave the server serving others.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <array>
#include <set>
#include <string>

#include "net_fixture.h"
#include "parley/protocol/devices/device_list.h"
#include "server_process.h"
#include "test_device.h"

namespace parley::server::testing {
namespace {

using net::testing::run;
using net::testing::eventually;
using net::testing::RawClient;
using namespace std::chrono_literals;

// A port nothing listens on now (for a second listener of the server, such as --metrics).
std::uint16_t free_port() {
  asio::io_context io;
  net::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

// One GET of the server's metrics (Prometheus text); empty when it cannot be read.
asio::awaitable<std::string> metrics_text(std::uint16_t port) {
  auto raw = co_await RawClient::connect({asio::ip::make_address("127.0.0.1"), port});
  const std::string request = "GET /metrics HTTP/1.0\r\n\r\n";
  co_await raw.write(core::as_bytes(request));
  std::string text;
  std::array<char, 4096> buffer{};
  for (;;) {
    boost::system::error_code ec;
    const auto n = co_await raw.socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    text.append(buffer.data(), n);
    if (ec) break;
  }
  co_return text;
}

// Waits (bounded) until the server's metrics show `line`.
asio::awaitable<bool> metrics_show(std::uint16_t port, const std::string& line) {
  for (int i = 0; i < 300; ++i) {
    if ((co_await metrics_text(port)).find(line) != std::string::npos) co_return true;
    co_await net::testing::sleep_for(10ms);
  }
  co_return false;
}

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
    EXPECT_TRUE(first->is<wire::QueueEmpty>());
    co_await alice.connection->close();

    auto again = co_await alice.connect(server.port(), server.public_key());
    CO_ASSERT(again.ok());
    auto logged = co_await alice.next_push();
    CO_ASSERT(logged.ok());
    EXPECT_TRUE(logged->is<wire::LoggedIn>());
    co_await alice.connection->close();
  }());
}

// A registration whose reply was lost is simply sent again: the same keys answer the same account.
TEST(ServerIntegration, ARepeatedRegistrationAnswersTheAccountItCreated) {
  ServerProcess server;
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice first(40), again(40);
    co_await registered(first, server);
    co_await first.connection->close();
    co_await registered(again, server);
    EXPECT_EQ(again.account, first.account);
    EXPECT_EQ(again.incarnation, first.incarnation);
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
    EXPECT_TRUE(up->is<wire::Ok>());
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
        CO_ASSERT(reply->is<wire::PreKeyBundles>());
        for (const auto& b : reply->get<wire::PreKeyBundles>()->bundles) {
          if (b.one_time_prekey) {
            handed_out.insert(b.one_time_prekey->id);
          } else {
            ++without;
          }
        }
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
    CO_ASSERT(refused->is<wire::ErrorFrame>());
    EXPECT_EQ(error_code(*refused), wire::ErrorCode::device_mismatch);
    EXPECT_EQ(refused->get<wire::ErrorFrame>()->extra_devices, std::vector<std::uint32_t>{2});
    EXPECT_TRUE(refused->get<wire::ErrorFrame>()->missing_devices.empty());
    // A stale incarnation is refused too.
    auto stale_frame = send_to(8, 2, bob.account, Target{1, bob.incarnation + 100, core::Bytes(10, 3)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto stale = co_await alice.request(8, std::move(stale_frame));
    CO_ASSERT(stale.ok());
    EXPECT_EQ(error_code(*stale), wire::ErrorCode::device_mismatch);
    // The right send is acknowledged with a server id (the single tick), and is the only one Bob gets.
    auto acked_frame = send_to(9, 3, bob.account, Target{1, bob.incarnation, core::Bytes(10, 4)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto acked = co_await alice.request(9, std::move(acked_frame));
    CO_ASSERT(acked.ok());
    EXPECT_TRUE(acked->is<wire::SendAck>());
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
      CO_ASSERT(ack.ok() && ack->is<wire::SendAck>());
    }
    // Idempotent: the same client message id again queues nothing new.
    auto repeat_frame = send_to(30, 100, bob.account, Target{1, bob.incarnation, core::Bytes(5, 0)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto repeat = co_await alice.request(30, std::move(repeat_frame));
    CO_ASSERT(repeat.ok() && repeat->is<wire::SendAck>());

    CO_ASSERT((co_await bob.connect(server.port(), server.public_key())).ok());
    auto first = co_await bob.drain();
    CO_ASSERT(first.size() == 6u);
    for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(first[i].ciphertext, core::Bytes(5, static_cast<std::uint8_t>(i)));
    for (std::size_t i = 0; i < 4; ++i) CO_ASSERT(bob.ack(first[i].server_id).ok());
    CO_ASSERT((co_await bob.sync(40)).ok());  // the acks were handled before this answer
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
      auto f = wire::decode_frame(*bytes);
      if (f.ok() && f->is<wire::ErrorFrame>() && error_code(*f) == wire::ErrorCode::conflict) saw_conflict = true;
    }
    EXPECT_TRUE(saw_conflict);
    EXPECT_FALSE(old_connection->is_open());
    EXPECT_TRUE(bob.connection->is_open());
  }());
}

// The server's wall clock comes from a file here (--clock-file), so the default retention of 30
// days is what is tested: a message 29 days old is still delivered, one 30 days and a minute old
// has expired and is never delivered.
TEST(ServerIntegration, UndeliveredMessagesExpireAfterThirtyDaysOnAControlledClock) {
  const auto clock = std::filesystem::temp_directory_path() / ("parley-clock-" + std::to_string(::getpid()));
  const std::uint64_t t0 = 1'900'000'000'000;  // 2030-03-17
  const std::uint64_t day = 24ull * 3600 * 1000;
  auto set_clock = [&](std::uint64_t ms) { std::ofstream(clock, std::ios::trunc) << ms << "\n"; };
  set_clock(t0);
  const auto metrics = free_port();
  ServerProcess server({"--clock-file", clock.string(), "--expiry-interval-ms", "50", "--metrics",
                        "127.0.0.1:" + std::to_string(metrics)});
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice alice(8), bob(9), carol(10);
    co_await registered(alice, server);
    co_await registered(bob, server);
    co_await registered(carol, server);
    co_await bob.connection->close();
    co_await carol.connection->close();
    auto to_bob = send_to(2, 1, bob.account, Target{1, bob.incarnation, core::Bytes(3, 3)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto acked = co_await alice.request(2, std::move(to_bob));
    CO_ASSERT(acked.ok() && acked->is<wire::SendAck>());
    set_clock(t0 + 29 * day);
    auto to_carol = send_to(3, 2, carol.account, Target{1, carol.incarnation, core::Bytes(4, 4)});  // a named frame: GCC 12 mishandles temporaries in co_await
    acked = co_await alice.request(3, std::move(to_carol));
    CO_ASSERT(acked.ok() && acked->is<wire::SendAck>());
    // Day 30 plus a minute: Bob's message (day 0) is past the retention, Carol's (day 29) is not.
    set_clock(t0 + 30 * day + 60'000);
    CO_ASSERT(co_await metrics_show(metrics, "parley_messages_expired_total 1\n"));  // the expiry pass ran
    CO_ASSERT((co_await bob.connect(server.port(), server.public_key())).ok());
    EXPECT_TRUE((co_await bob.drain()).empty());
    CO_ASSERT((co_await carol.connect(server.port(), server.public_key())).ok());
    const auto carols = co_await carol.drain();
    CO_ASSERT(carols.size() == 1u);
    EXPECT_EQ(carols[0].ciphertext, core::Bytes(4, 4));
  }());
  std::filesystem::remove(clock);
}

// A companion linked by the primary logs in with its own key and gets its copy of every send; the
// server holds a send to that account to both devices (all or nothing). Removal closes the
// companion's session at once, its key logs in no more, and a companion linked later under the
// same device id has a new incarnation and never sees the removed one's queue.
TEST(ServerIntegration, LinkedCompanionsGetTheirCopyAndRemovalIsFinal) {
  ServerProcess server;
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice alice(20), bob(21), laptop(22), tablet(23);
    co_await registered(alice, server);
    co_await registered(bob, server);
    auto link_frame = wire::encode_frame(5, wire::LinkDevice{laptop.registration()}).value();
    auto linked = co_await alice.request(5, std::move(link_frame));
    CO_ASSERT(linked.ok() && linked->is<wire::DeviceLinked>());
    laptop.account = linked->get<wire::DeviceLinked>()->account;
    laptop.device = linked->get<wire::DeviceLinked>()->device;
    laptop.incarnation = linked->get<wire::DeviceLinked>()->incarnation;
    EXPECT_EQ(laptop.account, alice.account);
    EXPECT_EQ(laptop.device, 2u);
    CO_ASSERT((co_await laptop.connect(server.port(), server.public_key())).ok());
    auto hello = co_await laptop.next_push();
    CO_ASSERT(hello.ok() && hello->is<wire::LoggedIn>());
    // Alice's list names the laptop: from now on every send to her account must cover it (spec §7.1).
    crypto::StreamEntropy entropy(4);
    const protocol::devices::DeviceList list{alice.account, 1, static_cast<std::uint64_t>(std::time(nullptr)) * 1000,
                                             {{1, 0, alice.identity_key().public_key}, {2, 1, laptop.identity_key().public_key}}};
    auto list_frame = wire::encode_frame(4, wire::PutDeviceList{alice.account, 1, protocol::devices::sign_device_list(list, alice.identity_key(), entropy).value()}).value();
    auto listed = co_await alice.request(4, std::move(list_frame));
    CO_ASSERT(listed.ok() && listed->is<wire::Ok>());

    // Only the primary links or removes.
    auto rogue_frame = wire::encode_frame(6, wire::LinkDevice{tablet.registration()}).value();
    auto rogue = co_await laptop.request(6, std::move(rogue_frame));
    CO_ASSERT(rogue.ok());
    EXPECT_EQ(error_code(*rogue), wire::ErrorCode::unauthorized);

    // A send to Alice's phone alone is refused (the laptop is missing); to both, it is held for both.
    auto partial_frame = send_to(7, 1, alice.account, Target{1, alice.incarnation, core::Bytes(5, 1)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto partial = co_await bob.request(7, std::move(partial_frame));
    CO_ASSERT(partial.ok());
    EXPECT_EQ(error_code(*partial), wire::ErrorCode::device_mismatch);
    auto both_frame = send_to(8, 2, alice.account, Target{1, alice.incarnation, core::Bytes(5, 2)},
                              Target{2, laptop.incarnation, core::Bytes(5, 3)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto both = co_await bob.request(8, std::move(both_frame));
    CO_ASSERT(both.ok() && both->is<wire::SendAck>());
    auto on_laptop = co_await laptop.next_push_of<wire::Deliver>();
    CO_ASSERT(on_laptop.ok());
    EXPECT_EQ(ciphertext_of(*on_laptop), core::Bytes(5, 3));
    auto on_phone = co_await alice.next_push_of<wire::Deliver>();
    CO_ASSERT(on_phone.ok());
    EXPECT_EQ(ciphertext_of(*on_phone), core::Bytes(5, 2));

    // Removal: the laptop, online and with an unacknowledged message, is told and closed.
    auto remove_frame = wire::encode_frame(9, wire::RemoveDevice{2}).value();
    auto removed = co_await alice.request(9, std::move(remove_frame));
    CO_ASSERT(removed.ok());
    EXPECT_TRUE(removed->is<wire::Ok>());
    auto told = co_await laptop.next_push_of<wire::ErrorFrame>();
    CO_ASSERT(told.ok());
    EXPECT_EQ(error_code(*told), wire::ErrorCode::unauthorized);
    EXPECT_FALSE((co_await laptop.next_push()).ok());  // closed
    CO_ASSERT((co_await laptop.connect(server.port(), server.public_key())).ok());
    auto refused = co_await laptop.next_push_of<wire::ErrorFrame>();
    CO_ASSERT(refused.ok());
    EXPECT_EQ(error_code(*refused), wire::ErrorCode::unauthorized);
    auto self_frame = wire::encode_frame(10, wire::RemoveDevice{1}).value();
    auto self = co_await alice.request(10, std::move(self_frame));
    CO_ASSERT(self.ok());
    EXPECT_EQ(error_code(*self), wire::ErrorCode::malformed);

    // Device 2 again, for the tablet: a new incarnation, an empty queue.
    auto relink_frame = wire::encode_frame(11, wire::LinkDevice{tablet.registration()}).value();
    auto relinked = co_await alice.request(11, std::move(relink_frame));
    CO_ASSERT(relinked.ok() && relinked->is<wire::DeviceLinked>());
    tablet.account = relinked->get<wire::DeviceLinked>()->account;
    tablet.device = relinked->get<wire::DeviceLinked>()->device;
    tablet.incarnation = relinked->get<wire::DeviceLinked>()->incarnation;
    EXPECT_EQ(tablet.device, 2u);
    EXPECT_NE(tablet.incarnation, laptop.incarnation);
    CO_ASSERT((co_await tablet.connect(server.port(), server.public_key())).ok());
    EXPECT_TRUE((co_await tablet.drain()).empty());
    // A sender still naming the laptop's incarnation is told the device is stale.
    auto stale_frame = send_to(12, 3, alice.account, Target{1, alice.incarnation, core::Bytes(5, 4)},
                               Target{2, laptop.incarnation, core::Bytes(5, 5)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto stale = co_await bob.request(12, std::move(stale_frame));
    CO_ASSERT(stale.ok());
    EXPECT_EQ(error_code(*stale), wire::ErrorCode::device_mismatch);
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
      CO_ASSERT(ack.ok() && ack->is<wire::SendAck>());
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
    EXPECT_EQ(error_code(*refused), wire::ErrorCode::unauthorized);
    // A send before logging in, and a frame only the server sends: typed errors.
    TestDevice anonymous(16);
    CO_ASSERT((co_await anonymous.connect(server.port(), server.public_key())).ok());
    auto unauth_frame = send_to(3, 1, bob.account, Target{1, bob.incarnation, core::Bytes(1, 1)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto unauth = co_await anonymous.request(3, std::move(unauth_frame));
    CO_ASSERT(unauth.ok());
    EXPECT_EQ(error_code(*unauth), wire::ErrorCode::unauthorized);
    // A send to a device that does not exist: deviceMismatch; to an account that does not: notFound.
    auto nowhere_frame = send_to(4, 1, 999999, Target{1, 1, core::Bytes(1, 1)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto nowhere = co_await alice.request(4, std::move(nowhere_frame));
    CO_ASSERT(nowhere.ok());
    EXPECT_EQ(error_code(*nowhere), wire::ErrorCode::not_found);
    // Too large a ciphertext: messageTooLarge.
    auto large_frame = send_to(5, 2, bob.account, Target{1, bob.incarnation, core::Bytes(96 * 1024 + 1, 1)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto large = co_await alice.request(5, std::move(large_frame));
    CO_ASSERT(large.ok());
    EXPECT_EQ(error_code(*large), wire::ErrorCode::message_too_large);
    // Inside an established channel: random bytes, then a chunk declaring a frame over the limit.
    // Each closes only its own connection.
    for (int misbehaviour = 0; misbehaviour < 2; ++misbehaviour) {
      auto inside = co_await RawClient::connect({asio::ip::make_address("127.0.0.1"), server.port()});
      transport::channel::ClientChannelConfig config;
      config.static_key = key_pair(900 + misbehaviour);
      config.server_key = server.public_key();
      co_await inside.handshake(std::move(config));
      if (misbehaviour == 0) {
        co_await inside.write(core::Bytes(24'000, 0x5a));  // a whole record (length 0x5a5a) that fails to decrypt
      } else {
        core::Bytes oversized(64, 0);  // a start chunk declaring a frame of ~2 GiB
        oversized[0] = 0x01;
        oversized[1] = oversized[2] = oversized[3] = 0xff;
        oversized[4] = 0x7f;
        auto sealed = inside.channel->send_frame(oversized);
        if (sealed.ok()) co_await inside.write(*sealed);
      }
      EXPECT_TRUE(co_await inside.closed_by_peer());
    }
    // Mallory, logged in as herself, acknowledges the server id of a message queued for Bob:
    // another device's mailbox loses nothing.
    TestDevice eve(17);
    co_await registered(eve, server);
    co_await bob.connection->close();
    auto for_bob_frame = send_to(9, 9, bob.account, Target{1, bob.incarnation, core::Bytes(6, 6)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto for_bob = co_await alice.request(9, std::move(for_bob_frame));
    CO_ASSERT(for_bob.ok() && for_bob->is<wire::SendAck>());
    const auto bobs_id = for_bob->get<wire::SendAck>()->server_id;
    CO_ASSERT(eve.ack(bobs_id).ok());
    CO_ASSERT((co_await eve.sync(41)).ok());  // Eve's ack was handled before this answer
    CO_ASSERT((co_await bob.connect(server.port(), server.public_key())).ok());
    const auto bobs = co_await bob.drain();
    CO_ASSERT(bobs.size() == 1u);
    EXPECT_EQ(bobs[0].server_id, bobs_id);
    // Alice is still served.
    auto fine_frame = send_to(6, 3, bob.account, Target{1, bob.incarnation, core::Bytes(4, 4)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto fine = co_await alice.request(6, std::move(fine_frame));
    CO_ASSERT(fine.ok());
    EXPECT_TRUE(fine->is<wire::SendAck>());
  }());
}

// The server serves only device lists the account key signed (spec §8.3), never a rollback.
TEST(ServerIntegration, DeviceListsMustBeSignedByTheAccountKeyAndNeverRollBack) {
  ServerProcess server;
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    TestDevice alice(50), mallory(51);
    co_await registered(alice, server);
    co_await registered(mallory, server);
    crypto::StreamEntropy entropy(5);
    auto list_of = [&](std::uint64_t version, const crypto::X25519KeyPair& signer) {
      const protocol::devices::DeviceList list{alice.account, version, static_cast<std::uint64_t>(std::time(nullptr)) * 1000,
                                               {{1, 0, signer.public_key}}};
      return protocol::devices::sign_device_list(list, signer, entropy).value();
    };
    auto put = [&](std::uint32_t id, std::uint64_t version, core::Bytes signed_list) {
      return wire::encode_frame(id, wire::PutDeviceList{alice.account, version, std::move(signed_list)}).value();
    };
    auto v2_frame = put(2, 2, list_of(2, alice.identity_key()));
    auto v2 = co_await alice.request(2, std::move(v2_frame));
    CO_ASSERT(v2.ok());
    EXPECT_TRUE(v2->is<wire::Ok>());
    // Signed by another key (Mallory's), a rollback to version 1, and a frame lying about its version.
    auto forged_frame = put(3, 3, list_of(3, mallory.identity_key()));
    auto forged = co_await alice.request(3, std::move(forged_frame));
    CO_ASSERT(forged.ok());
    EXPECT_EQ(error_code(*forged), wire::ErrorCode::unauthorized);
    auto rollback_frame = put(4, 1, list_of(1, alice.identity_key()));
    auto rollback = co_await alice.request(4, std::move(rollback_frame));
    CO_ASSERT(rollback.ok());
    EXPECT_EQ(error_code(*rollback), wire::ErrorCode::conflict);
    auto lying_frame = put(5, 9, list_of(3, alice.identity_key()));
    auto lying = co_await alice.request(5, std::move(lying_frame));
    CO_ASSERT(lying.ok());
    EXPECT_EQ(error_code(*lying), wire::ErrorCode::malformed);
    // Anyone may read the list, and gets version 2.
    auto get_frame = wire::encode_frame(6, wire::GetDeviceList{alice.account}).value();
    auto got = co_await mallory.request(6, std::move(get_frame));
    CO_ASSERT(got.ok() && got->is<wire::DeviceListReply>());
    EXPECT_EQ(got->get<wire::DeviceListReply>()->version, 2u);
  }());
}

// A flood of connections from one address: past max_connections_per_address they are closed
// before any handshake work, while a device from another address is served, and the address is
// admitted again once its connections close.
TEST(ServerIntegration, AConnectionFloodFromOneAddressLeavesOthersServed) {
  ServerProcess server({"--max-connections-per-address", "8"});
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    const net::tcp::endpoint at{asio::ip::make_address("127.0.0.1"), server.port()};
    std::vector<RawClient> flood;
    for (int i = 0; i < 30; ++i) flood.push_back(co_await RawClient::connect(at));
    // Wait (bounded) until the 22 connections past the limit are closed; the 8 admitted ones wait
    // for a handshake, which the server gives 10 s, so they are open still.
    std::vector<bool> closed(flood.size(), false);
    std::size_t closed_count = 0, open_count = 0;
    for (int round = 0; round < 500; ++round) {
      open_count = 0;
      for (std::size_t i = 0; i < flood.size(); ++i) {
        if (closed[i]) continue;
        flood[i].socket.non_blocking(true);
        std::uint8_t byte = 0;
        boost::system::error_code ec;
        flood[i].socket.read_some(asio::buffer(&byte, 1), ec);
        if (ec == asio::error::eof || ec == asio::error::connection_reset) {
          closed[i] = true;
          ++closed_count;
        } else if (ec == asio::error::would_block) {
          ++open_count;
        }
      }
      if (closed_count >= 22) break;
      co_await net::testing::sleep_for(10ms);
    }
    EXPECT_EQ(closed_count, 22u);  // 30 - 8 admitted
    EXPECT_EQ(open_count, 8u);
    TestDevice alice(30), bob(31);
    CO_ASSERT((co_await alice.connect(server.port(), server.public_key(), asio::ip::make_address("127.0.0.2"))).ok());
    CO_ASSERT((co_await alice.register_account()).ok());
    for (auto& raw : flood) raw.socket.close();
    // The address is admitted again once its connections are gone.
    bool admitted = false;
    for (int attempt = 0; attempt < 50 && !admitted; ++attempt) {
      admitted = (co_await bob.connect(server.port(), server.public_key())).ok();
      if (!admitted) co_await net::testing::sleep_for(50ms);
    }
    CO_ASSERT(admitted);
    CO_ASSERT((co_await bob.register_account()).ok());
    auto hi_frame = send_to(2, 1, bob.account, Target{1, bob.incarnation, core::Bytes(2, 2)});  // a named frame: GCC 12 mishandles temporaries in co_await
    auto hi = co_await alice.request(2, std::move(hi_frame));
    CO_ASSERT(hi.ok());
    EXPECT_TRUE(hi->is<wire::SendAck>());
  }());
}

}  // namespace
}  // namespace parley::server::testing
