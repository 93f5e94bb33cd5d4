// parley-server's network side (spec §7.4): the Noise acceptor, one coroutine per connection that
// moves frames between the socket and the storage thread (Worker), and the limits on connections.
// It runs on one io_context thread; the Worker runs on its own.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "parley/core/error.h"
#include "parley/crypto/x25519.h"
#include "parley/server/router/metrics.h"
#include "parley/server/runtime/settings.h"
#include "parley/transport/net/acceptor.h"

namespace parley::server {

class Worker;

// The server's Noise static key in DIR/server.key (created on first run, mode 0600) and its public
// half in DIR/server.pub (64 lowercase hex digits and a newline).
core::Result<crypto::X25519KeyPair> load_or_create_server_key(const std::filesystem::path& data_dir);

class Server {
 public:
  // Creates the data directory if needed, opens the store, listens. The io_context must be run by
  // exactly one thread.
  static core::Result<std::unique_ptr<Server>> start(transport::net::asio::io_context& io, ServerSettings settings,
                                                     Metrics& metrics);
  ~Server();

  transport::net::tcp::endpoint local_endpoint() const;
  // Graceful stop: no new connections, every connection's pending output flushed, connections
  // closed, the storage thread finishes what it was given. Call on the io thread.
  transport::net::asio::awaitable<void> stop();

 private:
  Server(transport::net::asio::io_context& io, ServerSettings settings, Metrics& metrics);
  transport::net::asio::awaitable<void> serve(std::shared_ptr<transport::net::Connection> connection);
  void deliver(ConnectionId connection, std::vector<core::Bytes> frames, std::optional<core::Error> close);

  transport::net::asio::io_context& io_;
  ServerSettings settings_;
  Metrics& metrics_;
  std::unique_ptr<Worker> worker_;
  std::unique_ptr<transport::net::Acceptor> acceptor_;
  std::map<ConnectionId, std::shared_ptr<transport::net::Connection>> connections_;
  std::map<std::string, std::size_t> per_address_;
  ConnectionId next_connection_ = 1;
};

}  // namespace parley::server
