#include "parley/server/runtime/server.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio/post.hpp>
#include <fstream>

#include "parley/core/hex.h"
#include "parley/crypto/entropy.h"
#include "parley/server/store/sqlite_backend.h"
#include "parley/wire/limits.h"
#include "worker.h"

namespace parley::server {

namespace asio = transport::net::asio;
using transport::net::tcp;
using core::Errc;

namespace {

// The network thread stops reading from sockets while the storage thread has this many bytes of
// frames waiting (spec §7.4), so a flood of frames backs up into TCP instead of into memory; and
// from one connection while that connection alone has a frame's worth waiting, so that one client
// cannot fill the backlog in front of everyone else. A client that has not claimed a device (it may
// only register or log in) has one frame at a time.
constexpr std::size_t kMaxWorkerBacklogBytes = 64 * 1024 * 1024;
constexpr std::size_t kMaxQueuedBytesPerConnection = wire::kMaxFrameSize;

core::Error io_error(const std::string& what) { return core::make_error(Errc::storage_failure, what); }

core::Result<std::string> read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return io_error("cannot read " + file.string());
  std::string text;
  std::getline(in, text);
  return text;
}

core::Result<void> write_text(const std::filesystem::path& file, const std::string& text, bool secret) {
  const auto tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return io_error("cannot write " + tmp);
    if (secret) ::chmod(tmp.c_str(), 0600);
    out << text << '\n';
    if (!out.flush()) return io_error("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);  // atomic: a crash leaves the old file or the new one
  if (ec) return io_error("cannot rename " + tmp + ": " + ec.message());
  return {};
}

std::string address_of(const tcp::endpoint& peer) { return peer.address().to_string(); }

// The settings' test clock: the number in the file, or the real time while it holds none.
Clock clock_from(const std::filesystem::path& file) {
  if (file.empty()) return system_clock();
  return [file, real = system_clock()]() -> TimestampMs {
    std::ifstream in(file);
    std::uint64_t ms = 0;
    if (in >> ms) return TimestampMs{ms};
    return real();
  };
}

}  // namespace

core::Result<crypto::X25519KeyPair> load_or_create_server_key(const std::filesystem::path& data_dir) {
  const auto key_file = data_dir / "server.key";
  crypto::X25519KeyPair key;
  if (std::filesystem::exists(key_file)) {
    PARLEY_TRY(const auto text, read_text(key_file));
    auto bytes = core::from_hex(text);
    if (!bytes.ok()) return core::make_error(Errc::malformed, key_file.string() + ": not hex");
    PARLEY_TRY(key, crypto::x25519_key_pair_from_private(*bytes));
  } else {
    crypto::SystemEntropy entropy;
    PARLEY_TRY(key, crypto::generate_x25519_key_pair(entropy));
    PARLEY_CHECK(write_text(key_file, core::to_hex(key.private_key.view()), true));
  }
  PARLEY_CHECK(write_text(data_dir / "server.pub", core::to_hex(key.public_key), false));
  return key;
}

Server::Server(asio::io_context& io, ServerSettings settings, Metrics& metrics)
    : io_(io), settings_(std::move(settings)), metrics_(metrics) {}

Server::~Server() {
  if (worker_) worker_->stop();
}

core::Result<std::unique_ptr<Server>> Server::start(asio::io_context& io, ServerSettings settings, Metrics& metrics) {
  std::error_code ec;
  std::filesystem::create_directories(settings.data_dir, ec);
  if (ec) return io_error("cannot create " + settings.data_dir.string() + ": " + ec.message());
  PARLEY_TRY(auto key, load_or_create_server_key(settings.data_dir));
  PARLEY_TRY(auto store, open_sqlite_store(settings.data_dir / "parley.sqlite3", settings.store, clock_from(settings.clock_file)));

  std::unique_ptr<Server> server(new Server(io, std::move(settings), metrics));
  Server* self = server.get();
  server->worker_ = std::make_unique<Worker>(
      std::move(store), server->settings_, metrics,
      [self](ConnectionId session, std::vector<core::Bytes> frames, std::optional<core::Error> close) {
        asio::post(self->io_, [self, session, frames = std::move(frames), close = std::move(close)]() mutable {
          self->deliver(session, std::move(frames), std::move(close));
        });
      });

  transport::net::AcceptorConfig config;
  config.static_key = std::move(key);
  config.timeouts = self->settings_.timeouts;
  config.limits = self->settings_.connection_limits;
  config.admit = [self](const tcp::endpoint& peer) {
    ++self->metrics_.connections_accepted;
    auto& count = self->per_address_[address_of(peer)];
    if (count >= self->settings_.max_connections_per_address ||
        self->connections_.size() >= self->settings_.max_connections) {
      ++self->metrics_.connections_refused;
      if (count == 0) self->per_address_.erase(address_of(peer));
      return false;
    }
    ++count;
    return true;
  };
  auto release = [self](const tcp::endpoint& peer) {
    auto it = self->per_address_.find(address_of(peer));
    if (it != self->per_address_.end() && --it->second == 0) self->per_address_.erase(it);
  };
  config.on_handshake_failed = [self, release](const tcp::endpoint& peer, const core::Error& e) {
    ++self->metrics_.handshakes_failed;
    spdlog::debug("handshake from {} failed: {}", address_of(peer), core::to_string(e));
    release(peer);
  };
  config.on_closed = release;
  boost::system::error_code bad_address;
  auto listen_address = asio::ip::make_address(self->settings_.listen.host, bad_address);
  if (bad_address) return core::make_error(Errc::malformed, "bad listen address " + self->settings_.listen.host);
  PARLEY_TRY(server->acceptor_,
             transport::net::Acceptor::listen(io, tcp::endpoint(listen_address, self->settings_.listen.port),
                                              std::move(config),
                                              [self](std::shared_ptr<transport::net::Connection> c) { return self->serve(std::move(c)); }));
  server->acceptor_->start();
  return server;
}

tcp::endpoint Server::local_endpoint() const { return acceptor_->local_endpoint(); }

asio::awaitable<void> Server::serve(std::shared_ptr<transport::net::Connection> connection) {
  const ConnectionId id = next_connection_++;
  connections_.emplace(id, connection);
  ++metrics_.connections_open;
  const auto& handshake = connection->handshake();
  ConnectionEvent opened{ConnectionEvent::Kind::opened, id};
  opened.noise_static_key.assign(handshake.remote_static.begin(), handshake.remote_static.end());
  opened.claim = connection->client()->device;
  opened.replayable = handshake.pattern == transport::channel::RecordKind::ik;
  const auto logged_in = std::make_shared<std::atomic<bool>>(false);
  opened.logged_in = logged_in;
  boost::system::error_code no_peer;
  const auto peer = connection->socket().remote_endpoint(no_peer);
  if (!no_peer) opened.address = address_of(peer);
  worker_->post(std::move(opened));

  asio::steady_timer backoff(co_await asio::this_coro::executor);
  const auto queued = std::make_shared<std::atomic<std::size_t>>(0);
  for (;;) {
    while (worker_->backlog_bytes() > kMaxWorkerBacklogBytes ||
           queued->load() > (logged_in->load() ? kMaxQueuedBytesPerConnection : 0)) {
      backoff.expires_after(std::chrono::milliseconds(1));
      co_await backoff.async_wait(asio::use_awaitable);
    }
    auto frame = co_await connection->receive();
    if (!frame.ok()) break;
    // Decoded here, on the network thread, so that the storage thread only decides.
    auto decoded = wire::decode_frame(*frame);
    if (!decoded.ok()) {
      ++metrics_.frames_malformed;
      if (auto refusal = wire::encode_frame(0, wire::error_frame(decoded.error())); refusal.ok()) (void)connection->send(*refusal);
      break;
    }
    ConnectionEvent event{ConnectionEvent::Kind::frame, id};
    event.frame.emplace(std::move(decoded).value());
    event.received = std::chrono::steady_clock::now();
    event.bytes = frame->size();
    *queued += event.bytes;
    worker_->post(std::move(event), queued);
  }
  worker_->post(ConnectionEvent{ConnectionEvent::Kind::closed, id});
  connections_.erase(id);
  --metrics_.connections_open;
}

void Server::deliver(ConnectionId session, std::vector<core::Bytes> frames, std::optional<core::Error> close) {
  auto it = connections_.find(session);
  if (it == connections_.end()) return;  // gone; what it was owed stays queued in the store
  auto connection = it->second;
  for (const auto& frame : frames) {
    auto sent = connection->send(frame);
    if (!sent.ok()) {
      // A client that does not read its own replies is dropped; its mailbox keeps everything.
      connection->abort(sent.error());
      return;
    }
  }
  if (close) asio::co_spawn(connection->socket().get_executor(), connection->close(), asio::detached);
}

asio::awaitable<void> Server::stop() {
  acceptor_->stop();
  worker_->stop();  // what was received is committed and its replies are posted
  co_await asio::post(io_, asio::use_awaitable);  // run those replies
  auto open = connections_;
  for (auto& [id, connection] : open) co_await connection->close();
}

}  // namespace parley::server
