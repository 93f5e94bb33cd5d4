// One `parley` command's run: the profile, the terminal, and the device's Client on an
// io_context, connected to the profile's server with progress and errors a person can act on.
#pragma once

#include "parley/client/client.h"  // first: Asio

#include <functional>
#include <memory>

#include "commands.h"
#include "profile.h"
#include "terminal.h"

namespace parley::cli {

namespace asio = client::asio;

struct CommandRun {
  Profile& profile;
  const Terminal& term;
  std::unique_ptr<client::Client> client;

  // Opens the profile's device (it must have one: `parley init` made it) and connects. Returns
  // false after printing why.
  asio::awaitable<bool> connect();
  // Connected, and the server delivered what it held for this device (receipts included).
  asio::awaitable<bool> connect_and_catch_up();
  // Waits for what is still going out (receipts) and closes the connection.
  asio::awaitable<void> finish();
};

// The server's address: HOST:PORT, HOST a name or an address.
asio::awaitable<core::Result<transport::net::tcp::endpoint>> resolve_server(const std::string& host_port);

// The one stored message with this id that carries an attachment (`parley media get`, `parley
// forward`); `not_found` when none or several (ids are per sending device) have it.
core::Result<client::StoredMessage> attachment_with_id(client::Client& c, std::uint64_t id);

// Runs `command` to its end on a fresh io_context; its result is the exit status.
int run(std::function<asio::awaitable<int>()> command);

// Makes `cmd`, when given, the action: the coroutine `command(profile, terminal)`, run to its end.
template <typename Command>
void on_command(CLI::App* cmd, Action& action, Command command) {
  cmd->callback([&action, command] {
    action = [command](Profile& p, const Terminal& t) { return run([&] { return command(p, t); }); };
  });
}

}  // namespace parley::cli
