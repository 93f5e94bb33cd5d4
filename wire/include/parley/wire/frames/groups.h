// A group's membership log on the wire (spec §11.2, §7.1): a device appends the next signed entry,
// and any device fetches the log from a version on. The server orders entries and serves them; the
// entries' signatures are for the clients to check.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "parley/core/bytes.h"

namespace parley::wire {

// device -> server: the next entry of the group's log (its version is the log's next).
struct GroupLogAppend {
  core::Bytes group;  // 16 bytes
  core::Bytes entry;  // a signed membership entry
  friend bool operator==(const GroupLogAppend&, const GroupLogAppend&) = default;
};

// device -> server: the log from `from_version` on.
struct GroupLogFetch {
  core::Bytes group;
  std::uint64_t from_version = 1;
  friend bool operator==(const GroupLogFetch&, const GroupLogFetch&) = default;
};

// server -> device: the reply to groupLogFetch, at most max_group_log_entries entries.
struct GroupLog {
  core::Bytes group;
  std::uint64_t from_version = 1;
  std::vector<core::Bytes> entries;
  bool more = false;  // fetch again from from_version + entries.size()
  friend bool operator==(const GroupLog&, const GroupLog&) = default;
};

// One recipient account of a group message and the devices (with incarnations) it was planned for.
struct GroupRecipient {
  std::uint64_t account = 0;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> devices;  // (device, incarnation)
  friend bool operator==(const GroupRecipient&, const GroupRecipient&) = default;
};

// device -> server: a group message (spec §11.3), one ciphertext the server copies to every named
// device, all or nothing; answered sendAck like a send.
struct GroupSend {
  std::uint64_t client_message_id = 0;
  core::Bytes group;
  std::uint64_t membership_version = 0;
  core::Bytes ciphertext;
  std::vector<GroupRecipient> recipients;
  std::vector<core::Bytes> blob_refs{};
  friend bool operator==(const GroupSend&, const GroupSend&) = default;
};

}  // namespace parley::wire
