// The storage thread (spec §7.3): owns the Store, the FrameHandler and every session's state, and
// commits the sends that arrived together in one transaction (group commit), which is what makes
// durable sends fast. The network thread only moves bytes to and from it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "parley/server/handler/frame_handler.h"
#include "parley/server/runtime/metrics.h"
#include "parley/server/runtime/settings.h"
#include "parley/server/runtime/token_bucket.h"

namespace parley::server {

using SessionId = std::uint64_t;

struct WorkerJob {
  enum class Kind { opened, frame, closed };
  WorkerJob(Kind k, SessionId s) : kind(k), session(s) {}

  Kind kind;
  SessionId session = 0;
  core::Bytes noise_static_key;                  // opened
  transport::channel::DeviceCredentials claim;   // opened
  std::optional<transport::DecodedFrame> frame;  // frame
  std::chrono::steady_clock::time_point received{};
};

class Worker {
 public:
  // Called on the worker thread with frames for a session and, when set, the reason to close it
  // after them. The server posts them to the network thread.
  using Output = std::function<void(SessionId, std::vector<core::Bytes>, std::optional<core::Error>)>;

  Worker(Store store, const ServerSettings& settings, Metrics& metrics, Output output);
  ~Worker();

  void post(WorkerJob job);
  // Jobs waiting; the network side stops reading while it is high (back-pressure).
  std::size_t backlog();
  // Finishes the jobs already posted, then stops the thread.
  void stop();

 private:
  struct Session {
    SessionState state;
    TokenBucket sends;
  };
  struct BatchedSend {
    SessionId session;
    PendingSend pending;
    std::chrono::steady_clock::time_point received;
  };

  void run();
  void process(std::vector<WorkerJob>& jobs);
  void on_frame(WorkerJob& job, std::vector<BatchedSend>& sends, std::vector<MessageAck>& acks,
                std::vector<SessionId>& to_pump);
  void commit(std::vector<BatchedSend>& sends, std::vector<SessionId>& to_pump);
  void apply(SessionId id, HandlerOutput out, std::vector<SessionId>& to_pump);
  void pump(SessionId id);
  void expire_if_due();

  Store store_;
  FrameHandler handler_;
  const ServerSettings& settings_;
  Metrics& metrics_;
  Output output_;

  std::unordered_map<SessionId, Session> sessions_;
  std::map<DeviceAddress, SessionId> online_;
  std::map<AccountId, TokenBucket> destinations_;
  std::chrono::steady_clock::time_point next_expiry_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<WorkerJob> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley::server
