// What this device wrote and the server has not acknowledged yet (spec §8.6): its messages not
// marked sent, and its receipts, both sent again with the same ids after a restart.
#pragma once

#include <cstdint>
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
};

}  // namespace parley::client
