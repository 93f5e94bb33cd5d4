#include "parley/protocol/retry/retry.h"

#include <algorithm>

namespace parley::protocol::retry {

using core::Errc;

namespace {

// Keeps a remembered set bounded: past the cap, the oldest key is forgotten.
template <typename Key, typename Map>
void remember(Map& map, std::deque<Key>& order, const Key& key) {
  order.push_back(key);
  while (order.size() > kMaxTrackedMessages) {
    map.erase(order.front());
    order.pop_front();
  }
}

}  // namespace

core::Result<RetryRequest> Requester::on_decrypt_failure(const MessageKey& message) {
  auto [it, inserted] = attempts_.try_emplace(message, 0);
  if (inserted) remember(attempts_, order_, message);
  if (it->second >= kMaxRetryRequests)
    return core::make_error(Errc::limit_exceeded, "asked " + std::to_string(kMaxRetryRequests) + " times for this message");
  ++it->second;
  return RetryRequest{message, it->second, it->second >= 2};
}

bool Requester::on_decrypted(const MessageKey& message) {
  if (attempts_.erase(message) == 0) return false;
  order_.erase(std::remove(order_.begin(), order_.end(), message), order_.end());
  return true;
}

void Responder::on_sent(std::uint64_t message_id) {
  sent_.push_back(message_id);
  if (sent_.size() > kMaxTrackedMessages) sent_.pop_front();
}

core::Result<Resend> Responder::on_request(std::uint64_t self_account, std::uint32_t self_device,
                                           std::uint64_t from_account, std::uint32_t from_device,
                                           const RetryRequest& request, bool carries_bundle) {
  if (request.message.account != self_account || request.message.device != self_device)
    return core::make_error(Errc::malformed, "retry request for a message another device sent");
  if (request.attempt == 0) return core::make_error(Errc::malformed, "retry request attempt 0");
  if (request.attempt > kMaxRetryRequests) return core::make_error(Errc::limit_exceeded, "too many retry requests");
  if (request.attach_fresh_bundle != (request.attempt >= 2) || carries_bundle != request.attach_fresh_bundle)
    return core::make_error(Errc::malformed, "a fresh bundle comes with every request from the second on, and only then");
  if (std::find(sent_.begin(), sent_.end(), request.message.message_id) == sent_.end())
    return core::make_error(Errc::not_found, "no such message sent (or too long ago)");
  const Seen key{request.message.message_id, from_account, from_device};
  auto [it, inserted] = last_attempt_.try_emplace(key, 0);
  if (inserted) remember(last_attempt_, seen_order_, key);
  if (request.attempt <= it->second) return core::make_error(Errc::replayed, "this retry request was answered already");
  it->second = request.attempt;
  return Resend{request.message, from_account, from_device, carries_bundle};
}

}  // namespace parley::protocol::retry
