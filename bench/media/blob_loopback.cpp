// parley-blob-loopback: a blob of N MiB uploaded to and downloaded from the real parley-server over
// 127.0.0.1 by the reference client (spec §7.1, §12.3), against the Parley channel's own loopback
// throughput measured in the same run (the same bytes in frames of one blob chunk, kBlobChunk, to a
// peer that only reads them). Prints one line of JSON: each direction's MB/s (10^6 bytes per second),
// the channel's, and each direction's ratio to the channel (the median of the runs).
//
//   parley-blob-loopback --server PATH/parley-server [--mib 100] [--runs 3] [--dir DIR]
//
// The upload includes what the server does for it: each chunk written to SQLite and synced, and
// the whole blob hashed at the end; the download reads it back and the client writes it to a file.
// The file is random bytes standing for an encrypted upload (encryption is parley-media-rss's job).
#include "parley/transport/net/asio.h"  // first: Boost 1.74 needs <utility> before Asio

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"  // reference_server/tests/server
#include "parley/client/blob_io.h"
#include "parley/client/client.h"
#include "parley/core/hex.h"
#include "parley/crypto/entropy.h"
#include "run_sync.h"
#include "parley/crypto/hash.h"
#include "parley/transport/net/acceptor.h"
#include "parley/transport/net/connector.h"

namespace {

using namespace parley;
namespace fs = std::filesystem;
namespace net = parley::transport::net;
namespace asio = net::asio;
using Clock = std::chrono::steady_clock;

constexpr std::uint8_t kAckRequest = 1;  // first byte of the channel peer's last frame: answer it

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

using parley::bench::run_sync;

[[noreturn]] void fail(const std::string& what, const core::Error& error) {
  std::fprintf(stderr, "parley-blob-loopback: %s: %s\n", what.c_str(), core::to_string(error).c_str());
  std::exit(1);
}

// The parley-server binary on 127.0.0.1, a fresh data directory, stopped with SIGTERM.
class ServerChild {
 public:
  ServerChild(const std::string& binary, const fs::path& data) : data_(data) {
    const auto child = server::testing::spawn_child({binary, "--listen", "127.0.0.1:0", "--data", data.string(),
                                                     "--log-level", "warn"});
    pid_ = child.pid;
    std::string line;
    char c = 0;
    while (child.stdout_fd >= 0 && ::read(child.stdout_fd, &c, 1) == 1 && c != '\n') line += c;
    if (child.stdout_fd >= 0) ::close(child.stdout_fd);
    const std::string prefix = "listening on 127.0.0.1:";
    if (line.rfind(prefix, 0) != 0) fail("the server did not start", core::make_error(core::Errc::unsupported, line));
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(prefix.size())));
  }
  ~ServerChild() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  net::tcp::endpoint endpoint() const { return {asio::ip::make_address("127.0.0.1"), port_}; }
  crypto::X25519PublicKey public_key() const {
    std::ifstream in(data_ / "server.pub");
    std::string hex;
    in >> hex;
    const auto bytes = core::from_hex(hex);
    crypto::X25519PublicKey key{};
    if (!bytes.ok() || bytes->size() != key.size()) fail("server.pub", core::make_error(core::Errc::malformed, hex));
    std::copy(bytes->begin(), bytes->end(), key.begin());
    return key;
  }

 private:
  fs::path data_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// Random bytes written 1 MiB at a time, and their SHA-256 (the blob's name).
core::Bytes write_blob(const fs::path& path, std::uint64_t mib) {
  crypto::StreamEntropy entropy(7);
  crypto::Sha256 hash;
  std::ofstream out(path, std::ios::binary);
  core::Bytes block(1 << 20);
  for (std::uint64_t m = 0; m < mib; ++m) {
    if (!entropy.fill(block).ok()) std::exit(1);
    hash.update(block);
    out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size()));
  }
  const auto digest = hash.final();
  return core::Bytes(digest.begin(), digest.end());
}

core::Bytes file_sha256(const fs::path& path) {
  crypto::Sha256 hash;
  std::ifstream in(path, std::ios::binary);
  core::Bytes block(1 << 20);
  while (in) {
    in.read(reinterpret_cast<char*>(block.data()), static_cast<std::streamsize>(block.size()));
    hash.update(core::BytesView(block.data(), static_cast<std::size_t>(in.gcount())));
  }
  const auto digest = hash.final();
  return core::Bytes(digest.begin(), digest.end());
}

