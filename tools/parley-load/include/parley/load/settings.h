// parley-load's options (spec §7.5): `parley-load --help` lists them with their defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "parley/core/error.h"

namespace parley::load {

struct LoadSettings {
  std::string server_host = "127.0.0.1";
  std::uint16_t server_port = 7600;
  std::filesystem::path server_key;  // the server's server.pub (64 hex characters)
  std::uint32_t devices = 16;        // accounts, one device each, sending to each other
  std::uint64_t messages = 10'000;   // in total, spread evenly over the devices
  std::size_t size = 200;            // ciphertext bytes per message (at least the 28-byte header)
  double rate = 0;                   // messages per second in total; 0: as fast as the window allows
  std::uint32_t window = 64;         // sends in flight per device, not yet acknowledged
  std::uint32_t threads = 1;         // event loops; the devices are spread over them
  std::uint64_t seed = 1;            // destinations and keys; the same seed, the same run
  // A device whose server is gone keeps trying this long before it gives up.
  std::chrono::milliseconds reconnect_for{60'000};
  // After the last acknowledgement, how long deliveries may keep the run waiting without progress.
  std::chrono::milliseconds drain_timeout{60'000};
  // Idle authenticated connections opened (and registered) before the run, spread over
  // `source_addresses` addresses 127.0.0.1, 127.0.0.2, ...
  std::uint32_t idle_connections = 0;
  std::uint32_t source_addresses = 4;
  // With --server-pid, the server's resident memory is read before and after the idle
  // connections open (the per-connection figure of the benchmark).
  std::optional<int> server_pid;
  // Keep the idle connections open this long after the run, e.g. to read the server's memory.
  std::chrono::milliseconds hold{0};
  bool json = false;
};

// nullopt without an error: --help was printed.
core::Result<std::optional<LoadSettings>> parse_load_settings(int argc, const char* const* argv);

}  // namespace parley::load
