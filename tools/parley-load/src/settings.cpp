#include "parley/load/settings.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "parley/transport/net/endpoint.h"

namespace parley::load {

core::Result<std::optional<LoadSettings>> parse_load_settings(int argc, const char* const* argv) {
  LoadSettings s;
  CLI::App app{
      "parley-load: N accounts with one device each send M messages to each other through a parley-server over real "
      "Noise channels, then check that every acknowledged message reached its device once and in order (spec §7.5)"};
  std::string server = "127.0.0.1:7600", key;
  int pid = 0;
  app.add_option("--server", server, "HOST:PORT of the server")->capture_default_str();
  app.add_option("--server-key", key, "the server's server.pub")->required();
  app.add_option("--devices", s.devices, "accounts, one device each")->capture_default_str()->check(CLI::Range(2u, 1u << 20));
  app.add_option("--messages", s.messages, "messages in total")->capture_default_str();
  app.add_option("--size", s.size, "ciphertext bytes per message")->capture_default_str()->check(CLI::Range(28ul, 98'304ul));
  app.add_option("--rate", s.rate, "messages per second in total (0: as fast as the window allows)")->capture_default_str();
  app.add_option("--window", s.window, "unacknowledged sends per device")->capture_default_str()->check(CLI::Range(1u, 256u));
  app.add_option("--threads", s.threads, "event loops")->capture_default_str()->check(CLI::Range(1u, 64u));
  app.add_option("--seed", s.seed, "the same seed gives the same keys and destinations")->capture_default_str();
  auto ms = [&](const char* name, std::chrono::milliseconds& value, const char* help) {
    app.add_option_function<std::int64_t>(name, [&value](std::int64_t v) { value = std::chrono::milliseconds(v); }, help)
        ->default_str(std::to_string(value.count()));
  };
  ms("--reconnect-for-ms", s.reconnect_for, "how long a device keeps reconnecting to a server that is gone");
  ms("--drain-timeout-ms", s.drain_timeout, "how long the run waits for deliveries that make no progress");
  ms("--hold-ms", s.hold, "keep the idle connections open this long after the run");
  app.add_option("--idle-connections", s.idle_connections, "idle authenticated connections to hold during the run")
      ->capture_default_str();
  app.add_option("--source-addresses", s.source_addresses, "spread idle connections over 127.0.0.1..127.0.0.N")
      ->capture_default_str()
      ->check(CLI::Range(1u, 254u));
  app.add_option("--server-pid", pid, "read this process's resident memory around the idle connections");
  app.add_flag("--json", s.json, "print one JSON object instead of a summary");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success&) {
    std::cout << app.help();
    return std::optional<LoadSettings>{};
  } catch (const CLI::ParseError& e) {
    return core::make_error(core::Errc::malformed, e.what());
  }
  PARLEY_TRY(const auto endpoint, transport::net::parse_endpoint(server));
  s.server_host = endpoint.host;
  s.server_port = endpoint.port;
  s.server_key = key;
  if (pid > 0) s.server_pid = pid;
  return std::optional<LoadSettings>(std::move(s));
}

}  // namespace parley::load
