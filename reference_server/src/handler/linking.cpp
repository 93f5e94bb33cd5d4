// spec §7.2, §8.2: the primary links and removes devices; the link's approval and confirmation
// travel through the server, which can neither read nor forge them.
#include <string>

#include "parley/server/handler/frame_handler.h"
#include "replies.h"
#include "signed_keys.h"

namespace parley::server {

using core::Errc;

namespace {

core::Error not_primary(const char* what) {
  return replies::unauthorized(std::string("only the account's primary device ") + what);
}

}  // namespace

// The primary links a companion whose keys it has scanned (spec §8.1's QR code): the companion then
// logs in with its own Noise key under the new device id. Its incarnation is new, so it never sees
// a queue that an earlier holder of that device id left.
HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::LinkDevice& frame) {
  if (connection.device->device != kPrimaryDeviceId) return replies::refuse(id, not_primary("links devices"));
  auto keys = signed_device_keys(frame.companion);
  if (!keys.ok()) return replies::refuse(id, keys.error());
  auto record = store_.link_device(connection.device->account, *keys);
  if (!record.ok()) return replies::refuse(id, record.error());
  return replies::reply(id, wire::DeviceLinked{record->account.value, record->device.value, record->incarnation.value});
}

// The primary removes a companion: its mailbox, prekeys and idempotency keys go (spec §7.1), its
// Noise key logs in no more, and its live connection, if any, hears `unauthorized` and is closed.
HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::RemoveDevice& frame) {
  if (connection.device->device != kPrimaryDeviceId) return replies::refuse(id, not_primary("removes devices"));
  const DeviceId device{frame.device};
  if (device == kPrimaryDeviceId)
    return replies::refuse(id, core::make_error(Errc::malformed, "the primary device is the account; it cannot be removed"));
  auto removed = store_.remove_device(connection.device->account, device);
  if (!removed.ok()) return replies::refuse(id, removed.error());
  auto out = replies::reply(id, wire::Ok{});
  out.removed.push_back({connection.device->account, device});
  return out;
}

// The primary hands the server its approval for a companion it linked; the companion receives it
// with its first login by key. The server cannot read or forge it (spec §8.2).
HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::LinkApproval& frame) {
  if (connection.device->device != kPrimaryDeviceId) return replies::refuse(id, not_primary("approves devices"));
  if (frame.approval.size() > kMaxLinkMessageSize)
    return replies::refuse(id, core::make_error(Errc::malformed, "an approval is 153 bytes"));
  auto companion = store_.device(connection.device->account, DeviceId{frame.device});
  if (!companion.ok()) return replies::refuse(id, companion.error());
  const auto now = store_.now();
  std::erase_if(approvals_, [&](const auto& entry) { return now - entry.second.stored_at_ms > kApprovalLifetimeMs; });
  if (approvals_.size() >= kMaxPendingApprovals && !approvals_.contains(companion->keys.noise_static_key))
    return replies::refuse(id, core::make_error(Errc::limit_exceeded, "too many links waiting; try again in a minute"));
  approvals_[companion->keys.noise_static_key] = {frame.approval, now};
  return replies::reply(id, wire::Ok{});
}

// The companion's countersigned identity goes to its primary, which publishes the new list; until
// a list names the companion, the primary gets it again at each login (spec §8.2).
HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::LinkConfirmation& frame) {
  if (connection.device->device == kPrimaryDeviceId)
    return replies::refuse(id, core::make_error(Errc::malformed, "the primary confirms no link"));
  if (frame.signed_identity.size() > kMaxLinkMessageSize)
    return replies::refuse(id, core::make_error(Errc::malformed, "a signed identity is 152 bytes"));
  const auto now = store_.now();
  std::erase_if(confirmations_, [&](const auto& entry) { return now - entry.second.stored_at_ms > kApprovalLifetimeMs; });
  const std::pair key{connection.device->account, connection.device->device};
  if (confirmations_.size() >= kMaxPendingApprovals && !confirmations_.contains(key))
    return replies::refuse(id, core::make_error(Errc::limit_exceeded, "too many links waiting; try again in a minute"));
  auto push = replies::frame(0, wire::LinkConfirmation{connection.device->device.value, frame.signed_identity});
  confirmations_[key] = {push, now};
  approvals_.erase(connection.noise_static_key);  // the companion has its approval: it confirmed
  auto out = replies::reply(id, wire::Ok{});
  out.pushes.emplace_back(AccountDevice{connection.device->account, kPrimaryDeviceId}, std::move(push));
  return out;
}

std::vector<core::Bytes> FrameHandler::pending_confirmations(AccountId account) {
  const auto now = store_.now();
  std::erase_if(confirmations_, [&](const auto& entry) { return now - entry.second.stored_at_ms > kApprovalLifetimeMs; });
  std::vector<core::Bytes> out;
  for (auto it = confirmations_.lower_bound({account, DeviceId{0}}); it != confirmations_.end() && it->first.first == account; ++it)
    out.push_back(it->second.bytes);
  return out;
}

}  // namespace parley::server
