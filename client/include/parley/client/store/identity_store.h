// The device's own keys (spec §4, §8.6): its identity and ids, its signed and one-time prekeys, and
// the counters that must never repeat (one-time prekey ids, message ids). In the manner of
// libsignal's IdentityKeyStore and PreKeyStore: an interface the engine uses, with SQLite and
// in-memory implementations.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "parley/client/store/records.h"
#include "parley/core/error.h"
#include "parley/protocol/keys.h"

namespace parley::client {

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  virtual core::Result<std::optional<LocalIdentity>> identity() = 0;
  virtual core::Result<void> save_identity(const LocalIdentity& identity) = 0;

  // The signed prekeys this device can answer with, oldest first (the current one last).
  virtual core::Result<std::vector<StoredSignedPreKey>> signed_prekeys() = 0;
  virtual core::Result<void> put_signed_prekey(const StoredSignedPreKey& key) = 0;
  // Past its grace period (spec §4.2): deleted for good.
  virtual core::Result<void> delete_signed_prekey(protocol::SignedPreKeyId id) = 0;
  virtual core::Result<std::map<std::uint32_t, protocol::OneTimePreKey>> one_time_prekeys() = 0;
  virtual core::Result<void> put_one_time_prekeys(const std::vector<protocol::OneTimePreKey>& keys) = 0;
  // Consumed by the first message that used it (spec §5.5): deleted for good.
  virtual core::Result<void> delete_one_time_prekey(protocol::PreKeyId id) = 0;
  // The next one-time prekey id to generate (ids are never reused).
  virtual core::Result<std::uint32_t> next_one_time_prekey_id() = 0;

  // A new id for a message this device sends: never the same twice, across restarts too (the
  // server's idempotency key is the sending device and this id).
  virtual core::Result<std::uint64_t> take_message_id() = 0;
  // Message ids from `first` on (never lower than the counter already is).
  virtual core::Result<void> start_message_ids(std::uint64_t first) = 0;
};

}  // namespace parley::client
