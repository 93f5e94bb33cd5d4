#include "parley/server/router/metrics.h"

#include <cstdio>

namespace parley::server {

void Histogram::observe_ms(double ms) {
  std::size_t i = 0;
  while (i < kBoundsMs.size() && ms > kBoundsMs[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<std::uint64_t>(ms * 1000), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const char* name, const char* help) const {
  char line[256];
  std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
  out += line;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= kBoundsMs.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    if (i < kBoundsMs.size()) {
      std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %llu\n", name, kBoundsMs[i] / 1000.0,
                    static_cast<unsigned long long>(cumulative));
    } else {
      std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %llu\n", name, static_cast<unsigned long long>(cumulative));
    }
    out += line;
  }
  std::snprintf(line, sizeof line, "%s_sum %.6f\n%s_count %llu\n", name, sum_us_.load() / 1e6, name,
                static_cast<unsigned long long>(count_.load()));
  out += line;
}

namespace {

void counter(std::string& out, const char* name, const char* type, const char* help, std::uint64_t value) {
  char line[256];
  std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name,
                static_cast<unsigned long long>(value));
  out += line;
}

}  // namespace

std::string Metrics::prometheus_text() const {
  std::string out;
  counter(out, "parley_connections_open", "gauge", "established connections", connections_open);
  counter(out, "parley_connections_accepted_total", "counter", "TCP connections accepted", connections_accepted);
  counter(out, "parley_connections_refused_total", "counter", "connections over a limit", connections_refused);
  counter(out, "parley_handshakes_failed_total", "counter", "connections that never established", handshakes_failed);
  counter(out, "parley_logins_total", "counter", "devices logged in", logins);
  counter(out, "parley_conflicts_total", "counter", "connections replaced by a newer one of the device", conflicts);
  counter(out, "parley_frames_received_total", "counter", "frames received", frames_received);
  counter(out, "parley_frames_malformed_total", "counter", "frames that did not decode", frames_malformed);
  counter(out, "parley_sends_committed_total", "counter", "sends acknowledged (single tick)", sends_committed);
  counter(out, "parley_sends_rejected_total", "counter", "sends refused with an error", sends_rejected);
  counter(out, "parley_sends_rate_limited_total", "counter", "sends refused by a rate limit", sends_rate_limited);
  counter(out, "parley_messages_delivered_total", "counter", "deliver frames pushed", messages_delivered);
  counter(out, "parley_messages_acknowledged_total", "counter", "messages deleted on ack", messages_acknowledged);
  counter(out, "parley_messages_expired_total", "counter", "messages deleted undelivered", messages_expired);
  counter(out, "parley_commit_batches_total", "counter", "group commits", commit_batches);
  counter(out, "parley_storage_failures_total", "counter", "store operations that failed", storage_failures);
  commit_latency.render(out, "parley_commit_seconds", "duration of one group commit");
  send_latency.render(out, "parley_send_seconds", "send frame received to sendAck queued");
  return out;
}

}  // namespace parley::server
