// Linking (spec §8.2) through the server: the companion's QR code, the primary's linkDevice and
// approval, the companion's login by key and confirmation, and the primary's new device list; and
// removal. The state machines are protocol/devices; this is where their messages travel.
#include "parley/client/engine.h"
#include "parley/crypto/xeddsa.h"
#include "parley/transport/client_frames.h"
#include "parley/transport/frames_capnp.h"

namespace parley::client {

using core::Errc;
namespace devices = protocol::devices;

core::Result<std::string> Engine::start_link(core::Bytes server_ref) {
  if (registered()) return core::make_error(Errc::conflict, "this device already belongs to an account");
  PARLEY_TRY(auto linker, devices::CompanionLinker::start(identity_.identity, identity_.noise.public_key,
                                                          identity_.registration_id, std::move(server_ref), clock_(),
                                                          entropy_));
  companion_link_.emplace(std::move(linker));
  return companion_link_->qr_text();
}

core::Result<core::Bytes> Engine::login_by_key_frame() {
  return transport::encode_frame(request(Plain{}), 4, [](wire::Frame::Builder root) {
    auto l = root.getBody().initLogin();
    l.setAccountId(0);
    l.setDeviceId(0);
  });
}

core::Result<EngineOutput> Engine::link(std::string_view qr_text) {
  if (identity_.device != devices::kPrimaryDevice) return core::make_error(Errc::untrusted_identity, "only the primary links devices");
  if (!primary_link_) primary_link_.emplace(identity_.identity, identity_.account, identity_.next_key_index);
  PARLEY_TRY(const auto offer, primary_link_->scan(qr_text, clock_()));
  const auto identity_key = crypto::serialize_public_key(offer.identity_key);
  const transport::RegisterRequest keys{identity_key, offer.noise_key, offer.noise_key_signature, offer.registration_id};
  PARLEY_TRY(auto frame, transport::encode_link_device(request(LinkRequest{}), keys));
  EngineOutput out;
  out.frames.push_back(std::move(frame));
  return out;
}

// The server linked the companion: approve it, under the device id the server gave it.
EngineOutput Engine::on_device_linked(const transport::DecodedFrame& frame) {
  auto fail = [](const core::Error& e) { return EngineOutput{{}, {FailedEvent{0, e}}}; };
  auto device = transport::read_frame(frame, [](wire::Frame::Reader r) -> core::Result<std::uint32_t> {
    return r.getBody().getDeviceLinked().getDeviceId();
  });
  if (!device.ok() || !primary_link_) return {};
  auto approval = primary_link_->approve(*device, clock_(), entropy_);
  if (!approval.ok()) return fail(approval.error());
  identity_.next_key_index = primary_link_->next_key_index();
  if (auto saved = store_.save_identity(identity_); !saved.ok()) return fail(saved.error());
  auto out_frame = transport::encode_frame(request(Plain{}), 32, [&](wire::Frame::Builder root) {
    auto a = root.getBody().initLinkApproval();
    a.setDeviceId(*device);
    a.setApproval(capnp::Data::Reader(approval->data(), approval->size()));
  });
  if (!out_frame.ok()) return fail(out_frame.error());
  return {{std::move(*out_frame)}, {}};
}

// Logged in: as a companion's first login by key, the approval comes with it.
EngineOutput Engine::on_logged_in_frame(const transport::DecodedFrame& frame) {
  struct Ids {
    std::uint64_t account, incarnation;
    std::uint32_t device;
    core::Bytes approval;
  };
  auto ids = transport::read_frame(frame, [](wire::Frame::Reader r) -> core::Result<Ids> {
    auto l = r.getBody().getLoggedIn();
    return Ids{l.getAccountId(), l.getIncarnation(), l.getDeviceId(),
               core::Bytes(l.getLinkApproval().begin(), l.getLinkApproval().end())};
  });
  if (!ids.ok()) return {};
  EngineOutput out;
  std::optional<core::Bytes> confirmation;
  if (companion_link_ && !registered()) {
    // Linked at the server but the approval not there yet: the next login by key brings it.
    if (ids->approval.empty()) return {};
    auto linked = companion_link_->on_approval(ids->approval, entropy_);
    if (!linked.ok()) return {{}, {FailedEvent{0, linked.error()}}};
    if (linked->account != ids->account || linked->device != ids->device)
      return {{}, {FailedEvent{0, core::make_error(Errc::untrusted_identity, "the approval names another device")}}};
    identity_.account_key = linked->primary_identity;
    confirmation = linked->signed_identity;
    companion_link_.reset();
    out.events.push_back(LinkedEvent{ids->account, ids->device});
  }
  identity_.account = ids->account;
  identity_.device = ids->device;
  identity_.incarnation = ids->incarnation;
  if (auto saved = store_.save_identity(identity_); !saved.ok()) return {{}, {FailedEvent{0, saved.error()}}};
  logged_in_ = true;
  if (confirmation) {
    auto frame_out = transport::encode_frame(request(Plain{}), 32, [&](wire::Frame::Builder root) {
      root.getBody().initLinkConfirmation().setSignedIdentity(capnp::Data::Reader(confirmation->data(), confirmation->size()));
    });
    if (frame_out.ok()) out.frames.push_back(std::move(*frame_out));
  }
  out.append(on_logged_in());
  return out;
}

core::Result<devices::DeviceList> Engine::own_list() {
  PARLEY_TRY(const auto stored, store_.device_list(identity_.account));
  if (!stored) return core::make_error(Errc::not_found, "no device list published yet");
  return devices::decode_signed_device_list(stored->signed_list);
}

EngineOutput Engine::publish(const devices::DeviceList& list) {
  auto signed_list = devices::sign_device_list(list, identity_.identity, entropy_);
  if (!signed_list.ok()) return {{}, {FailedEvent{0, signed_list.error()}}};
  auto saved = store_.save_device_list({identity_.account, list.version, identity_.identity.public_key, *signed_list});
  if (!saved.ok()) return {{}, {FailedEvent{0, saved.error()}}};
  device_list_changed(identity_.account);
  auto frame = transport::encode_frame(request(Plain{}), 16 + signed_list->size() / 8, [&](wire::Frame::Builder root) {
    auto d = root.getBody().initPutDeviceList();
    d.setAccountId(identity_.account);
    d.setVersion(list.version);
    d.setSignedList(capnp::Data::Reader(signed_list->data(), signed_list->size()));
  });
  if (!frame.ok()) return {{}, {FailedEvent{0, frame.error()}}};
  return {{std::move(*frame)}, {}};
}

// The companion countersigned: the primary checks it and publishes the list with it.
EngineOutput Engine::on_link_confirmation(const transport::DecodedFrame& frame) {
  auto identity = transport::read_frame(frame, [](wire::Frame::Reader r) -> core::Result<core::Bytes> {
    auto c = r.getBody().getLinkConfirmation();
    return core::Bytes(c.getSignedIdentity().begin(), c.getSignedIdentity().end());
  });
  if (!identity.ok() || !primary_link_) return {};
  // The same confirmation again (a duplicate on the way, or the companion confirming twice): done.
  if (const auto& linked = primary_link_->linked(); linked && devices::encode_signed_device_identity(*linked) == *identity)
    return {};
  auto current = own_list();
  if (!current.ok()) return {{}, {FailedEvent{0, current.error()}}};
  auto signed_list = primary_link_->confirm(*identity, *current, clock_(), entropy_);
  if (!signed_list.ok()) return {{}, {FailedEvent{0, signed_list.error()}}};
  auto list = devices::decode_signed_device_list(*signed_list);
  if (!list.ok()) return {{}, {FailedEvent{0, list.error()}}};
  auto out = publish(*list);
  const auto device = primary_link_->linked() ? primary_link_->linked()->details.device : 0;
  out.events.push_back(LinkedEvent{identity_.account, device});
  return out;
}

core::Result<EngineOutput> Engine::remove_device(std::uint32_t device) {
  if (identity_.device != devices::kPrimaryDevice) return core::make_error(Errc::untrusted_identity, "only the primary removes devices");
  PARLEY_TRY(const auto current, own_list());
  if (!primary_link_) primary_link_.emplace(identity_.identity, identity_.account, identity_.next_key_index);
  PARLEY_TRY(const auto signed_list, primary_link_->remove(device, current, clock_(), entropy_));
  PARLEY_TRY(const auto list, devices::decode_signed_device_list(signed_list));
  PARLEY_TRY(auto removal, transport::encode_remove_device(request(Plain{}), device));
  EngineOutput out;
  out.frames.push_back(std::move(removal));
  out.append(publish(list));
  return out;
}

}  // namespace parley::client
