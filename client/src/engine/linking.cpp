#include "linking.h"

namespace parley::client::engine {

using core::Errc;
namespace devices = protocol::devices;

core::Result<std::string> Linking::start(core::Bytes server_ref) {
  if (ctx_.identity.account != 0) return core::make_error(Errc::conflict, "this device already belongs to an account");
  PARLEY_TRY(auto linker, devices::CompanionLinker::start(ctx_.identity.identity, ctx_.identity.noise.public_key,
                                                          ctx_.identity.registration_id, std::move(server_ref), ctx_.clock(),
                                                          ctx_.entropy));
  companion_.emplace(std::move(linker));
  return companion_->qr_text();
}

core::Result<std::optional<Linking::Approved>> Linking::on_approval(const wire::LoggedIn& l) {
  // Linked at the server but the approval not there yet: the next login by key brings it.
  if (l.link_approval.empty()) return std::optional<Approved>{};
  PARLEY_TRY(auto linked, companion_->on_approval(l.link_approval, ctx_.entropy));
  if (linked.account != l.account || linked.device != l.device)
    return core::make_error(Errc::untrusted_identity, "the approval names another device");
  ctx_.identity.account_key = linked.primary_identity;
  PARLEY_TRY(auto confirmation, ctx_.frame(PlainRequest{}, wire::LinkConfirmation{0, linked.signed_identity}));
  companion_.reset();
  return std::optional<Approved>(Approved{LinkedEvent{l.account, l.device}, std::move(confirmation)});
}

devices::PrimaryLinker& Linking::primary() {
  if (!primary_) primary_.emplace(ctx_.identity.identity, ctx_.identity.account, ctx_.identity.next_key_index);
  return *primary_;
}

Output Linking::link(std::string_view qr_text) {
  if (ctx_.identity.device != devices::kPrimaryDevice) return core::make_error(Errc::untrusted_identity, "only the primary links devices");
  PARLEY_TRY(const auto offer, primary().scan(qr_text, ctx_.clock()));
  const wire::LinkDevice request{{crypto::serialize_public_key(offer.identity_key),
                                  core::Bytes(offer.noise_key.begin(), offer.noise_key.end()),
                                  core::Bytes(offer.noise_key_signature.begin(), offer.noise_key_signature.end()),
                                  offer.registration_id}};
  PARLEY_TRY(auto frame, ctx_.frame(LinkRequest{}, request));
  EngineOutput out;
  out.frames.push_back(std::move(frame));
  return out;
}

// The server linked the companion: approve it, under the device id the server gave it.
Output Linking::on_device_linked(const wire::DeviceLinked& linked) {
  if (!primary_) return EngineOutput{};
  auto approval = primary_->approve(linked.device, ctx_.clock(), ctx_.entropy);
  if (!approval.ok()) return failed(0, approval.error());
  ctx_.identity.next_key_index = primary_->next_key_index();
  PARLEY_CHECK(ctx_.store.save_identity(ctx_.identity));
  auto frame = ctx_.frame(PlainRequest{}, wire::LinkApproval{linked.device, std::move(*approval)});
  if (!frame.ok()) return failed(0, frame.error());
  EngineOutput out;
  out.frames.push_back(std::move(*frame));
  return out;
}

core::Result<devices::DeviceList> Linking::own_list() {
  PARLEY_TRY(const auto stored, ctx_.store.device_list(ctx_.identity.account));
  if (!stored) return core::make_error(Errc::not_found, "no device list published yet");
  return devices::decode_signed_device_list(stored->signed_list);
}

Output Linking::publish(const devices::DeviceList& list) {
  auto signed_list = devices::sign_device_list(list, ctx_.identity.identity, ctx_.entropy);
  if (!signed_list.ok()) return failed(0, signed_list.error());
  PARLEY_CHECK(ctx_.store.save_device_list({ctx_.identity.account, list.version, ctx_.identity.identity.public_key, *signed_list}));
  lists_.forget(ctx_.identity.account);
  auto frame = ctx_.frame(PlainRequest{}, wire::PutDeviceList{ctx_.identity.account, list.version, *signed_list});
  if (!frame.ok()) return failed(0, frame.error());
  EngineOutput out;
  out.frames.push_back(std::move(*frame));
  return out;
}

Output Linking::publish_first_list() {
  PARLEY_TRY(const auto stored, ctx_.store.device_list(ctx_.identity.account));
  if (stored) return EngineOutput{};
  return publish({ctx_.identity.account, 1, ctx_.clock(), {{1, 0, ctx_.identity.identity.public_key}}});
}

Output Linking::republish_if_due() {
  if (ctx_.identity.device != devices::kPrimaryDevice || ctx_.identity.account == 0) return EngineOutput{};
  PARLEY_TRY(const auto stored, ctx_.store.device_list(ctx_.identity.account));
  if (!stored) return EngineOutput{};
  auto list = devices::decode_signed_device_list(stored->signed_list);
  if (!list.ok()) return failed(0, list.error());
  const auto now = ctx_.clock();
  if (now < list->timestamp_ms || now - list->timestamp_ms < kDeviceListRepublishMs) return EngineOutput{};
  list->version += 1;
  list->timestamp_ms = now;
  return publish(*list);
}

// The companion countersigned: the primary checks it and publishes the list with it.
Output Linking::on_confirmation(const wire::LinkConfirmation& confirmation) {
  if (!primary_) return EngineOutput{};
  // The same confirmation again (a duplicate on the way, or the companion confirming twice): done.
  if (const auto& linked = primary_->linked();
      linked && devices::encode_signed_device_identity(*linked) == confirmation.signed_identity)
    return EngineOutput{};
  auto current = own_list();
  if (!current.ok()) return failed(0, current.error());
  auto signed_list = primary_->confirm(confirmation.signed_identity, *current, ctx_.clock(), ctx_.entropy);
  if (!signed_list.ok()) return failed(0, signed_list.error());
  auto list = devices::decode_signed_device_list(*signed_list);
  if (!list.ok()) return failed(0, list.error());
  PARLEY_TRY(auto out, publish(*list));
  const auto device = primary_->linked() ? primary_->linked()->details.device : 0;
  out.events.push_back(LinkedEvent{ctx_.identity.account, device});
  return out;
}

Output Linking::remove(std::uint32_t device) {
  if (ctx_.identity.device != devices::kPrimaryDevice) return core::make_error(Errc::untrusted_identity, "only the primary removes devices");
  PARLEY_TRY(const auto current, own_list());
  PARLEY_TRY(const auto signed_list, primary().remove(device, current, ctx_.clock(), ctx_.entropy));
  PARLEY_TRY(const auto list, devices::decode_signed_device_list(signed_list));
  PARLEY_TRY(auto removal, ctx_.frame(PlainRequest{}, wire::RemoveDevice{device}));
  EngineOutput out;
  out.frames.push_back(std::move(removal));
  PARLEY_TRY(auto published, publish(list));
  out.append(std::move(published));
  return out;
}

}  // namespace parley::client::engine
