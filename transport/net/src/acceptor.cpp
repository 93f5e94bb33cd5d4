#include "parley/transport/net/acceptor.h"

#include <string>
#include <utility>

#include <boost/asio/strand.hpp>

namespace parley::transport::net {

using core::Errc;

struct Acceptor::State {
  State(asio::io_context& context, tcp::acceptor a, AcceptorConfig c, Handler h)
      : io(context), acceptor(std::move(a)), config(std::move(c)), handler(std::move(h)) {}
  asio::io_context& io;
  tcp::acceptor acceptor;
  AcceptorConfig config;
  Handler handler;
  std::atomic<std::size_t> open{0};
};

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
  return std::unique_ptr<Acceptor>(
      new Acceptor(std::make_shared<State>(io, std::move(acceptor), std::move(config), std::move(handler))));
}

Acceptor::~Acceptor() { stop(); }

tcp::endpoint Acceptor::local_endpoint() const {
  boost::system::error_code ignored;
  return state_->acceptor.local_endpoint(ignored);
}

std::size_t Acceptor::open_connections() const { return state_->open.load(); }

void Acceptor::start() { asio::co_spawn(state_->io, accept_loop(state_), asio::detached); }

void Acceptor::stop() {
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
}

asio::awaitable<void> Acceptor::accept_loop(std::shared_ptr<State> state) {
  while (state->acceptor.is_open()) {
    boost::system::error_code ec;
    // Each connection gets its own strand, so a server running io_context on several threads
    // never runs two steps of one connection at once.
    tcp::socket socket(asio::make_strand(state->io));
    co_await state->acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) co_return;
      continue;  // EMFILE, ECONNABORTED...: this connection is lost, the listener is not
    }
    boost::system::error_code ignored;
    const auto peer = socket.remote_endpoint(ignored);
    if (state->config.admit && !state->config.admit(peer)) continue;  // the socket closes as it goes
    const auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(state, std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Acceptor::serve(std::shared_ptr<State> state, tcp::socket socket) {
  boost::system::error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  channel::ServerChannelConfig channel_config{state->config.static_key, state->config.rekey_interval};
  auto connection = Connection::make(std::move(socket), channel::ServerChannel(std::move(channel_config)),
                                     state->config.timeouts, state->config.limits);
  auto established = co_await connection->establish({});
  if (!established.ok()) {
    if (state->config.on_handshake_failed) state->config.on_handshake_failed(peer, established.error());
    co_return;
  }
  ++state->open;
  co_await state->handler(connection);
  co_await connection->close();
  --state->open;
  if (state->config.on_closed) state->config.on_closed(peer);
}

}  // namespace parley::transport::net
