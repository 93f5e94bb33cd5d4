// The Asio adapters over 127.0.0.1 (spec §6.8): XX, then IK on reconnect with the learnt key, then
// XXfallback when that key is stale; frames of 1 byte, 65,535 bytes and 1 MiB both ways; and each
// hostile or broken connection ends with its typed error while a good connection carries on.
#include <gtest/gtest.h>

#include "net_fixture.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/channel/limits.h"

namespace parley::transport::net {
namespace {

using core::Errc;
using namespace testing;
using channel::RecordKind;
using namespace std::chrono_literals;

const std::vector<std::size_t> kIssueSizes = {1, 65535, 1024 * 1024};

TEST(Loopback, XxThenIkThenXxFallbackWithAStalePin) {
  asio::io_context io;
  auto old_server = std::make_unique<EchoServer>(io, key_pair(100));
  run(io, [&]() -> asio::awaitable<void> {
    // 1. First contact: XX; the client learns the server's key.
    auto first = (co_await connect(old_server->endpoint(), client_config())).value();
    EXPECT_EQ(first->handshake().pattern, RecordKind::xx);
    const auto learnt = first->handshake().remote_static;
    EXPECT_EQ(learnt, key_pair(100).public_key);
    for (const auto size : kIssueSizes) co_await expect_echo(*first, sample_bytes(size, static_cast<std::uint8_t>(size)));
    co_await first->close();

    // 2. Reconnect with the pinned key: IK.
    auto second = (co_await connect(old_server->endpoint(), client_config(learnt))).value();
    EXPECT_EQ(second->handshake().pattern, RecordKind::ik);
    EXPECT_FALSE(second->server_key_changed());
    for (const auto size : kIssueSizes) co_await expect_echo(*second, sample_bytes(size, 9));
    co_await second->close();
  }());
  EXPECT_EQ(old_server->log->patterns, (std::vector<RecordKind>{RecordKind::xx, RecordKind::ik}));
  EXPECT_EQ(old_server->log->devices.at(1), (channel::DeviceCredentials{7, 1}));

  // 3. The server's key rotated: the pinned key is stale, IK fails into XXfallback.
  old_server->acceptor->stop();
  EchoServer new_server(io, key_pair(200));
  run(io, [&]() -> asio::awaitable<void> {
    auto third = (co_await connect(new_server.endpoint(), client_config(key_pair(100).public_key))).value();
    EXPECT_EQ(third->handshake().pattern, RecordKind::xx_fallback);
    EXPECT_TRUE(third->server_key_changed());
    EXPECT_EQ(third->handshake().remote_static, key_pair(200).public_key);
    for (const auto size : kIssueSizes) co_await expect_echo(*third, sample_bytes(size, 3));
    co_await third->close();
  }());
  EXPECT_EQ(new_server.log->patterns, std::vector<RecordKind>{RecordKind::xx_fallback});
}

TEST(Loopback, RequiredPinRefusesARotatedServer) {
  asio::io_context io;
  EchoServer server(io, key_pair(300));
  run(io, [&]() -> asio::awaitable<void> {
    auto config = client_config(key_pair(100).public_key);
    config.pin = channel::PinPolicy::required;
    auto refused = co_await connect(server.endpoint(), std::move(config));
    CO_ASSERT(!refused.ok());
    EXPECT_EQ(refused.code(), Errc::untrusted_identity);
    // The server sees the client go away during the handshake.
    EXPECT_TRUE(co_await eventually([&] { return server.log->handshake_failures.size() == 1; }));
  }());
  EXPECT_EQ(server.log->handshake_failures, std::vector<Errc>{Errc::connection_closed});
}

// Runs `misbehave` on a raw connection while a good client stays connected, then checks that the
// good connection still echoes, so one bad connection never affects another.
void with_a_bystander(asio::io_context& io, EchoServer& server,
                      std::function<asio::awaitable<void>(tcp::endpoint)> misbehave) {
  run(io, [&]() -> asio::awaitable<void> {
    auto good = (co_await connect(server.endpoint(), client_config())).value();
    co_await expect_echo(*good, sample_bytes(10));
    co_await misbehave(server.endpoint());
    co_await expect_echo(*good, sample_bytes(2000, 4));
    EXPECT_TRUE(good->is_open());
    co_await good->close();
  }());
}

TEST(LoopbackNegative, RandomBytesInsteadOfAHeader) {
  asio::io_context io;
  EchoServer server(io, key_pair(2));
  with_a_bystander(io, server, [&](tcp::endpoint ep) -> asio::awaitable<void> {
    auto raw = co_await RawClient::connect(ep);
    co_await raw.write(sample_bytes(100, 77));
    EXPECT_TRUE(co_await raw.closed_by_peer());
  });
  EXPECT_EQ(server.log->handshake_failures, std::vector<Errc>{Errc::malformed});
}

TEST(LoopbackNegative, TamperedHandshakeMessage) {
  asio::io_context io;
  EchoServer server(io, key_pair(2));
  with_a_bystander(io, server, [&](tcp::endpoint ep) -> asio::awaitable<void> {
    auto raw = co_await RawClient::connect(ep);
    crypto::SystemEntropy entropy;
    auto opened = channel::ClientChannel::open(client_config(), entropy).value();
    co_await raw.write(opened.second);
    core::Bytes buffer(4096);
    const auto n = co_await raw.socket.async_read_some(asio::buffer(buffer), asio::use_awaitable);
    auto final_msg = opened.first.receive(core::BytesView(buffer).first(n), entropy).value().to_send;
    final_msg.back() ^= 0x20;  // the tag of the client's encrypted payload
    co_await raw.write(final_msg);
    EXPECT_TRUE(co_await raw.closed_by_peer());
  });
  EXPECT_EQ(server.log->handshake_failures, std::vector<Errc>{Errc::decrypt_failed});
}

TEST(LoopbackNegative, TruncatedFrame) {
  asio::io_context io;
  EchoServer server(io, key_pair(2));
  with_a_bystander(io, server, [&](tcp::endpoint ep) -> asio::awaitable<void> {
    auto raw = co_await RawClient::connect(ep);
    co_await raw.handshake(client_config());
    const auto wire = raw.channel->send_frame(sample_bytes(100000)).value();
    co_await raw.write(core::BytesView(wire).first(wire.size() / 2));
    raw.socket.shutdown(tcp::socket::shutdown_send);
    EXPECT_TRUE(co_await raw.closed_by_peer());
    EXPECT_TRUE(co_await eventually([&] { return server.log->receive_errors.size() == 1; }));
  });
  EXPECT_EQ(server.log->receive_errors.at(0), Errc::malformed);
}

TEST(LoopbackNegative, FrameOverTheLimit) {
  asio::io_context io;
  EchoServer server(io, key_pair(2));
  with_a_bystander(io, server, [&](tcp::endpoint ep) -> asio::awaitable<void> {
    auto raw = co_await RawClient::connect(ep);
    co_await raw.handshake(client_config());
    // A first chunk declaring channel::kMaxFrameSize + 1 bytes: refused before anything is buffered.
    const auto length = static_cast<std::uint32_t>(channel::kMaxFrameSize + 1);
    core::Bytes chunk = {channel::kChunkStart | channel::kChunkMore, static_cast<std::uint8_t>(length), static_cast<std::uint8_t>(length >> 8),
                         static_cast<std::uint8_t>(length >> 16), static_cast<std::uint8_t>(length >> 24), 0};
    auto& send = raw.channel->secure_for_testing()->send_cipher_for_testing();
    core::Bytes wire;
    EXPECT_TRUE(channel::append_transport_record(wire, send.encrypt_with_ad({}, chunk).value()).ok());
    co_await raw.write(wire);
    EXPECT_TRUE(co_await raw.closed_by_peer());
    EXPECT_TRUE(co_await eventually([&] { return server.log->receive_errors.size() == 1; }));
  });
  EXPECT_EQ(server.log->receive_errors.at(0), Errc::limit_exceeded);
}

TEST(LoopbackNegative, NonceExhaustionClosesOnlyThatConnection) {
  asio::io_context io;
  EchoServer server(io, key_pair(2));
  with_a_bystander(io, server, [&](tcp::endpoint ep) -> asio::awaitable<void> {
    auto c = (co_await connect(ep, client_config())).value();
    co_await expect_echo(*c, sample_bytes(3));  // the server has the whole handshake
    auto* secure = std::get<channel::ClientChannel>(c->channel_for_testing()).secure_for_testing();
    EXPECT_TRUE(secure->send_cipher_for_testing().set_nonce(noise::kMaxNonce).ok());
    auto spent = c->send(sample_bytes(5));
    CO_ASSERT(!spent.ok());
    EXPECT_EQ(spent.code(), Errc::limit_exceeded);
    EXPECT_FALSE(c->is_open());
    EXPECT_EQ(c->send(sample_bytes(5)).code(), Errc::limit_exceeded);  // the first reason stays

    EXPECT_TRUE(co_await eventually([&] { return server.log->receive_errors.size() == 1; }));
  });
  EXPECT_EQ(server.log->receive_errors.at(0), Errc::connection_closed);
}

TEST(LoopbackNegative, SilentPeerTimesOutTheHandshake) {
  asio::io_context io;
  Timeouts quick;
  quick.handshake = 200ms;
  EchoServer server(io, key_pair(2), quick);
  with_a_bystander(io, server, [&](tcp::endpoint ep) -> asio::awaitable<void> {
    auto raw = co_await RawClient::connect(ep);
    co_await raw.write(channel::prologue());  // a header, then nothing
    EXPECT_TRUE(co_await raw.closed_by_peer());
  });
  EXPECT_EQ(server.log->handshake_failures, std::vector<Errc>{Errc::timed_out});
}

TEST(LoopbackNegative, IdlePeerTimesOut) {
  asio::io_context io;
  Timeouts quick;
  quick.idle = 300ms;
  EchoServer server(io, key_pair(2), quick);
  run(io, [&]() -> asio::awaitable<void> {
    auto raw = co_await RawClient::connect(server.endpoint());
    co_await raw.handshake(client_config());
    EXPECT_TRUE(co_await raw.closed_by_peer());
  }());
  EXPECT_EQ(server.log->receive_errors, std::vector<Errc>{Errc::timed_out});
}

TEST(LoopbackNegative, APeerThatDoesNotReadMeetsBackPressure) {
  asio::io_context io;
  EchoServer server(io, key_pair(2));
  run(io, [&]() -> asio::awaitable<void> {
    ConnectionLimits small;
    small.max_queued_bytes = 256 * 1024;
    auto c = (co_await connect(server.endpoint(), client_config(), {}, small)).value();
    // The echo server writes back what we send; we never read, so both directions fill up until
    // our own queue refuses. The refusal is typed, bounded, and leaves the connection open.
    const auto frame = sample_bytes(60000);
    std::size_t accepted = 0;
    for (int i = 0; i < 2000; ++i) {
      auto sent = c->send(frame);
      if (!sent.ok()) {
        EXPECT_EQ(sent.code(), Errc::limit_exceeded);
        break;
      }
      ++accepted;
      if (i % 8 == 0) co_await sleep_for(1ms);  // let the writer run
    }
    EXPECT_LT(accepted, 2000u);
    EXPECT_LE(c->queued_bytes(), small.max_queued_bytes + frame.size() + 1024);
    EXPECT_TRUE(c->is_open());
    c->abort(core::make_error(Errc::connection_closed, "test over"));
  }());
}

TEST(Loopback, PeerClosingBetweenFramesIsConnectionClosed) {
  asio::io_context io;
  EchoServer server(io, key_pair(2));
  run(io, [&]() -> asio::awaitable<void> {
    auto c = (co_await connect(server.endpoint(), client_config())).value();
    co_await expect_echo(*c, sample_bytes(1));
    co_await c->close();
    EXPECT_EQ(c->send(sample_bytes(1)).code(), Errc::connection_closed);
    EXPECT_TRUE(co_await eventually([&] { return server.log->receive_errors.size() == 1; }));
  }());
  EXPECT_EQ(server.log->receive_errors, std::vector<Errc>{Errc::connection_closed});
}

TEST(Loopback, ConnectToNothingIsConnectionClosed) {
  asio::io_context io;
  tcp::endpoint nowhere;
  {
    EchoServer server(io, key_pair(2));
    nowhere = server.endpoint();
    server.acceptor->stop();
  }
  run(io, [&]() -> asio::awaitable<void> {
    auto refused = co_await connect(nowhere, client_config());
    CO_ASSERT(!refused.ok());
    EXPECT_EQ(refused.code(), Errc::connection_closed);
  }());
}

TEST(Loopback, AnIdleConnectionHoldsNoReadBuffer) {
  asio::io_context io;
  EchoServer server(io, key_pair(2));
  run(io, [&]() -> asio::awaitable<void> {
    auto c = (co_await connect(server.endpoint(), client_config())).value();
    co_await expect_echo(*c, sample_bytes(70000));
    EXPECT_FALSE(c->holds_read_buffer());
    co_await c->close();
  }());
}

}  // namespace
}  // namespace parley::transport::net
