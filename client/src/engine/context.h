// What every part of the engine shares: the device's store and identity, randomness, the clock,
// and the table of requests waiting for the server's answer. Internal to the engine.
//
// The parts' convention: a function that can fail for a reason the inputs do not explain (the
// store failed) returns an Error, which aborts the whole input (the unit of work rolls back and the
// engine restarts, spec §8.6); what a peer or the server did wrong is an event in a successful
// output, never an Error.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <variant>

#include "parley/client/engine.h"

namespace parley::client::engine {

// A fetch of an account's device list, or of its bundles.
struct ListRequest {
  std::uint64_t account = 0;
};
struct BundleRequest {
  std::uint64_t account = 0;
};
// One of a message's (or receipt's) send frames, to one destination account.
struct SendRequest {
  std::uint64_t message_id = 0;
  std::uint64_t account = 0;
};
struct RetrySendRequest {};
struct LinkRequest {};
struct UploadRequest {};  // one-time prekeys (and a signed prekey): refused keys are deleted here too
struct PlainRequest {};   // publications and the like: only errors matter
// A blob transfer's question (blobStatus), upload chunk (`end`: where it ends) or download.
struct BlobRequest {
  core::Bytes hash;
  std::uint64_t end = 0;
};
// A group's next membership entry (groupLogAppend), a fetch of its log, and a group message's send.
struct GroupAppendRequest {
  core::Bytes group;
  core::Bytes entry;
};
struct GroupFetchRequest {
  core::Bytes group;
};
struct GroupSendRequest {
  std::uint64_t message_id = 0;
};
using Request = std::variant<ListRequest, BundleRequest, SendRequest, RetrySendRequest, LinkRequest, UploadRequest,
                             PlainRequest, BlobRequest, GroupAppendRequest, GroupFetchRequest, GroupSendRequest>;

class Requests {
 public:
  // A new request id (never 0: that is the server's pushes).
  std::uint32_t add(Request what) {
    const std::uint32_t id = next_++;
    if (next_ == 0) next_ = 1;
    waiting_.insert_or_assign(id, std::move(what));
    return id;
  }
  // The request `id` answers, if it is one of ours (each is answered once).
  std::optional<Request> take(std::uint32_t id) {
    auto it = waiting_.find(id);
    if (id == 0 || it == waiting_.end()) return std::nullopt;
    auto out = std::move(it->second);
    waiting_.erase(it);
    return out;
  }
  bool empty() const { return waiting_.empty(); }
  // A request whose answer will never come (its connection is gone).
  void forget(std::uint32_t id) { waiting_.erase(id); }
  void clear() { waiting_.clear(); }

 private:
  std::map<std::uint32_t, Request> waiting_;
  std::uint32_t next_ = 1;
};

struct EngineContext {
  DeviceStore& store;
  LocalIdentity identity;
  crypto::Entropy& entropy;
  WallClock clock;
  Requests requests;

  // A frame for the server (a request, with its id from the table).
  core::Result<core::Bytes> frame(Request what, wire::FrameBody body) { return wire::encode_frame(requests.add(std::move(what)), body); }
};

using Output = core::Result<EngineOutput>;

inline EngineOutput event(Event e) {
  EngineOutput out;
  out.events.push_back(std::move(e));
  return out;
}

// Runs `step(id, entry)` for every entry of a queue kept by id, in id order, with what they say
// together; a step may remove its own entry (finished or failed), not another.
template <typename Entries, typename Step>
Output advance_each(Entries& entries, Step&& step) {
  EngineOutput out;
  for (auto it = entries.begin(); it != entries.end();) {
    const auto id = it->first;
    PARLEY_TRY(auto more, step(id, it->second));
    out.append(std::move(more));
    it = entries.upper_bound(id);
  }
  return out;
}

inline EngineOutput failed(std::uint64_t message_id, core::Error e) { return event(FailedEvent{message_id, std::move(e)}); }

}  // namespace parley::client::engine
