#include "parley/transport/net/acceptor.h"

#include <string>
#include <utility>

#include <boost/asio/strand.hpp>

namespace parley::transport::net {

using core::Errc;

core::Result<std::unique_ptr<Acceptor>> Acceptor::listen(asio::io_context& io, const tcp::endpoint& endpoint,
                                                         AcceptorConfig config, Handler handler) {
  tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return core::make_error(Errc::connection_closed, "listen on " + endpoint.address().to_string() + ":" +
                                                                std::to_string(endpoint.port()) + ": " + ec.message());
  return std::unique_ptr<Acceptor>(new Acceptor(io, std::move(acceptor), std::move(config), std::move(handler)));
}

Acceptor::Acceptor(asio::io_context& io, tcp::acceptor acceptor, AcceptorConfig config, Handler handler)
    : io_(io), acceptor_(std::move(acceptor)), config_(std::move(config)), handler_(std::move(handler)) {}

tcp::endpoint Acceptor::local_endpoint() const {
  boost::system::error_code ignored;
  return acceptor_.local_endpoint(ignored);
}

void Acceptor::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

void Acceptor::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

asio::awaitable<void> Acceptor::accept_loop() {
  while (acceptor_.is_open()) {
    boost::system::error_code ec;
    // Each connection gets its own strand, so a server running io_context on several threads
    // never runs two steps of one connection at once.
    tcp::socket socket(asio::make_strand(io_));
    co_await acceptor_.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      continue;  // EMFILE, ECONNABORTED...: this connection is lost, the listener is not
    }
    boost::system::error_code ignored;
    const auto peer = socket.remote_endpoint(ignored);
    if (config_.admit && !config_.admit(peer)) continue;  // the socket closes as it goes out of scope
    const auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Acceptor::serve(tcp::socket socket) {
  boost::system::error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  // The handler and callbacks are copied: the coroutine may outlive a stopped acceptor.
  const auto handler = handler_;
  const auto on_failed = config_.on_handshake_failed;
  const auto on_closed = config_.on_closed;
  const auto open = open_;
  channel::ServerChannelConfig channel_config{config_.static_key, config_.rekey_interval};
  auto connection = Connection::make(std::move(socket), channel::ServerChannel(std::move(channel_config)),
                                     config_.timeouts, config_.limits);
  auto established = co_await connection->establish({});
  if (!established.ok()) {
    if (on_failed) on_failed(peer, established.error());
    co_return;
  }
  ++*open;
  co_await handler(connection);
  co_await connection->close();
  --*open;
  if (on_closed) on_closed(peer);
}

}  // namespace parley::transport::net
