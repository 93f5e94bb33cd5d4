// The pairwise sessions of the device (spec §5.5, §8.6) as the engine uses them: summaries for the
// fan-out planner, reconciled with the incarnations the device lists report; sessions started from
// bundles the verified lists vouch for; and encryption of a content for one device.
#pragma once

#include <cstdint>
#include <vector>

#include "context.h"
#include "device_lists.h"
#include "parley/protocol/fanout/planner.h"
#include "parley/wire/content.h"

namespace parley::client::engine {

class Sessions {
 public:
  explicit Sessions(EngineContext& ctx) : ctx_(ctx) {}

  // Every session as the planner sees it. A session built with an earlier incarnation of its device
  // (the device started over) is dropped when the list still shows the same identity key, so that
  // it is rebuilt from a fresh bundle; with another key it stays, so that the planner reports the
  // identity change. A session that came from the device's own first message takes the list's
  // incarnation.
  core::Result<std::vector<protocol::fanout::SessionView>> views(const DeviceListCache& lists);
  // Sessions from the bundles of a fetch, for devices without one, each only if the verified list
  // names the device with the bundle's identity key (a server cannot insert a key of its own) and
  // the bundle's signature verifies.
  core::Result<void> start_from(const wire::PreKeyBundles& reply, const DeviceListCache& lists);
  // `content`, padded (spec §5.9) and encrypted in the session with `to` (saved, since the ratchet
  // moved), as the device ciphertext a send carries; `retry_of` marks a resend (spec §8.5).
  core::Result<core::Bytes> encrypt(const protocol::fanout::DeviceAddress& to, const wire::Content& content,
                                    std::uint64_t retry_of = 0);

 private:
  EngineContext& ctx_;
};

}  // namespace parley::client::engine
