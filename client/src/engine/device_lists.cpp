#include "device_lists.h"

#include "parley/client/testing/mutation.h"

namespace parley::client::engine {

using core::Errc;
namespace devices = protocol::devices;

const KnownList* DeviceListCache::find(std::uint64_t account) const {
  const auto it = lists_.find(account);
  return it == lists_.end() ? nullptr : &it->second;
}

Output DeviceListCache::fetch(std::uint64_t account) {
  if (!wanted_.insert(account).second) return EngineOutput{};  // already asked
  auto frame = ctx_.frame(ListRequest{account}, wire::GetDeviceList{account});
  if (!frame.ok()) {
    wanted_.erase(account);
    return failed(0, frame.error());
  }
  EngineOutput out;
  out.frames.push_back(std::move(*frame));
  return out;
}

core::Result<DeviceListCache::Verdict> DeviceListCache::on_reply(std::uint64_t account, const wire::DeviceListReply& reply) {
  wanted_.erase(account);
  if (reply.account != account)
    return Verdict{core::make_error(Errc::malformed, "the server answered a device list fetch with another account's list"), {}};
  // The account key: our own account's is the one linking gave us (a primary's is its own identity
  // key), never whatever a list names; a peer's is the one trusted before, else (first contact) the
  // list's own primary entry, trusted on first use (spec §8.6).
  PARLEY_TRY(const auto stored, ctx_.store.device_list(account));
  devices::DeviceListCheck check{account, {}, std::nullopt, ctx_.clock()};
  if (stored) check.known_version = stored->version;
  if (account == ctx_.identity.account && !(mutation::on(mutation::Defect::own_list_unanchored) && !stored)) {
    check.primary_identity = ctx_.identity.account_key;
  } else if (stored) {
    check.primary_identity = stored->account_key;
  } else {
    auto body = devices::decode_signed_device_list(reply.signed_list);
    if (!body.ok()) return Verdict{body.error(), {}};
    check.primary_identity = body->devices.front().identity_key;
  }
  auto verified = devices::verify_device_list(reply.signed_list, check);
  if (!verified.ok()) {
    Verdict verdict{verified.error(), {}};
    if (verified.code() == Errc::untrusted_identity) verdict.out.events.push_back(IdentityChangeEvent{account, 1});
    return verdict;
  }
  PARLEY_CHECK(ctx_.store.save_device_list({account, verified->version, check.primary_identity, reply.signed_list}));
  lists_.insert_or_assign(account, KnownList{std::move(*verified), reply.incarnations});
  return Verdict{};
}

}  // namespace parley::client::engine
