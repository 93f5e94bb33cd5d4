// The storage thread (spec §7.3, §7.4): owns the Store and the Router, and hands the Router every
// event that arrived while the last batch was being handled, so that the sends among them commit in
// one transaction (group commit), which is what makes durable sends fast. The network thread only
// moves bytes to and from it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "parley/server/router/router.h"
#include "parley/server/runtime/settings.h"

namespace parley::server {

class Worker {
 public:
  // Called on the worker thread with frames for a connection and, when set, the reason to close it
  // after them. The server posts them to the network thread.
  using Output = std::function<void(ConnectionId, std::vector<core::Bytes>, std::optional<core::Error>)>;

  Worker(Store store, const ServerSettings& settings, Metrics& metrics, Output output);
  ~Worker();

  // `queued`, when given, is the connection's count of bytes waiting here: what the event adds to it
  // is taken off once the event was handled.
  void post(ConnectionEvent event, std::shared_ptr<std::atomic<std::size_t>> queued = {});
  // Bytes of frames waiting; the network side stops reading while it is high (back-pressure).
  std::size_t backlog_bytes() const { return backlog_bytes_.load(); }
  // Finishes the events already posted, then stops the thread.
  void stop();

 private:
  void run();
  void expire_if_due();

  Store store_;
  const ServerSettings& settings_;
  Metrics& metrics_;
  Router router_;
  Output output_;
  std::chrono::steady_clock::time_point next_expiry_;

  std::mutex mutex_;
  std::condition_variable wake_;
  struct Posted {
    ConnectionEvent event;
    std::shared_ptr<std::atomic<std::size_t>> queued;
  };
  std::deque<Posted> events_;
  std::atomic<std::size_t> backlog_bytes_{0};
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley::server
