// One session record per remote device (spec §5.5) and what it was built on, in the manner of
// libsignal's SessionStore.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "parley/client/store/records.h"
#include "parley/core/error.h"

namespace parley::client {

class SessionStore {
 public:
  virtual ~SessionStore() = default;

  virtual core::Result<std::optional<StoredSession>> session(std::uint64_t account, std::uint32_t device) = 0;
  // Every session's summary, by (account, device), without parsing a record: planning a send reads
  // these, and only the sessions it encrypts in are parsed.
  virtual core::Result<std::vector<SessionSummary>> session_summaries() = 0;
  virtual core::Result<void> save_session(const StoredSession& session) = 0;
  // A session that came from the device's own first message takes the incarnation the device list
  // reports (spec §8.6), without its record being read and written again.
  virtual core::Result<void> set_session_incarnation(std::uint64_t account, std::uint32_t device,
                                                     std::uint64_t incarnation) = 0;
  virtual core::Result<void> delete_session(std::uint64_t account, std::uint32_t device) = 0;
};

}  // namespace parley::client
