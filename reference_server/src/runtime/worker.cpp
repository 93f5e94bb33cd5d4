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

void Worker::post(ConnectionEvent event) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  wake_.notify_one();
}

std::size_t Worker::backlog() {
  std::lock_guard lock(mutex_);
  return events_.size();
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
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_expiry_, [this] { return stopping_ || !events_.empty(); });
      if (events_.empty() && stopping_) return;
      // Everything that arrived while the last batch committed is the next batch: under load the
      // batches grow by themselves, and an idle server commits each send at once.
      const std::size_t take = std::min(events_.size(), settings_.max_batch);
      batch.assign(std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.begin() + static_cast<std::ptrdiff_t>(take)));
      events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(take));
    }
    for (auto& out : router_.process(batch)) {
      if (out.close) spdlog::info("connection {}: closing: {}", out.connection, core::to_string(*out.close));
      output_(out.connection, std::move(out.frames), std::move(out.close));
    }
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
