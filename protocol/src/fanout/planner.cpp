#include "parley/protocol/fanout/planner.h"

#include <algorithm>
#include <set>

namespace parley::protocol::fanout {

using core::Errc;

namespace {

core::Result<void> check_list(const std::vector<ListedDevice>& list, const char* whose) {
  std::set<std::uint32_t> ids;
  for (const auto& d : list)
    if (!ids.insert(d.device).second) return core::make_error(Errc::malformed, std::string(whose) + " list repeats a device");
  if (!ids.contains(1)) return core::make_error(Errc::malformed, std::string(whose) + " list lacks the primary");
  return {};
}

const SessionView* find_session(const std::vector<SessionView>& sessions, DeviceAddress address) {
  const auto it = std::find_if(sessions.begin(), sessions.end(), [&](const SessionView& s) { return s.address == address; });
  return it == sessions.end() ? nullptr : &*it;
}

}  // namespace

core::Result<FanoutPlan> plan(const FanoutRequest& request) {
  PARLEY_CHECK(check_list(request.peer_devices, "the peer's"));
  PARLEY_CHECK(check_list(request.own_devices, "our own"));
  if (std::none_of(request.own_devices.begin(), request.own_devices.end(),
                   [&](const ListedDevice& d) { return d.device == request.self.device; }))
    return core::make_error(Errc::malformed, "the sending device is not in its own account's list (removed?)");

  FanoutPlan out;
  auto add = [&](std::uint64_t account, const ListedDevice& d, Payload payload) {
    const DeviceAddress to{account, d.device};
    if (to == request.self) return;
    const auto* session = find_session(request.sessions, to);
    if (session != nullptr && session->identity_key != d.identity_key) {
      out.identity_changes.push_back({to, session->identity_key, d.identity_key});
      return;
    }
    out.encryptions.push_back({to, payload, session == nullptr, session ? session->incarnation : 0});
    if (session == nullptr && std::find(out.bundle_fetches.begin(), out.bundle_fetches.end(), account) == out.bundle_fetches.end())
      out.bundle_fetches.push_back(account);
  };
  // A note to self: our own list is the peer's; every other device of ours gets the message itself.
  const bool to_self = request.peer_account == request.self.account;
  for (const auto& d : request.peer_devices) add(request.peer_account, d, Payload::message);
  if (!to_self && request.copy_to_own_devices)
    for (const auto& d : request.own_devices) add(request.self.account, d, Payload::sent_to_own_device);
  std::sort(out.encryptions.begin(), out.encryptions.end(), [](const auto& a, const auto& b) { return a.to < b.to; });
  return out;
}

core::Result<Replan> replan(const FanoutPlan& previous, DeviceAddress self, const Mismatch& mismatch) {
  if (mismatch.missing.size() + mismatch.extra.size() + mismatch.stale.size() > kMaxMismatchIds)
    return core::make_error(Errc::limit_exceeded, "device mismatch: too many device ids");
  if (mismatch.missing.empty() && mismatch.extra.empty() && mismatch.stale.empty())
    return core::make_error(Errc::malformed, "device mismatch: names nothing wrong");
  std::set<std::uint32_t> planned;
  for (const auto& e : previous.encryptions)
    if (e.to.account == mismatch.account) planned.insert(e.to.device);
  if (planned.empty()) return core::make_error(Errc::malformed, "device mismatch: for an account this send did not write to");

  std::set<std::uint32_t> seen;
  auto take = [&](const std::vector<std::uint32_t>& ids, bool must_be_planned) -> core::Result<void> {
    for (const auto id : ids) {
      if (!seen.insert(id).second) return core::make_error(Errc::malformed, "device mismatch: a device id named twice");
      if (DeviceAddress{mismatch.account, id} == self)
        return core::make_error(Errc::malformed, "device mismatch: names the sending device");
      if (planned.contains(id) != must_be_planned)
        return core::make_error(Errc::malformed, "device mismatch: contradicts what was sent");
    }
    return {};
  };
  PARLEY_CHECK(take(mismatch.missing, false));
  PARLEY_CHECK(take(mismatch.extra, true));
  PARLEY_CHECK(take(mismatch.stale, true));

  Replan out;
  out.account = mismatch.account;
  for (const auto id : planned)
    if (!seen.contains(id)) out.keep.push_back({mismatch.account, id});
  for (const auto id : mismatch.extra) out.drop.push_back({mismatch.account, id});
  for (const auto id : mismatch.missing) out.encrypt_fresh.push_back({mismatch.account, id});
  for (const auto id : mismatch.stale) out.encrypt_fresh.push_back({mismatch.account, id});
  std::sort(out.drop.begin(), out.drop.end());
  std::sort(out.encrypt_fresh.begin(), out.encrypt_fresh.end());
  return out;
}

}  // namespace parley::protocol::fanout
