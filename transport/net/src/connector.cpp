#include "parley/transport/net/connector.h"

#include <string>
#include <utility>

namespace parley::transport::net {

using core::Errc;

asio::awaitable<core::Result<std::shared_ptr<Connection>>> connect(tcp::endpoint server,
                                                                   channel::ClientChannelConfig config,
                                                                   Timeouts timeouts, ConnectionLimits limits,
                                                                   std::optional<asio::ip::address> source) {
  const auto executor = co_await asio::this_coro::executor;
  crypto::SystemEntropy entropy;
  auto opened = channel::ClientChannel::open(std::move(config), entropy);
  if (!opened.ok()) co_return opened.error();

  // Boost 1.74 has no per-operation timeout: a timer closes the socket if the connect hangs. The
  // handler shares ownership of what it touches, since it may run after this coroutine moved on.
  auto socket = std::make_shared<tcp::socket>(executor);
  auto timed_out = std::make_shared<bool>(false);
  asio::steady_timer timer(executor);
  timer.expires_after(timeouts.handshake);
  timer.async_wait([socket, timed_out](const boost::system::error_code& ec) {
    if (ec) return;
    *timed_out = true;
    boost::system::error_code ignored;
    socket->close(ignored);
  });
  boost::system::error_code ec;
  if (source) {
    socket->open(server.protocol(), ec);
    if (!ec) socket->bind(tcp::endpoint(*source, 0), ec);
    if (ec) co_return core::make_error(Errc::connection_closed, "binding " + source->to_string() + ": " + ec.message());
  }
  co_await socket->async_connect(server, asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  if (*timed_out) co_return core::make_error(Errc::timed_out, "connecting to " + server.address().to_string());
  if (ec) co_return core::make_error(Errc::connection_closed, "connecting: " + ec.message());

  auto connection = Connection::make(std::move(*socket), std::move(opened->first), timeouts, limits);
  auto established = co_await connection->establish(std::move(opened->second));
  if (!established.ok()) co_return established.error();
  co_return connection;
}

}  // namespace parley::transport::net
