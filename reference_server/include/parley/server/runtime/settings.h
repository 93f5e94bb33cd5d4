// Every setting of parley-server (spec §7.4), with defaults that suit a laptop. The command line
// and an optional config file (INI/TOML, `--config`) set them; `--help` lists them all.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "parley/core/error.h"
#include "parley/server/router/router.h"
#include "parley/server/store/settings.h"
#include "parley/transport/net/endpoint.h"
#include "parley/transport/net/settings.h"

namespace parley::server {

using transport::net::Endpoint;
using transport::net::parse_endpoint;

struct ServerSettings {
  Endpoint listen;
  std::filesystem::path data_dir = "parley-data";
  std::optional<Endpoint> metrics;  // Prometheus text on http://HOST:PORT/metrics
  std::string log_level = "info";   // trace, debug, info, warn, error, off

  transport::net::Timeouts timeouts;
  transport::net::ConnectionLimits connection_limits;
  StoreSettings store;

  // Abuse limits (spec §7.4). A client that exceeds a rate gets rateLimited with retryAfterMs.
  // Connections from one IP address; above it new connections are closed before the handshake.
  std::size_t max_connections_per_address = 4096;
  std::size_t max_connections = 100'000;
  // The per-device and per-destination send rates (spec §7.4), which the router enforces.
  RouterSettings router;
  // How often undelivered messages past the retention are deleted.
  std::chrono::milliseconds expiry_interval{60'000};
  // Most sends committed in one transaction (group commit); more wait for the next commit.
  std::size_t max_batch = 512;
  // For tests only: when set, the server's wall clock (message timestamps, expiry) is read from
  // this file (milliseconds since the Unix epoch, as text) whenever it holds a number, so a test
  // can move time 30 days on without waiting. Unset in any real deployment.
  std::filesystem::path clock_file;
};

// Parses argv (and the config file it names). nullopt with no error means the caller should exit
// 0 (`--help`); an error is a bad option, printed by the caller.
core::Result<std::optional<ServerSettings>> parse_server_settings(int argc, const char* const* argv);


}  // namespace parley::server
