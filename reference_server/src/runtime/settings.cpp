#include "parley/server/runtime/settings.h"

#include <CLI/CLI.hpp>
#include <sstream>

namespace parley::server {

core::Result<std::optional<ServerSettings>> parse_server_settings(int argc, const char* const* argv) {
  ServerSettings s;
  CLI::App app{"parley-server: the Parley reference server (spec §7)"};
  app.set_config("--config", "", "read settings from an INI/TOML file (keys are the long option names)");
  std::string listen = "127.0.0.1:7600", metrics;
  std::string data_dir = s.data_dir.string();
  app.add_option("--listen", listen, "HOST:PORT to accept devices on (port 0: any free port)")->capture_default_str();
  app.add_option("--data", data_dir, "data directory: Noise key, server.pub, SQLite database")->capture_default_str();
  app.add_option("--metrics", metrics, "HOST:PORT to serve Prometheus metrics on (default: off)");
  app.add_option("--log-level", s.log_level, "trace, debug, info, warn, error, off")->capture_default_str();

  auto ms = [&](const char* name, std::chrono::milliseconds& value, const char* help) {
    app.add_option_function<std::int64_t>(name, [&value](std::int64_t v) { value = std::chrono::milliseconds(v); }, help)
        ->default_str(std::to_string(value.count()));
  };
  ms("--handshake-timeout-ms", s.timeouts.handshake, "from accept to an established channel");
  ms("--idle-timeout-ms", s.timeouts.idle, "no byte received for this long closes a connection");
  ms("--write-timeout-ms", s.timeouts.write, "a write stuck this long closes a connection");
  ms("--expiry-interval-ms", s.expiry_interval, "how often expired messages are deleted");
  app.add_option("--max-queued-write-bytes", s.connection_limits.max_queued_bytes, "per-connection write queue bound")
      ->capture_default_str();
  app.add_option("--max-connections-per-address", s.max_connections_per_address, "per IP address")->capture_default_str();
  app.add_option("--max-connections", s.max_connections, "in total")->capture_default_str();
  app.add_option("--sends-per-second-per-device", s.router.sends_per_second_per_device, "rate limit per sending device")
      ->capture_default_str();
  app.add_option("--sends-per-second-per-destination", s.router.sends_per_second_per_destination,
                 "rate limit per destination account")
      ->capture_default_str();
  app.add_option("--prekey-fetches-per-second-per-device", s.router.prekey_fetches_per_second_per_device,
                 "rate limit on bundle fetches per requesting device")
      ->capture_default_str();
  app.add_option("--prekey-fetches-per-second-per-account", s.router.prekey_fetches_per_second_per_account,
                 "rate limit on fetches of one account's bundles, from everyone")
      ->capture_default_str();
  app.add_option("--registrations-per-second-per-address", s.router.registrations_per_second_per_address,
                 "rate limit on new accounts from one IP address")
      ->capture_default_str();
  app.add_option("--max-batch", s.max_batch, "most sends per committed transaction")->capture_default_str();
  std::string clock_file;
  app.add_option("--clock-file", clock_file,
                 "tests only: read the wall clock (ms since the epoch) from this file while it holds a number");
  app.add_option("--max-devices-per-account", s.store.max_devices_per_account)->capture_default_str();
  app.add_option("--max-prekeys-per-upload", s.store.max_one_time_prekeys_per_upload)->capture_default_str();
  app.add_option("--max-prekeys-per-device", s.store.max_one_time_prekeys_per_device)->capture_default_str();
  app.add_option("--prekeys-low-threshold", s.store.prekeys_low_threshold)->capture_default_str();
  app.add_option("--max-message-size", s.store.max_message_size, "bytes per device ciphertext")->capture_default_str();
  app.add_option("--max-queued-messages-per-device", s.store.max_queued_messages_per_device)->capture_default_str();
  app.add_option("--max-queued-bytes-per-device", s.store.max_queued_bytes_per_device)->capture_default_str();
  app.add_option("--message-retention-ms", s.store.message_retention_ms, "undelivered messages expire after this")
      ->capture_default_str();
  app.add_option("--max-blob-size", s.store.max_blob_size)->capture_default_str();
  app.add_option("--blob-retention-ms", s.store.blob_retention_ms)->capture_default_str();
  app.add_option("--max-blob-bytes-per-account", s.store.max_blob_bytes_per_account, "the blob quota of one account")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success&) {
    std::cout << app.help();
    return std::optional<ServerSettings>{};
  } catch (const CLI::ParseError& e) {
    return core::make_error(core::Errc::malformed, e.what());
  }
  PARLEY_TRY(s.listen, parse_endpoint(listen));
  if (!metrics.empty()) {
    PARLEY_TRY(auto m, parse_endpoint(metrics));
    s.metrics = m;
  }
  s.data_dir = data_dir;
  s.clock_file = clock_file;
  return std::optional<ServerSettings>(std::move(s));
}

}  // namespace parley::server
