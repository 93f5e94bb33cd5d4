// spec §7.2, §8.3: the signed device lists the server stores and serves.
#include "parley/crypto/x25519.h"
#include "parley/protocol/devices/device_list.h"
#include "parley/server/handler/frame_handler.h"
#include "replies.h"

namespace parley::server {

using core::Errc;

HandlerOutput FrameHandler::on(ConnectionState&, std::uint32_t id, const wire::GetDeviceList& frame) {
  const AccountId account{frame.account};
  auto list = store_.device_list(account);
  if (!list.ok()) return replies::refuse(id, list.error());
  auto devices = store_.devices(account);
  if (!devices.ok()) return replies::refuse(id, devices.error());
  wire::DeviceListReply reply{account.value, list->version, list->signed_list, {}};
  // Not signed: the server's own registry, so that a sender names each device's current incarnation.
  for (const auto& d : *devices) reply.incarnations[d.device.value] = d.incarnation.value;
  return replies::reply(id, reply);
}

// Only the primary device publishes its account's list, and only a list that the account key (the
// primary's identity key) signed, for this account, no older than the stored one (spec §8.3): the
// server cannot be made to serve a forged or rolled-back list, whoever holds the connection.
HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::PutDeviceList& frame) {
  if (frame.account != connection.device->account.value || connection.device->device != kPrimaryDeviceId)
    return replies::refuse(id, replies::unauthorized("only the account's primary device publishes its device list"));
  SignedDeviceList list{frame.version, frame.signed_list, std::nullopt};
  auto verified = verify_device_list(connection.device->account, list);
  if (!verified.ok()) return replies::refuse(id, verified.error());
  // The devices it names are the account's listed devices from now on (spec §7.1): the ones sends
  // must cover.
  list.devices.emplace();
  for (const auto& entry : verified->devices) list.devices->push_back(DeviceId{entry.device});
  auto put = store_.put_device_list(connection.device->account, list);
  if (!put.ok()) return replies::refuse(id, put.error());
  // A confirmed link is done once a list names the device.
  for (const auto device : *list.devices) confirmations_.erase({connection.device->account, device});
  return replies::reply(id, wire::Ok{});
}

core::Result<protocol::devices::DeviceList> FrameHandler::verify_device_list(AccountId account, const SignedDeviceList& list) {
  PARLEY_TRY(const auto primary, store_.device(account, kPrimaryDeviceId));
  PARLEY_TRY(const auto account_key, crypto::parse_public_key(primary.keys.identity_key));
  protocol::devices::DeviceListCheck check{account.value, account_key, std::nullopt, store_.now()};
  if (auto stored = store_.device_list(account); stored.ok()) check.known_version = stored->version;
  PARLEY_TRY(const auto verified, protocol::devices::verify_device_list(list.signed_list, check));
  if (verified.version != list.version)
    return core::make_error(Errc::malformed, "the frame's version is not the signed list's");
  return verified;
}

}  // namespace parley::server
