// The adapters' timeouts and buffer bounds (spec §6.8, "Timeouts and back-pressure"). Named
// settings with defaults that suit a laptop; the server's config file overrides them.
#pragma once

#include <chrono>
#include <cstddef>

namespace parley::transport::net {

struct Timeouts {
  // From accept (or connect) to an established channel. A Noise handshake is two round trips; ten
  // seconds covers a slow mobile link, and bounds what a peer that never finishes can hold.
  std::chrono::milliseconds handshake{10'000};
  // No byte received for this long closes the connection. Clients send a frame (or just reconnect)
  // more often; a dead peer behind a NAT is noticed within this time.
  std::chrono::milliseconds idle{300'000};
  // One write making no progress for this long closes the connection: the peer stopped reading.
  std::chrono::milliseconds write{30'000};
};

struct ConnectionLimits {
  // Back-pressure: bytes of sealed records waiting to be written. Above this, send() refuses
  // with `limit_exceeded` (and send_when_ready() waits), so a peer that does not read cannot make
  // the other side buffer without bound. Four maximum frames.
  std::size_t max_queued_bytes = 4 * 1024 * 1024 + 256 * 1024;
  // One socket read. Allocated only while bytes are arriving and freed when the channel is idle,
  // so an idle connection holds no read buffer.
  std::size_t read_size = 64 * 1024;
};

}  // namespace parley::transport::net
