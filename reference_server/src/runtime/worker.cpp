#include "worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace parley::server {

using Steady = std::chrono::steady_clock;

Worker::Worker(Store store, const ServerSettings& settings, Metrics& metrics, Output output)
    : store_(std::move(store)),
      settings_(settings),
      metrics_(metrics),
      router_(store_, settings.router, metrics, Steady::now, [](std::string_view what) { spdlog::warn("{}", what); }),
      output_(std::move(output)),
      next_expiry_(Steady::now() + settings.expiry_interval) {
  thread_ = std::thread([this] { run(); });
}

Worker::~Worker() { stop(); }

void Worker::post(ConnectionEvent event, std::shared_ptr<std::atomic<std::size_t>> queued) {
  backlog_bytes_ += event.bytes;
  {
    std::lock_guard lock(mutex_);
    events_.push_back({std::move(event), std::move(queued)});
  }
  wake_.notify_one();
}

void Worker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Worker::run() {
  std::vector<ConnectionEvent> batch;
  std::vector<std::pair<std::shared_ptr<std::atomic<std::size_t>>, std::size_t>> done;  // counts to take off
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_expiry_, [this] { return stopping_ || !events_.empty(); });
      if (events_.empty() && stopping_) return;
      // Everything that arrived while the last batch committed is the next batch: under load the
      // batches grow by themselves, and an idle server commits each send at once.
      const std::size_t take = std::min(events_.size(), settings_.max_batch);
      for (std::size_t i = 0; i < take; ++i) {
        done.emplace_back(std::move(events_[i].queued), events_[i].event.bytes);
        batch.push_back(std::move(events_[i].event));
      }
      events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(take));
    }
    for (auto& out : router_.process(batch)) {
      if (out.close) spdlog::info("connection {}: closing: {}", out.connection, core::to_string(*out.close));
      output_(out.connection, std::move(out.frames), std::move(out.close));
    }
    for (auto& [queued, bytes] : done) {
      backlog_bytes_ -= bytes;
      if (queued) *queued -= bytes;
    }
    done.clear();
    batch.clear();
    expire_if_due();
  }
}

void Worker::expire_if_due() {
  if (Steady::now() < next_expiry_) return;
  next_expiry_ = Steady::now() + settings_.expiry_interval;
  auto expired = store_.expire_messages();
  if (expired.ok()) {
    metrics_.messages_expired += *expired;
    if (*expired > 0) spdlog::info("expired {} undelivered messages", *expired);
  } else {
    ++metrics_.storage_failures;
    spdlog::warn("expiry: {}", core::to_string(expired.error()));
  }
  if (auto blobs = store_.expire_blobs(); !blobs.ok()) ++metrics_.storage_failures;
}

}  // namespace parley::server
