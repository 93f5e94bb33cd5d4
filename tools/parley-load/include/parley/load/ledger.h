// parley-load's account of a run (spec §7.5): what was sent, what the server acknowledged, and what
// each destination device received, checked against the server's promises (spec §7.3): every
// acknowledged message reaches its device, exactly once after removing redeliveries by server id,
// and in order.
//
// Messages are numbered 0..M-1; each sender sends its own messages in increasing number, so "in
// order" for one (sender, receiver) pair is increasing message number. A message the server
// refused once (rate limit, storage failure) and that was resent may legitimately arrive after
// later ones that were accepted meanwhile, so it is exempt from that check; the per-device FIFO
// check by server id holds for every message.
//
// Thread-safe: the devices of a run may live on several threads.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "parley/load/payload.h"

namespace parley::load {

struct Percentiles {
  double p50 = 0, p99 = 0, p999 = 0;
};

struct Tally {
  std::uint64_t messages = 0;      // planned for the run
  std::uint64_t acked = 0;         // the server acknowledged (one tick)
  std::uint64_t delivered = 0;     // reached the destination device (counted once per message)
  std::uint64_t lost = 0;          // acknowledged but never delivered
  std::uint64_t redelivered = 0;   // a server id the device had already received (its ack was lost)
  std::uint64_t duplicated = 0;    // the same message again under another server id
  std::uint64_t reordered = 0;     // FIFO broken: by server id, or by message number from a sender
  std::uint64_t misdelivered = 0;  // a message for another device, or bytes parley-load never sent
  std::uint64_t refused = 0;       // retryable refusals (rate limit, queue full, storage failure)
  std::uint64_t failed = 0;        // refused for good (a typed error that retrying cannot fix)
  Percentiles send_to_ack_ms;
  Percentiles end_to_end_ms;
};

class Ledger {
 public:
  explicit Ledger(std::uint64_t messages);

  void refused(std::uint64_t message);
  void failed(std::uint64_t message);
  // Idempotent: an ack repeated after a resend counts once (the first latency stands).
  void acked(std::uint64_t message, double send_to_ack_ms);
  // A deliver frame's content at device `receiver`.
  void delivered(std::uint32_t receiver, std::uint64_t server_id, core::BytesView ciphertext, double end_to_end_ms);

  std::uint64_t acked_count() const;
  std::uint64_t delivered_count() const;
  // Every message acknowledged or failed, and every acknowledged one delivered.
  bool complete() const;
  Tally tally() const;

 private:
  struct Message {
    bool acked = false;
    bool delivered = false;
    bool refused = false;
    bool failed = false;
  };
  struct Receiver {
    std::unordered_set<std::uint64_t> server_ids;
    std::uint64_t last_server_id = 0;
    std::unordered_map<std::uint32_t, std::uint64_t> next_from;  // sender -> lowest number still in order
  };

  mutable std::mutex mutex_;
  std::vector<Message> messages_;
  std::unordered_map<std::uint32_t, Receiver> receivers_;
  Tally tally_;
  std::vector<double> send_to_ack_;
  std::vector<double> end_to_end_;
};

// Percentiles of samples (nearest rank); zeros for none.
Percentiles percentiles(std::vector<double> samples);

}  // namespace parley::load
