// The server side: accept TCP connections, run the server end of the Parley channel on each, and
// hand every established connection to the application's handler (spec §6.8).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "parley/core/error.h"
#include "parley/crypto/x25519.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/net/asio.h"
#include "parley/transport/net/connection.h"
#include "parley/transport/net/settings.h"

namespace parley::transport::net {

struct AcceptorConfig {
  crypto::X25519KeyPair static_key;
  Timeouts timeouts;
  ConnectionLimits limits;
  std::uint64_t rekey_interval = channel::kRekeyInterval;
  // Called before the handshake; false closes the connection at once (per-address limits).
  std::function<bool(const tcp::endpoint& peer)> admit;
  // Called when a connection fails before it is established (counted and logged by the server).
  std::function<void(const tcp::endpoint& peer, const core::Error& error)> on_handshake_failed;
  // Called with every connection the handler returned from, after it was closed.
  std::function<void(const tcp::endpoint& peer)> on_closed;
};

class Acceptor {
 public:
  // The handler owns the connection's life after the handshake; when it returns, the acceptor
  // closes the connection cleanly (if the handler did not).
  using Handler = std::function<asio::awaitable<void>(std::shared_ptr<Connection>)>;

  // Binds and listens at once (port 0 picks a free one); `connection_closed` if the address is in
  // use or not available.
  static core::Result<std::unique_ptr<Acceptor>> listen(asio::io_context& io, const tcp::endpoint& endpoint,
                                                        AcceptorConfig config, Handler handler);

  ~Acceptor();
  tcp::endpoint local_endpoint() const;
  void start();
  // Stops accepting; established connections carry on until their handlers return.
  void stop();
  std::size_t open_connections() const;

 private:
  // Shared with the accept loop and every connection's coroutine, which may outlive the Acceptor
  // (a coroutine resumes with operation_aborted after the object that started it is gone).
  struct State;
  explicit Acceptor(std::shared_ptr<State> state) : state_(std::move(state)) {}
  static asio::awaitable<void> accept_loop(std::shared_ptr<State> state);
  static asio::awaitable<void> serve(std::shared_ptr<State> state, tcp::socket socket);

  std::shared_ptr<State> state_;
};

}  // namespace parley::transport::net
