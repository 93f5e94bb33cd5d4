#include "metrics_http.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>

namespace parley::server {

namespace asio = transport::net::asio;
namespace http = boost::beast::http;
using transport::net::tcp;

namespace {

// A scraper asks and goes: a request must arrive whole within this time, and at most this many
// connections are served at once (more are closed at once), so that idle or slow connections to the
// metrics port cost the server a bounded number of sockets and coroutines.
constexpr auto kMetricsReadTimeout = std::chrono::seconds(5);
constexpr std::size_t kMaxMetricsConnections = 16;

asio::awaitable<void> answer(tcp::socket socket, const Metrics& metrics, std::shared_ptr<std::size_t> open) {
  struct Leave {
    std::shared_ptr<std::size_t> open;
    ~Leave() { --*open; }
  } leave{open};
  boost::beast::flat_buffer buffer;
  boost::system::error_code ec;
  asio::steady_timer deadline(socket.get_executor());
  for (;;) {
    http::request<http::string_body> request;
    // The read ends when the deadline closes the socket under it.
    deadline.expires_after(kMetricsReadTimeout);
    deadline.async_wait([&socket](const boost::system::error_code& cancelled) {
      if (!cancelled) {
        boost::system::error_code ignored;
        socket.close(ignored);
      }
    });
    co_await http::async_read(socket, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
    deadline.cancel();
    if (ec) co_return;
    http::response<http::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    if (request.method() == http::verb::get && request.target() == "/metrics") {
      response.result(http::status::ok);
      response.set(http::field::content_type, "text/plain; version=0.0.4");
      response.body() = metrics.prometheus_text();
    } else {
      response.result(http::status::not_found);
      response.body() = "GET /metrics\n";
    }
    response.prepare_payload();
    co_await http::async_write(socket, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !response.keep_alive()) co_return;
  }
}

asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, const Metrics& metrics) {
  auto open = std::make_shared<std::size_t>(0);
  for (;;) {
    boost::system::error_code ec;
    auto socket = co_await acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!acceptor->is_open()) co_return;
      continue;
    }
    if (*open >= kMaxMetricsConnections) {
      socket.close(ec);
      continue;
    }
    ++*open;
    asio::co_spawn(acceptor->get_executor(), answer(std::move(socket), metrics, open), asio::detached);
  }
}

}  // namespace

core::Result<tcp::endpoint> serve_metrics(asio::io_context& io, const tcp::endpoint& endpoint, const Metrics& metrics) {
  auto acceptor = std::make_shared<tcp::acceptor>(io);
  boost::system::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return core::make_error(core::Errc::connection_closed, "metrics listen: " + ec.message());
  const auto bound = acceptor->local_endpoint();
  asio::co_spawn(io, accept_loop(acceptor, metrics), asio::detached);
  return bound;
}

}  // namespace parley::server
