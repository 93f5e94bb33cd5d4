// Groups as a device keeps them (spec §11.3): each group's verified membership log and the chat
// its messages are kept under, the sender keys (its own and its members' devices'), and which
// devices were sent its own current key.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::client {

// Group chats are numbered from here (spec §11.3); account numbers stay below it, so that a chat
// number says whether it is a person's or a group's.
inline constexpr std::uint64_t kFirstGroupChat = std::uint64_t{1} << 63;
inline bool is_group_chat(std::uint64_t chat) { return chat >= kFirstGroupChat; }

struct StoredGroup {
  core::Bytes group;              // 16 bytes
  std::uint64_t chat = 0;         // given by save_group the first time
  std::vector<core::Bytes> log;   // the verified entries, creation first
  core::Bytes own_distribution;   // 16 bytes: this device's current sender key's name; empty: none yet
  friend bool operator==(const StoredGroup&, const StoredGroup&) = default;
};

// A sender key record (libsignal's storage layout) of one device for one distribution id.
struct StoredSenderKey {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  core::Bytes distribution_id;  // 16
  core::Bytes group;            // the group it was distributed for
  core::Bytes record;
  friend bool operator==(const StoredSenderKey&, const StoredSenderKey&) = default;
};

// A device that was sent this device's current sender key for a group.
struct KeyHolder {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;
  friend auto operator<=>(const KeyHolder&, const KeyHolder&) = default;
};

class GroupStore {
 public:
  virtual ~GroupStore() = default;

  virtual core::Result<std::optional<StoredGroup>> group(core::BytesView id) = 0;
  virtual core::Result<std::optional<StoredGroup>> group_of_chat(std::uint64_t chat) = 0;
  virtual core::Result<std::vector<StoredGroup>> groups() = 0;
  // Saves a group; a new one gets the next chat number from kFirstGroupChat on. Returns its chat.
  virtual core::Result<std::uint64_t> save_group(const StoredGroup& group) = 0;

  virtual core::Result<std::optional<StoredSenderKey>> sender_key(std::uint64_t account, std::uint32_t device,
                                                                  core::BytesView distribution_id) = 0;
  virtual core::Result<void> save_sender_key(const StoredSenderKey& key) = 0;
  virtual core::Result<void> delete_sender_key(std::uint64_t account, std::uint32_t device, core::BytesView distribution_id) = 0;
  // The group's keys of `account`'s devices (every account's when nullopt): a rekey, a removal.
  virtual core::Result<void> delete_sender_keys(core::BytesView group, std::optional<std::uint64_t> account) = 0;

  virtual core::Result<std::vector<KeyHolder>> key_holders(core::BytesView group) = 0;
  virtual core::Result<void> add_key_holder(core::BytesView group, const KeyHolder& holder) = 0;
  virtual core::Result<void> clear_key_holders(core::BytesView group) = 0;
};

}  // namespace parley::client
