// A group's membership log on the wire (spec §11.2, §7.1): a device appends the next signed entry,
// and any device fetches the log from a version on. The server orders entries and serves them; the
// entries' signatures are for the clients to check.
#pragma once

#include <cstdint>
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

}  // namespace parley::wire