// A channel peer on its own thread that reads frames and answers the one that asks.
class ChannelSink {
 public:
  ChannelSink() {
    crypto::StreamEntropy entropy(2);
    net::AcceptorConfig config;
    config.static_key = crypto::generate_x25519_key_pair(entropy).value();
    server_key_ = config.static_key.public_key;
    auto handler = [](std::shared_ptr<net::Connection> c) -> asio::awaitable<void> {
      for (;;) {
        auto frame = co_await c->receive();
        if (!frame.ok()) co_return;
        if ((*frame)[0] != kAckRequest) continue;
        if (!(co_await c->send_when_ready(core::Bytes(1, 0))).ok()) co_return;
      }
    };
    acceptor_ = net::Acceptor::listen(io_, {asio::ip::make_address("127.0.0.1"), 0}, std::move(config), handler).value();
    acceptor_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ChannelSink() {
    asio::post(io_, [this] { acceptor_->stop(); });
    io_.stop();
    thread_.join();
  }
  // Seconds to move `mib` MiB in kBlobChunk frames, acknowledged at the end.
  double send(std::uint64_t mib) {
    transport::channel::ClientChannelConfig config;
    crypto::StreamEntropy entropy(1);
    config.static_key = crypto::generate_x25519_key_pair(entropy).value();
    config.server_key = server_key_;
    config.device = {1, 1};
    asio::io_context io;
    auto connection = run_sync(io, net::connect(acceptor_->local_endpoint(), config));
    if (!connection.ok()) fail("channel connect", connection.error());
    const std::size_t frames = mib * (1 << 20) / client::kBlobChunk;
    core::Bytes frame(client::kBlobChunk, 0x5a), last = frame;
    last[0] = kAckRequest;
    const auto start = Clock::now();
    const bool ok = run_sync(io, [&]() -> asio::awaitable<bool> {
      for (std::size_t i = 0; i < frames; ++i)
        if (!(co_await (*connection)->send_when_ready(i + 1 == frames ? last : frame)).ok()) co_return false;
      co_return (co_await (*connection)->receive()).ok();
    }());
    const double seconds = seconds_since(start);
    run_sync(io, (*connection)->close());
    if (!ok) fail("channel transfer", core::make_error(core::Errc::unsupported, "the peer went away"));
    return seconds;
  }

 private:
  asio::io_context io_;
  std::unique_ptr<net::Acceptor> acceptor_;
  crypto::X25519PublicKey server_key_{};
  std::thread thread_;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string server_binary;
  std::uint64_t mib = 100;
  int runs = 3;
  fs::path dir = fs::temp_directory_path();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--server") == 0) server_binary = argv[i + 1];
    if (std::strcmp(argv[i], "--mib") == 0) mib = std::stoull(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::stoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  if (server_binary.empty() || mib == 0) {
    std::fprintf(stderr, "usage: parley-blob-loopback --server PATH [--mib N] [--runs N] [--dir DIR]\n");
    return 2;
  }
  const fs::path work = dir / ("parley-blob-loopback-" + std::to_string(::getpid()));
  fs::create_directories(work);
  const double bytes = static_cast<double>(mib) * (1 << 20);
  std::vector<double> upload, download, channel;
  {
    ChannelSink sink;
    for (int run = 0; run < runs; ++run) {
      // Each run a fresh server and account, so that the blob is new to the server.
      const fs::path round = work / std::to_string(run);
      fs::create_directories(round);
      const auto blob = round / "upload";
      const auto hash = write_blob(blob, mib);
      ServerChild server(server_binary, round / "server");
      asio::io_context io;
      auto client = client::Client::open(round / "profile", server.public_key());
      if (!client.ok()) fail("open the profile", client.error());
      auto& c = **client;
      if (auto r = run_sync(io, c.connect(server.endpoint())); !r.ok()) fail("connect", r.error());
      const auto timeout = std::chrono::minutes(10);

      auto start = Clock::now();
      if (auto r = run_sync(io, c.upload_blob(hash, blob, timeout)); !r.ok()) fail("upload", r.error());
      upload.push_back(bytes / seconds_since(start) / 1e6);

      start = Clock::now();
      if (auto r = run_sync(io, c.download_blob(hash, fs::file_size(blob), round / "download", timeout)); !r.ok())
        fail("download", r.error());
      download.push_back(bytes / seconds_since(start) / 1e6);
      if (file_sha256(round / "download") != hash)
        fail("download", core::make_error(core::Errc::malformed, "the downloaded blob has another SHA-256"));
      run_sync(io, c.close());

      channel.push_back(bytes / sink.send(mib) / 1e6);
      fs::remove_all(round);
    }
  }
  fs::remove_all(work);
  const double up = median(upload), down = median(download), wire = median(channel);
  std::printf(
      "{\"mib\": %llu, \"runs\": %d, \"upload_MBps\": %.1f, \"download_MBps\": %.1f, \"channel_MBps\": %.1f, "
      "\"upload_vs_channel\": %.2f, \"download_vs_channel\": %.2f}\n",
      static_cast<unsigned long long>(mib), runs, up, down, wire, up / wire, down / wire);
  return 0;
}
