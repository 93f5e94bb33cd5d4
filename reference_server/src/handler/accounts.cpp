// spec §7.2: a connection becomes a device: the claim at the handshake, register, and login.
#include "parley/crypto/xeddsa.h"
#include "parley/server/handler/frame_handler.h"
#include "replies.h"
#include "signed_keys.h"

namespace parley::server {

using core::Errc;

HandlerOutput FrameHandler::logged_in(ConnectionState& connection, const DeviceRecord& record, std::uint32_t request_id,
                                      core::Bytes link_approval) {
  connection.device = MailboxAddress{record.account, record.device, record.incarnation};
  auto out = replies::reply(request_id, wire::LoggedIn{record.account.value, record.device.value,
                                                       record.incarnation.value, std::move(link_approval)});
  out.logged_in = true;
  if (record.device == kPrimaryDeviceId)
    for (auto& confirmation : pending_confirmations(record.account)) out.replies.push_back(std::move(confirmation));
  return out;
}

// A device is its Noise static key: the claim must name the device that key is registered to.
core::Result<DeviceRecord> FrameHandler::authenticate(const ConnectionState& connection,
                                                      const transport::channel::DeviceCredentials& claim) {
  auto record = store_.device_by_noise_key(connection.noise_static_key);
  if (!record.ok()) {
    if (record.code() == Errc::not_found) return replies::unauthorized("no device has this Noise key");
    return record.error();
  }
  if (record->account.value != claim.account_id || record->device.value != claim.device_id)
    return replies::unauthorized("the Noise key belongs to another device");
  return record;
}

HandlerOutput FrameHandler::on_established(ConnectionState& connection) {
  if (!connection.claim.registered()) return {};
  auto record = authenticate(connection, connection.claim);
  if (!record.ok()) return replies::refuse(0, record.error(), true);
  return logged_in(connection, *record, 0);
}

// Registration of a new account with its primary device: the Noise key in the frame must be the
// one the handshake proved, and the identity key must sign it, so nobody registers a key they do
// not hold or binds someone else's identity to their connection.
HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::Register& frame) {
  if (connection.device) return replies::refuse(id, core::make_error(Errc::conflict, "already logged in"));
  if (frame.keys.noise_static_key != connection.noise_static_key)
    return replies::refuse(id, replies::unauthorized("the Noise key to register is not the one this connection proved"));
  auto keys = signed_device_keys(frame.keys);
  if (!keys.ok()) return replies::refuse(id, keys.error());
  auto record = store_.create_account(*keys);
  if (!record.ok() && record.code() == Errc::conflict) {
    // The same registration again (its reply was lost to a dropped connection or a crash): the
    // account it created is the answer. Any other use of a registered Noise key stays a conflict.
    auto existing = store_.device_by_noise_key(keys->noise_static_key);
    if (existing.ok() && existing->device == kPrimaryDeviceId && existing->keys == *keys) record = std::move(existing);
  }
  if (!record.ok()) return replies::refuse(id, record.error());
  return logged_in(connection, *record, id);
}

// The handshake already logs a device in by its claim; login states it again (or first, for a
// client that connected as unregistered and learnt its ids elsewhere).
HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::Login& frame) {
  const transport::channel::DeviceCredentials claim{frame.account, frame.device};
  if (!claim.registered()) {
    // Login by key alone (spec §8.2): a companion that showed its QR code does not know its ids
    // until its primary linked it; the key its handshake proved says which device it is.
    // Asked again (the companion polls until its approval is there), it answers again.
    auto record = store_.device_by_noise_key(connection.noise_static_key);
    if (!record.ok()) return replies::refuse(id, record.error());
    // The approval stays until the companion confirms: one that crashed before it did gets it again.
    core::Bytes approval;
    if (auto pending = approvals_.find(connection.noise_static_key); pending != approvals_.end()) {
      if (store_.now() - pending->second.stored_at_ms <= kApprovalLifetimeMs) {
        approval = pending->second.bytes;
      } else {
        approvals_.erase(pending);
      }
    }
    const bool already = connection.device.has_value();
    auto out = logged_in(connection, *record, id, std::move(approval));
    out.logged_in = !already;  // only a new login starts delivery
    return out;
  }
  auto record = authenticate(connection, claim);
  if (!record.ok()) return replies::refuse(id, record.error());
  if (connection.device && (connection.device->account != record->account || connection.device->device != record->device))
    return replies::refuse(id, core::make_error(Errc::conflict, "logged in as another device"));
  const bool already = connection.device.has_value();
  auto out = logged_in(connection, *record, id);
  out.logged_in = !already;  // only a new login starts delivery
  return out;
}

}  // namespace parley::server
