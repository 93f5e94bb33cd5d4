#include "command_run.h"

#include "parley/transport/net/endpoint.h"

#include <iostream>

namespace parley::cli {

using core::Errc;
using namespace std::chrono_literals;

asio::awaitable<core::Result<transport::net::tcp::endpoint>> resolve_server(const std::string& host_port) {
  auto parsed = transport::net::parse_endpoint(host_port);
  if (!parsed.ok()) co_return core::make_error(Errc::malformed, "a server is HOST:PORT, not '" + host_port + "'");
  asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
  boost::system::error_code ec;
  auto found = co_await resolver.async_resolve(parsed->host, std::to_string(parsed->port),
                                               asio::redirect_error(asio::use_awaitable, ec));
  if (ec || found.empty())
    co_return core::make_error(Errc::not_found, "cannot resolve '" + host_port + "': " + ec.message());
  co_return found.begin()->endpoint();
}

asio::awaitable<bool> CommandRun::connect() {
  if (!profile.has_device()) {
    term.error("no device in " + profile.dir.string(),
               core::make_error(Errc::not_found, "run `parley init` first (or give --profile DIR)"));
    co_return false;
  }
  auto opened = client::Client::open(profile.dir, {});
  if (!opened.ok()) {
    term.error("cannot open the profile " + profile.dir.string(), opened.error());
    co_return false;
  }
  client = std::move(*opened);
  if (!client->engine().registered()) {
    // A link that never finished: connecting now would register a new account instead.
    term.error("this device is not part of an account yet",
               core::make_error(Errc::not_found, "run `parley init` (or `parley init --link`) again with a fresh --profile"));
    co_return false;
  }
  auto endpoint = co_await resolve_server(profile.server);
  if (!endpoint.ok()) {
    term.error("bad server address in the profile", endpoint.error());
    co_return false;
  }
  term.progress("connecting to " + profile.server);
  auto connected = co_await client->connect(*endpoint);
  if (!connected.ok() && connected.code() == Errc::unauthorized) {
    term.error("the server at " + profile.server + " does not take this device", connected.error(),
               "Was it removed from its account? Make it a device again with `parley init` and a new --profile.");
    co_return false;
  }
  if (!connected.ok()) {
    term.error("cannot reach the server at " + profile.server, connected.error(),
               "Is parley-server running there? (`parley init --server` set this address.)");
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> CommandRun::connect_and_catch_up() {
  if (!co_await connect()) co_return false;
  term.progress("fetching what arrived while this device was away");
  auto caught_up = co_await client->wait_caught_up(30s);
  if (!caught_up.ok()) {
    term.error("the server did not deliver this device's mail", caught_up.error());
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> CommandRun::finish() {
  if (!client) co_return;
  if (client->connected()) {
    // Receipts and anything else still going out get their answer first.
    if (auto idle = co_await client->wait_idle(10s); !idle.ok()) term.error("not everything was sent", idle.error());
  }
  co_await client->close();
}

int run(std::function<asio::awaitable<int>()> command) {
  asio::io_context io;
  int status = 1;
  asio::co_spawn(io, command(), [&](std::exception_ptr e, int result) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::cerr << "error: " << ex.what() << std::endl;
      }
      status = 1;
      return;
    }
    status = result;
  });
  io.run();
  return status;
}

}  // namespace parley::cli
