// spec §7.1, §7.2: the key directory: uploads, and bundles handed out each one-time prekey once.
#include <string>

#include "parley/server/handler/frame_handler.h"
#include "replies.h"

namespace parley::server {

HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::UploadPreKeys& frame) {
  PreKeyUpload upload;
  if (frame.signed_prekey)
    upload.signed_prekey = SignedPreKey{PreKeyId{frame.signed_prekey->id}, frame.signed_prekey->public_key,
                                        frame.signed_prekey->signature};
  upload.one_time_prekeys.reserve(frame.one_time_prekeys.size());
  for (const auto& k : frame.one_time_prekeys) upload.one_time_prekeys.push_back({PreKeyId{k.id}, k.public_key});
  auto stock = store_.upload_prekeys(connection.device->account, connection.device->device, upload);
  if (!stock.ok()) return replies::refuse(id, stock.error());
  return replies::reply(id, wire::Ok{});
}

HandlerOutput FrameHandler::on(ConnectionState&, std::uint32_t id, const wire::FetchPreKeys& frame) {
  const AccountId account{frame.account};
  auto bundles = store_.fetch_prekey_bundles(account);
  if (!bundles.ok()) return replies::refuse(id, bundles.error());
  wire::PreKeyBundles reply{account.value, {}};
  reply.bundles.reserve(bundles->size());
  for (const auto& b : *bundles) {
    wire::DeviceBundle w{b.device.value, b.incarnation.value, b.registration_id, b.identity_key, {}, {}};
    if (b.signed_prekey)
      w.signed_prekey = wire::SignedPreKeyEntry{b.signed_prekey->id.value, b.signed_prekey->public_key, b.signed_prekey->signature};
    if (b.one_time_prekey) w.one_time_prekey = wire::OneTimePreKeyEntry{b.one_time_prekey->id.value, b.one_time_prekey->public_key};
    reply.bundles.push_back(std::move(w));
  }
  auto out = replies::reply(id, reply);
  // A device whose stock fell below the threshold hears about it (spec §7.2), if it is online.
  for (const auto& b : *bundles) {
    if (b.remaining_one_time_prekeys >= store_.settings().prekeys_low_threshold) continue;
    const wire::ErrorFrame low{wire::ErrorCode::prekeys_low, std::to_string(b.remaining_one_time_prekeys) + " one-time prekeys left",
                               {}, {}, {}, 0};
    out.pushes.emplace_back(AccountDevice{account, b.device}, replies::frame(0, low));
  }
  return out;
}

}  // namespace parley::server
