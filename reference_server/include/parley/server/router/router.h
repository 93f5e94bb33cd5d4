// The server's one router (spec §7.2-7.4): every connection's state, which connection each device
// is online on, the rate limits, the group commit of sends, and delivery. It decides everything the
// server does with a frame and owns no thread and no socket: the runtime's storage thread feeds it
// what its connections received, and the in-memory simulation feeds it directly, so the simulation
// exercises the server's real behaviour, batching and conflicts included.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parley/server/handler/frame_handler.h"
#include "parley/server/router/metrics.h"
#include "parley/server/router/rate_limiter.h"
#include "parley/server/router/token_bucket.h"
#include "parley/wire/frames/frame.h"

namespace parley::server {

using ConnectionId = std::uint64_t;

// The abuse limits the router enforces (spec §7.4; the runtime's settings carry them).
// Each is a token bucket: the rate, and a burst of twice it.
struct RouterSettings {
  // Sends per second a device may make. A person types far slower; a client that fans out to many
  // devices still sends one frame per account.
  double sends_per_second_per_device = 200;
  // Sends per second one destination account may receive from everyone, bounding a flood aimed at
  // one person's queues.
  double sends_per_second_per_destination = 2000;
  // Bundle fetches per second a device may make: its burst (300) covers a first message to a group
  // of 256 accounts (one fetch each, spec §8.4) with room to spare.
  double prekey_fetches_per_second_per_device = 150;
  // Fetches per second of one account's bundles, from everyone: each hands out one of its devices'
  // one-time prekeys, so this bounds how fast a crowd drains them (spec §7.1); the burst (512)
  // covers every member of a new group of 256 fetching the account at once.
  double prekey_fetches_per_second_per_account = 256;
  // Registrations per second from one address (a new account costs the server a row and a key).
  double registrations_per_second_per_address = 20;
};

// What happened on a connection, in the order it happened.
struct ConnectionEvent {
  enum class Kind { opened, frame, closed };
  ConnectionEvent() = default;
  ConnectionEvent(Kind k, ConnectionId c) : kind(k), connection(c) {}

  Kind kind = Kind::frame;
  ConnectionId connection = 0;
  core::Bytes noise_static_key;                  // opened: the key the handshake proved
  transport::channel::DeviceCredentials claim;   // opened: the device the client claims to be
  // opened: the handshake could be a replay (IK's first message is; spec §7.2): the claim logs the
  // device in only once the first transport frame arrives.
  bool replayable = false;
  std::string address;                           // opened: where the connection came from
  // opened, optional: set once the connection is logged in (the network side reads more of a
  // logged-in connection's frames ahead than of one that is not).
  std::shared_ptr<std::atomic<bool>> logged_in;
  std::optional<wire::Frame> frame;              // frame
  std::size_t bytes = 0;                         // frame: its size as received, for the backlog's bound
  std::chrono::steady_clock::time_point received{};
};

// Frames for one connection, in order, and whether to close it after them (and why).
struct Outbound {
  ConnectionId connection = 0;
  std::vector<core::Bytes> frames;
  std::optional<core::Error> close;
};

class Router {
 public:
  using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;
  using Warn = std::function<void(std::string_view)>;

  Router(Store& store, RouterSettings settings, Metrics& metrics, SteadyClock clock = std::chrono::steady_clock::now,
         Warn warn = {});

  // Handles events that arrived together: the sends among them are committed in one transaction
  // (group commit, each send still all or nothing), the acks in another, and then every connection
  // that got mail or room in its window is pumped. Returns what to write where, in order. A
  // connection the router closes is forgotten at once; later events for it are ignored.
  std::vector<Outbound> process(std::vector<ConnectionEvent>& events);

  std::size_t connections() const { return connections_.size(); }
  // Rate-limit buckets held now, over every limiter keyed by something a client names (destination
  // and fetched accounts, addresses): what an attacker naming random keys could try to grow.
  std::size_t rate_buckets() const { return destinations_.size() + fetched_accounts_.size() + registering_addresses_.size(); }

 private:
  struct Connection {
    ConnectionState state;
    TokenBucket sends;
    TokenBucket fetches;
    std::string address;
    bool login_deferred = false;  // an IK claim, logged in at the first frame
    std::shared_ptr<std::atomic<bool>> logged_in;
  };
  struct Batch {
    struct QueuedSend {
      ConnectionId connection;
      PreparedSend prepared;
      std::chrono::steady_clock::time_point received;
    };
    std::vector<QueuedSend> sends;
    std::vector<MessageAck> acks;
    std::vector<ConnectionId> to_pump;
    std::vector<Outbound> out;
  };

  void opened(ConnectionEvent& event, Batch& batch);
  void on_frame(ConnectionEvent& event, Batch& batch);
  template <typename SendFrame>
  void on_send(ConnectionId id, Connection& connection, std::uint32_t request_id, const SendFrame& send,
               std::chrono::steady_clock::time_point received, Batch& batch);
  void commit(Batch& batch);
  void apply(ConnectionId id, HandlerOutput out, Batch& batch);
  void pump(ConnectionId id, Batch& batch);
  void drop(ConnectionId id);
  HandlerOutput rate_limited(std::uint32_t request_id, const char* which, std::uint64_t retry_after_ms);
  // The limits in front of a request, if one applies and is spent: its refusal.
  std::optional<HandlerOutput> limited(Connection& connection, std::uint32_t request_id, const wire::FrameBody& body);

  Store& store_;
  FrameHandler handler_;
  RouterSettings settings_;
  Metrics& metrics_;
  SteadyClock clock_;
  Warn warn_;
  std::unordered_map<ConnectionId, Connection> connections_;
  std::map<AccountDevice, ConnectionId> online_;
  RateLimiter<AccountId> destinations_;
  RateLimiter<AccountId> fetched_accounts_;
  RateLimiter<std::string> registering_addresses_;
};

}  // namespace parley::server
