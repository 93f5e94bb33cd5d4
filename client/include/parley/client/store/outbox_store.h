// What this device wrote and the server has not acknowledged yet (spec §8.6): its messages not
// marked sent, and its receipts, both sent again with the same ids after a restart.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "parley/client/store/records.h"
#include "parley/core/error.h"

namespace parley::client {

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // This device's messages the server has not acknowledged (the outbox): sent again, with the same
  // ids, after a restart; the server's idempotency makes a repeat harmless.
  virtual core::Result<std::vector<StoredMessage>> unsent(std::uint64_t own_account, std::uint32_t own_device) = 0;

  // The receipts' outbox, as unsent() is the messages'.
  virtual core::Result<void> put_pending_receipt(const PendingReceipt& receipt) = 0;
  virtual core::Result<void> delete_pending_receipt(std::uint64_t id) = 0;
  virtual core::Result<std::vector<PendingReceipt>> pending_receipts() = 0;

  // --- What each send went to (spec §8.5) --------------------------------------------------
  // One send of message `message_id`, taken by the server under `server_id`, carried a copy for
  // each of `devices` of `account`. Kept for the kMaxTrackedMessages most recent server ids (older
  // ones go): a retry is answered only for a device a copy was made for.
  virtual core::Result<void> record_send(std::uint64_t server_id, std::uint64_t message_id, std::uint64_t account,
                                         const std::vector<std::uint32_t>& devices) = 0;
  // The message the send under `server_id` carried, if (account, device) got a copy of it.
  virtual core::Result<std::optional<std::uint64_t>> sent_to(std::uint64_t server_id, std::uint64_t account,
                                                             std::uint32_t device) = 0;
  // The server ids of the sends recorded, oldest first.
  virtual core::Result<std::vector<std::uint64_t>> recorded_sends() = 0;
};

}  // namespace parley::client
