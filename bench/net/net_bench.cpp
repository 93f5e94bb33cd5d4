// The Parley channel over 127.0.0.1 (spec §6.8): full XX and IK handshakes per second, and frame
// throughput at 1 KiB and 64 KiB, each against plain TCP doing the same round trips and moving
// the same bytes unencrypted in the same run (the "tcp" rows, labelled backend, so the table shows
// what the channel adds over the socket). Real time: the server runs on its own thread.
//
//   BM_net_handshake_xx/parley    connect, XX, close              BM_net_handshake_xx/tcp: connect, 1-byte round trip, close
//   BM_net_handshake_ik/parley    connect, IK, close              (same peer)
//   BM_net_throughput/parley/N    frames of N bytes, ~1 MiB per iteration, acknowledged at the end
//   BM_net_throughput/tcp/N       the same bytes with a 4-byte length prefix and no encryption
#include <benchmark/benchmark.h>

#include "parley/transport/net/asio.h"  // first: Boost 1.74 needs <utility> before Asio

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>

#include <array>
#include <optional>
#include <thread>

#include "parley/crypto/entropy.h"
#include "run_sync.h"
#include "parley/transport/net/acceptor.h"
#include "parley/transport/net/connector.h"

namespace {

using namespace parley;
using namespace parley::transport::net;
namespace channel = parley::transport::channel;

constexpr const char* kBackendLabel = "backend";
constexpr std::uint8_t kAckRequest = 1;  // first byte of a frame that asks the server to answer
constexpr std::size_t kBytesPerIteration = 1024 * 1024;

crypto::X25519KeyPair key_pair(std::uint64_t seed) {
  crypto::StreamEntropy entropy(seed);
  return crypto::generate_x25519_key_pair(entropy).value();
}

using parley::bench::run_sync;

// Plain TCP peer: frames with a 4-byte length prefix; a frame starting with kAckRequest is
// answered with one byte. The same protocol the Parley server below speaks inside the channel.
asio::awaitable<void> serve_tcp(tcp::socket socket) {
  std::vector<std::uint8_t> body;
  for (;;) {
    std::uint8_t header[4];
    boost::system::error_code ec;
    co_await asio::async_read(socket, asio::buffer(header), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const std::uint32_t length = header[0] | (header[1] << 8) | (header[2] << 16) | (std::uint32_t{header[3]} << 24);
    body.resize(length);
    co_await asio::async_read(socket, asio::buffer(body), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    if (!body.empty() && body[0] == kAckRequest) {
      const std::uint8_t ack = 0;
      co_await asio::async_write(socket, asio::buffer(&ack, 1), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
  }
}

asio::awaitable<void> accept_tcp(tcp::acceptor& acceptor) {
  for (;;) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), serve_tcp(std::move(socket)), asio::detached);
  }
}

// One server thread with both peers listening.
class Servers {
 public:
  Servers() : tcp_acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    AcceptorConfig config;
    config.static_key = key_pair(2);
    auto handler = [](std::shared_ptr<Connection> c) -> asio::awaitable<void> {
      for (;;) {
        auto frame = co_await c->receive();
        if (!frame.ok()) co_return;
        if ((*frame)[0] != kAckRequest) continue;
        const core::Bytes ack(1, 0);
        if (!(co_await c->send_when_ready(ack)).ok()) co_return;
      }
    };
    parley_ = Acceptor::listen(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), std::move(config), handler)
                  .value();
    parley_->start();
    asio::co_spawn(io_, accept_tcp(tcp_acceptor_), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Servers() {
    asio::post(io_, [this] {
      parley_->stop();
      tcp_acceptor_.close();
    });
    io_.stop();
    thread_.join();
  }
  tcp::endpoint parley_endpoint() const { return parley_->local_endpoint(); }
  tcp::endpoint tcp_endpoint() const { return tcp_acceptor_.local_endpoint(); }

 private:
  asio::io_context io_;
  tcp::acceptor tcp_acceptor_;
  std::unique_ptr<Acceptor> parley_;
  std::thread thread_;
};

Servers& servers() {
  static Servers instance;
  return instance;
}

channel::ClientChannelConfig client_config(bool ik) {
  channel::ClientChannelConfig config;
  config.static_key = key_pair(1);
  if (ik) config.server_key = key_pair(2).public_key;
  config.device = {1, 1};
  return config;
}

void handshake(benchmark::State& state, bool ik) {
  const auto endpoint = servers().parley_endpoint();
  asio::io_context io;
  for (auto _ : state) {
    const bool ok = run_sync(io, [&]() -> asio::awaitable<bool> {
      auto c = co_await connect(endpoint, client_config(ik));
      if (!c.ok()) co_return false;
      co_await (*c)->close();
      co_return true;
    }());
    if (!ok) state.SkipWithError("handshake failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_net_handshake_xx_parley(benchmark::State& state) { handshake(state, false); }
void BM_net_handshake_ik_parley(benchmark::State& state) { handshake(state, true); }

void tcp_round_trip_connection(benchmark::State& state) {
  const auto endpoint = servers().tcp_endpoint();
  asio::io_context io;
  for (auto _ : state) {
    run_sync(io, [&]() -> asio::awaitable<void> {
      tcp::socket socket(io);
      co_await socket.async_connect(endpoint, asio::use_awaitable);
      socket.set_option(tcp::no_delay(true));
      const std::array<std::uint8_t, 5> frame = {1, 0, 0, 0, kAckRequest};
      co_await asio::async_write(socket, asio::buffer(frame), asio::use_awaitable);
      std::uint8_t ack = 0;
      co_await asio::async_read(socket, asio::buffer(&ack, 1), asio::use_awaitable);
    }());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(kBackendLabel);
}

void BM_net_throughput_parley(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::size_t count = std::max<std::size_t>(1, kBytesPerIteration / size);
  asio::io_context io;
  auto connection = run_sync(io, connect(servers().parley_endpoint(), client_config(false))).value();
  core::Bytes frame(size, 0x5a), last(size, 0x5a);
  last[0] = kAckRequest;
  for (auto _ : state) {
    const bool ok = run_sync(io, [&]() -> asio::awaitable<bool> {
      for (std::size_t i = 0; i < count; ++i)
        if (!(co_await connection->send_when_ready(i + 1 == count ? last : frame)).ok()) co_return false;
      co_return (co_await connection->receive()).ok();
    }());
    if (!ok) state.SkipWithError("transfer failed");
  }
  run_sync(io, connection->close());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * count * size));
}

void BM_net_throughput_tcp(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::size_t count = std::max<std::size_t>(1, kBytesPerIteration / size);
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(servers().tcp_endpoint());
  socket.set_option(tcp::no_delay(true));
  // One buffer per frame, as the channel's write queue holds one record per frame.
  std::vector<std::uint8_t> framed(4 + size, 0x5a), last(4 + size, 0x5a);
  for (auto* f : {&framed, &last}) {
    (*f)[0] = static_cast<std::uint8_t>(size), (*f)[1] = static_cast<std::uint8_t>(size >> 8);
    (*f)[2] = static_cast<std::uint8_t>(size >> 16), (*f)[3] = 0;
  }
  last[4] = kAckRequest;
  for (auto _ : state) {
    std::vector<asio::const_buffer> buffers;
    for (std::size_t i = 0; i < count; ++i) buffers.push_back(asio::buffer(i + 1 == count ? last : framed));
    asio::write(socket, buffers);
    std::uint8_t ack = 0;
    asio::read(socket, asio::buffer(&ack, 1));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * count * size));
  state.SetLabel(kBackendLabel);
}

}  // namespace

BENCHMARK(BM_net_handshake_xx_parley)->Name("BM_net_handshake_xx/parley")->UseRealTime();
BENCHMARK(tcp_round_trip_connection)->Name("BM_net_handshake_xx/tcp")->UseRealTime();
BENCHMARK(BM_net_handshake_ik_parley)->Name("BM_net_handshake_ik/parley")->UseRealTime();
BENCHMARK(tcp_round_trip_connection)->Name("BM_net_handshake_ik/tcp")->UseRealTime();
BENCHMARK(BM_net_throughput_parley)->Name("BM_net_throughput/parley")->Arg(1024)->Arg(65536)->UseRealTime();
BENCHMARK(BM_net_throughput_tcp)->Name("BM_net_throughput/tcp")->Arg(1024)->Arg(65536)->UseRealTime();

BENCHMARK_MAIN();
