#include "parley/load/ledger.h"

#include <algorithm>
#include <cmath>

namespace parley::load {

Ledger::Ledger(std::uint64_t messages) : messages_(messages) {
  tally_.messages = messages;
  send_to_ack_.reserve(messages);
  end_to_end_.reserve(messages);
}

void Ledger::refused(std::uint64_t message) {
  std::lock_guard lock(mutex_);
  ++tally_.refused;
  if (message < messages_.size()) messages_[message].refused = true;
}

void Ledger::failed(std::uint64_t message) {
  std::lock_guard lock(mutex_);
  if (message >= messages_.size() || messages_[message].failed || messages_[message].acked) return;
  messages_[message].failed = true;
  ++tally_.failed;
}

void Ledger::acked(std::uint64_t message, double send_to_ack_ms) {
  std::lock_guard lock(mutex_);
  if (message >= messages_.size() || messages_[message].acked) return;
  messages_[message].acked = true;
  ++tally_.acked;
  send_to_ack_.push_back(send_to_ack_ms);
}

void Ledger::delivered(std::uint32_t receiver, std::uint64_t server_id, core::BytesView ciphertext, double end_to_end_ms) {
  std::lock_guard lock(mutex_);
  auto& r = receivers_[receiver];
  if (!r.server_ids.insert(server_id).second) {
    ++tally_.redelivered;
    return;
  }
  auto payload = decode_load_payload(ciphertext);
  if (!payload.ok() || payload->receiver != receiver || payload->message >= messages_.size()) {
    ++tally_.misdelivered;
    return;
  }
  auto& m = messages_[payload->message];
  if (m.delivered) {
    ++tally_.duplicated;
    return;
  }
  m.delivered = true;
  ++tally_.delivered;
  end_to_end_.push_back(end_to_end_ms);
  bool in_order = server_id > r.last_server_id;
  r.last_server_id = std::max(r.last_server_id, server_id);
  auto& next = r.next_from[payload->sender];
  if (payload->message < next) in_order = in_order && m.refused;
  next = std::max(next, payload->message + 1);
  if (!in_order) ++tally_.reordered;
}

std::uint64_t Ledger::acked_count() const {
  std::lock_guard lock(mutex_);
  return tally_.acked;
}

std::uint64_t Ledger::delivered_count() const {
  std::lock_guard lock(mutex_);
  return tally_.delivered;
}

bool Ledger::complete() const {
  std::lock_guard lock(mutex_);
  if (tally_.acked + tally_.failed < tally_.messages) return false;
  return std::all_of(messages_.begin(), messages_.end(), [](const Message& m) { return !m.acked || m.delivered; });
}

Tally Ledger::tally() const {
  std::lock_guard lock(mutex_);
  Tally t = tally_;
  t.lost = static_cast<std::uint64_t>(
      std::count_if(messages_.begin(), messages_.end(), [](const Message& m) { return m.acked && !m.delivered; }));
  t.send_to_ack_ms = percentiles(send_to_ack_);
  t.end_to_end_ms = percentiles(end_to_end_);
  return t;
}

Percentiles percentiles(std::vector<double> samples) {
  if (samples.empty()) return {};
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
    return samples[std::min(samples.size() - 1, rank == 0 ? 0 : rank - 1)];
  };
  return {at(0.50), at(0.99), at(0.999)};
}

}  // namespace parley::load
