// Retry on decryption failure (spec §8.5): a device that cannot decrypt a message asks its sender
// to send it again, at most kMaxRetryRequests times; from the second request on it attaches a fresh
// prekey bundle of its own, so that the sender starts a new session instead of repeating a broken
// one. The sender re-encrypts for that device alone. Both sides are pure bookkeeping with bounded
// memory: the driver carries out what they decide.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>

#include "parley/core/error.h"

namespace parley::protocol::retry {

inline constexpr std::uint32_t kMaxRetryRequests = 5;
// Messages whose retries each side remembers; the oldest are forgotten first.
inline constexpr std::size_t kMaxTrackedMessages = 1024;

// A message as both ends name it: its sender device and the sender's message id.
struct MessageKey {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  std::uint64_t message_id = 0;
  friend auto operator<=>(const MessageKey&, const MessageKey&) = default;
};

struct RetryRequest {
  MessageKey message;
  std::uint32_t attempt = 0;      // 1 for the first request
  bool attach_fresh_bundle = false;  // from the second request on
};

// The receiving device.
class Requester {
 public:
  // A message from `message.account/device` did not decrypt: the request to send, or
  // `limit_exceeded` once kMaxRetryRequests were sent for it (the application then shows that the
  // message could not be read).
  core::Result<RetryRequest> on_decrypt_failure(const MessageKey& message);
  // The message decrypted at last: forget it. True if it was one this device asked for.
  bool on_decrypted(const MessageKey& message);
  std::size_t tracked() const { return attempts_.size(); }

 private:
  std::map<MessageKey, std::uint32_t> attempts_;
  std::deque<MessageKey> order_;  // oldest first, for forgetting
};

// What the sender does about a request.
struct Resend {
  MessageKey message;  // to re-encrypt for exactly the requesting device
  std::uint64_t to_account = 0;
  std::uint32_t to_device = 0;
  bool new_session = false;  // start a session from the bundle the request carried
};

// The sending device: it remembers which messages it sent (by message id) and the requests seen.
class Responder {
 public:
  // The sender records each message it sent, so that it can resend it (bounded, oldest forgotten).
  void on_sent(std::uint64_t message_id);
  // A request from `from_account/from_device`: `not_found` for a message this device did not send
  // (or forgot), `replayed` for an attempt not above the last one seen from that device for that
  // message, `limit_exceeded` past kMaxRetryRequests, `malformed` for a request naming another
  // sender, attempt 0, or a bundle where the rule wants none (attempt 1) or none where it wants one.
  core::Result<Resend> on_request(std::uint64_t self_account, std::uint32_t self_device, std::uint64_t from_account,
                                  std::uint32_t from_device, const RetryRequest& request, bool carries_bundle);

 private:
  struct Seen {
    std::uint64_t message_id;
    std::uint64_t account;
    std::uint32_t device;
    friend auto operator<=>(const Seen&, const Seen&) = default;
  };
  std::deque<std::uint64_t> sent_;  // oldest first
  std::map<Seen, std::uint32_t> last_attempt_;
  std::deque<Seen> seen_order_;
};

}  // namespace parley::protocol::retry
