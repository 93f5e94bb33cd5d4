// The server's counters and latency histograms (spec §7.4), rendered in Prometheus' text format.
// Updated from the network and storage threads alike, hence atomics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace parley::server {

class Histogram {
 public:
  // Upper bounds in milliseconds; the last bucket is +Inf.
  static constexpr std::array<double, 12> kBoundsMs = {0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000};
  void observe_ms(double ms);
  void render(std::string& out, const char* name, const char* help) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBoundsMs.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};
};

struct Metrics {
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_refused{0};  // per-address or total limit
  std::atomic<std::uint64_t> handshakes_failed{0};
  std::atomic<std::uint64_t> logins{0};
  std::atomic<std::uint64_t> conflicts{0};  // a newer connection of a device replaced an older one
  std::atomic<std::uint64_t> frames_received{0};
  std::atomic<std::uint64_t> frames_malformed{0};
  std::atomic<std::uint64_t> sends_committed{0};
  std::atomic<std::uint64_t> sends_rejected{0};
  std::atomic<std::uint64_t> sends_rate_limited{0};
  std::atomic<std::uint64_t> messages_delivered{0};  // deliver frames pushed
  std::atomic<std::uint64_t> messages_acknowledged{0};
  std::atomic<std::uint64_t> messages_expired{0};
  std::atomic<std::uint64_t> commit_batches{0};
  std::atomic<std::uint64_t> storage_failures{0};
  Histogram commit_latency;  // one group commit
  Histogram send_latency;    // frame received to sendAck queued

  std::string prometheus_text() const;
};

}  // namespace parley::server
