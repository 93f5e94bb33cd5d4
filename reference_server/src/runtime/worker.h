// The storage thread (spec §7.3, §7.4): owns the Store and the Router, and hands the Router every
// event that arrived while the last batch was being handled, so that the sends among them commit in
// one transaction (group commit), which is what makes durable sends fast. The network thread only
// moves bytes to and from it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
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

  void post(ConnectionEvent event);
  // Events waiting; the network side stops reading while it is high (back-pressure).
  std::size_t backlog();
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
  std::deque<ConnectionEvent> events_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley::server
