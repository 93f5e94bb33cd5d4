// The device lists this device has verified (spec §8.3, §8.6): fetched from the server before a
// send plans over them, verified under the account key this device trusts (the first list of an
// account gives it: trust on first use), stored to refuse rollbacks, and fetched again whenever
// they may have changed. Held in memory with the incarnations the server reported alongside.
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "context.h"
#include "parley/protocol/devices/device_list.h"

namespace parley::client::engine {

struct KnownList {
  protocol::devices::DeviceList list;
  std::map<std::uint32_t, std::uint64_t> incarnations;  // the server's registry, not signed
  // The incarnation a send to `device` names: the registry's, else `fallback` (a session's).
  std::uint64_t incarnation(std::uint32_t device, std::uint64_t fallback) const {
    const auto it = incarnations.find(device);
    return it == incarnations.end() ? fallback : it->second;
  }
};

class DeviceListCache {
 public:
  explicit DeviceListCache(EngineContext& ctx) : ctx_(ctx) {}

  // The account's verified list, or nullptr until it is fetched (again).
  const KnownList* find(std::uint64_t account) const;
  // Asks the server for the account's list, unless a fetch is out already.
  Output fetch(std::uint64_t account);
  bool pending(std::uint64_t account) const { return wanted_.contains(account); }
  // Fetched and verified again before the next use.
  void forget(std::uint64_t account) { lists_.erase(account); }
  void forget_all() {
    lists_.clear();
    wanted_.clear();
  }

  // The server's answer to a fetch for `account`: verified and stored (then the outbox can go on),
  // or refused with the reason; an account key that changed is also an IdentityChangeEvent.
  struct Verdict {
    std::optional<core::Error> refused;
    EngineOutput out;
  };
  core::Result<Verdict> on_reply(std::uint64_t account, const wire::DeviceListReply& reply);
  // The server could not answer the fetch.
  void on_refused(std::uint64_t account) { wanted_.erase(account); }

 private:
  EngineContext& ctx_;
  std::map<std::uint64_t, KnownList> lists_;
  std::set<std::uint64_t> wanted_;
};

}  // namespace parley::client::engine
