// spec §7.2: dispatch of client frames and the requests that are not sends, acks or delivery.
#include "parley/server/handler/frame_handler.h"

#include <algorithm>
#include <string>

#include "parley/crypto/xeddsa.h"
#include "parley/protocol/devices/device_list.h"
#include "replies.h"

namespace parley::server {

using core::Errc;
using Which = wire::Frame::Body::Which;

void HandlerOutput::append(HandlerOutput other) {
  for (auto& r : other.replies) replies.push_back(std::move(r));
  for (auto& p : other.pushes) pushes.push_back(std::move(p));
  for (auto& m : other.new_mail) new_mail.push_back(m);
  for (auto& r : other.removed) removed.push_back(r);
  if (!close && other.close) close = std::move(other.close);
  logged_in = logged_in || other.logged_in;
  delivered += other.delivered;
}

namespace {

core::Bytes to_bytes(capnp::Data::Reader d) { return core::Bytes(d.begin(), d.end()); }

core::Error unauthorized(const std::string& detail) { return core::make_error(Errc::untrusted_identity, detail); }

core::Error not_logged_in() { return unauthorized("not logged in"); }

// A register (or linkDevice) frame's keys, with the identity key's signature over the Noise key
// checked, so that nobody binds an identity to a Noise key it did not sign.
core::Result<DeviceKeys> signed_device_keys(wire::Register::Reader r) {
  DeviceKeys k{to_bytes(r.getIdentityKey()), to_bytes(r.getNoiseStaticKey()), r.getRegistrationId()};
  const auto signature = to_bytes(r.getNoiseKeySignature());
  PARLEY_TRY(const auto identity, crypto::parse_public_key(k.identity_key));
  PARLEY_CHECK(crypto::xeddsa_verify(identity, k.noise_static_key, signature));
  return k;
}

core::Error not_primary(const char* what) {
  return unauthorized(std::string("only the account's primary device ") + what);
}

}  // namespace

HandlerOutput FrameHandler::logged_in(SessionState& session, const DeviceRecord& record, std::uint32_t request_id,
                                     core::BytesView link_approval) {
  session.device = MailboxAddress{record.account, record.device, record.incarnation};
  HandlerOutput out;
  out.replies.push_back(replies::or_internal(request_id, transport::encode_frame(request_id, 16 + link_approval.size() / 8, [&](wire::Frame::Builder root) {
    auto l = root.getBody().initLoggedIn();
    l.setAccountId(record.account.value);
    l.setDeviceId(record.device.value);
    l.setIncarnation(record.incarnation.value);
    if (!link_approval.empty()) l.setLinkApproval({link_approval.data(), link_approval.size()});
  })));
  out.logged_in = true;
  return out;
}

// A device is its Noise static key: the claim must name the device that key is registered to.
core::Result<DeviceRecord> FrameHandler::authenticate(const SessionState& session,
                                                      const transport::channel::DeviceCredentials& claim) {
  auto record = store_.device_by_noise_key(session.noise_static_key);
  if (!record.ok()) {
    if (record.code() == Errc::not_found) return unauthorized("no device has this Noise key");
    return record.error();
  }
  if (record->account.value != claim.account_id || record->device.value != claim.device_id)
    return unauthorized("the Noise key belongs to another device");
  return record;
}

HandlerOutput FrameHandler::on_established(SessionState& session) {
  if (!session.claim.registered()) return {};
  auto record = authenticate(session, session.claim);
  if (!record.ok()) return replies::refuse(0, record.error(), true);
  return logged_in(session, *record, 0);
}

HandlerOutput FrameHandler::handle(SessionState& session, const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  switch (static_cast<Which>(frame.kind())) {
    case Which::REGISTER: return registration(session, frame);
    case Which::LOGIN: return login(session, frame);
    default: break;
  }
  if (!session.device) return replies::refuse(id, not_logged_in());
  switch (static_cast<Which>(frame.kind())) {
    case Which::UPLOAD_PRE_KEYS: return upload_prekeys(session, frame);
    case Which::FETCH_PRE_KEYS: return fetch_prekeys(frame);
    case Which::GET_DEVICE_LIST: return get_device_list(frame);
    case Which::PUT_DEVICE_LIST: return put_device_list(session, frame);
    case Which::LINK_DEVICE: return link_device(session, frame);
    case Which::REMOVE_DEVICE: return remove_device(session, frame);
    case Which::LINK_APPROVAL: return link_approval(session, frame);
    case Which::LINK_CONFIRMATION: return link_confirmation(session, frame);
    case Which::RETRY_REQUEST: return retry_request(session, frame);
    case Which::BLOB_UPLOAD: return blob_upload(frame);
    case Which::BLOB_DOWNLOAD: return blob_download(frame);
    case Which::SEND: {
      auto prepared = prepare_send(session, frame);
      if (auto* refused = std::get_if<HandlerOutput>(&prepared)) return std::move(*refused);
      const auto& pending = std::get<PendingSend>(prepared);
      return finish_send(pending, store_.commit_send(pending.send));
    }
    case Which::ACK: {
      auto prepared = prepare_ack(session, frame);
      if (auto* refused = std::get_if<HandlerOutput>(&prepared)) return std::move(*refused);
      const MessageAck ack = std::get<MessageAck>(prepared);
      auto done = store_.acknowledge({&ack, 1});
      if (!done.ok()) return replies::refuse(id, done.error());
      return pump(session);
    }
    case Which::RECEIPT:
      // Retired: receipts are end-to-end encrypted contents sent like any message (spec §10.2),
      // so that the server learns no more from them than from a message.
      return replies::refuse(id, core::make_error(Errc::unsupported, "receipt relay frames; send receipts as messages"));
    default:
      // A frame only the server sends (loggedIn, deliver, sendAck, ...): a confused or hostile
      // client, which the server does not argue with.
      return replies::refuse(id, core::make_error(Errc::malformed, "a server frame sent by a client"), true);
  }
}

// Registration of a new account with its primary device: the Noise key in the frame must be the
// one the handshake proved, and the identity key must sign it, so nobody registers a key they do
// not hold or binds someone else's identity to their connection.
HandlerOutput FrameHandler::registration(SessionState& session, const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  if (session.device) return replies::refuse(id, core::make_error(Errc::conflict, "already logged in"));
  auto keys = transport::read_frame(frame, [&](wire::Frame::Reader root) -> core::Result<DeviceKeys> {
    auto r = root.getBody().getRegister();
    if (to_bytes(r.getNoiseStaticKey()) != session.noise_static_key)
      return unauthorized("the Noise key to register is not the one this connection proved");
    return signed_device_keys(r);
  });
  if (!keys.ok()) return replies::refuse(id, keys.error());
  auto record = store_.create_account(*keys);
  if (!record.ok() && record.code() == Errc::conflict) {
    // The same registration again (its reply was lost to a dropped connection or a crash): the
    // account it created is the answer. Any other use of a registered Noise key stays a conflict.
    auto existing = store_.device_by_noise_key(keys->noise_static_key);
    if (existing.ok() && existing->device == kPrimaryDeviceId && existing->keys == *keys) record = std::move(existing);
  }
  if (!record.ok()) return replies::refuse(id, record.error());
  return logged_in(session, *record, id);
}

// The handshake already logs a device in by its claim; login states it again (or first, for a
// client that connected as unregistered and learnt its ids elsewhere).
HandlerOutput FrameHandler::login(SessionState& session, const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  auto claim = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<transport::channel::DeviceCredentials> {
    auto l = root.getBody().getLogin();
    return transport::channel::DeviceCredentials{l.getAccountId(), l.getDeviceId()};
  });
  if (!claim.ok()) return replies::refuse(id, claim.error());
  if (!claim->registered()) {
    // Login by key alone (spec §8.2): a companion that showed its QR code does not know its ids
    // until its primary linked it; the key its handshake proved says which device it is.
    // Asked again (the companion polls until its approval is there), it answers again.
    auto record = store_.device_by_noise_key(session.noise_static_key);
    if (!record.ok()) return replies::refuse(id, record.error());
    core::Bytes approval;
    if (auto pending = approvals_.find(session.noise_static_key); pending != approvals_.end()) {
      if (store_.now() - pending->second.stored_at_ms <= kApprovalLifetimeMs) approval = std::move(pending->second.approval);
      approvals_.erase(pending);
    }
    const bool already = session.device.has_value();
    auto out = logged_in(session, *record, id, approval);
    out.logged_in = !already;  // only a new login starts delivery
    return out;
  }
  auto record = authenticate(session, *claim);
  if (!record.ok()) return replies::refuse(id, record.error());
  if (session.device && (session.device->account != record->account || session.device->device != record->device))
    return replies::refuse(id, core::make_error(Errc::conflict, "logged in as another device"));
  const bool already = session.device.has_value();
  auto out = logged_in(session, *record, id);
  out.logged_in = !already;  // only a new login starts delivery
  return out;
}

// The primary links a companion whose keys it has scanned (the multi-device chapter's QR code): the
// companion then logs in with its own Noise key under the new device id. Its incarnation is new, so
// it never sees a queue that an earlier holder of that device id left.
HandlerOutput FrameHandler::link_device(SessionState& session, const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  if (session.device->device != kPrimaryDeviceId) return replies::refuse(id, not_primary("links devices"));
  auto keys = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<DeviceKeys> {
    return signed_device_keys(root.getBody().getLinkDevice());
  });
  if (!keys.ok()) return replies::refuse(id, keys.error());
  auto record = store_.link_device(session.device->account, *keys);
  if (!record.ok()) return replies::refuse(id, record.error());
  HandlerOutput out;
  out.replies.push_back(replies::or_internal(id, transport::encode_frame(id, 8, [&](wire::Frame::Builder root) {
    auto l = root.getBody().initDeviceLinked();
    l.setAccountId(record->account.value);
    l.setDeviceId(record->device.value);
    l.setIncarnation(record->incarnation.value);
  })));
  return out;
}

// The primary removes a companion: its mailbox, prekeys and idempotency keys go (spec §7.1), its
// Noise key logs in no more, and its live session, if any, hears `unauthorized` and is closed.
HandlerOutput FrameHandler::remove_device(SessionState& session, const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  if (session.device->device != kPrimaryDeviceId) return replies::refuse(id, not_primary("removes devices"));
  auto device = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<DeviceId> {
    return DeviceId{root.getBody().getRemoveDevice().getDeviceId()};
  });
  if (!device.ok()) return replies::refuse(id, device.error());
  if (*device == kPrimaryDeviceId)
    return replies::refuse(id, core::make_error(Errc::malformed, "the primary device is the account; it cannot be removed"));
  auto removed = store_.remove_device(session.device->account, *device);
  if (!removed.ok()) return replies::refuse(id, removed.error());
  HandlerOutput out;
  out.replies.push_back(replies::ok(id));
  out.removed.push_back({session.device->account, *device});
  return out;
}

// The primary hands the server its approval for a companion it linked; the companion receives it
// with its first login by key. The server cannot read or forge it (spec §8.2).
HandlerOutput FrameHandler::link_approval(SessionState& session, const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  if (session.device->device != kPrimaryDeviceId) return replies::refuse(id, not_primary("approves devices"));
  struct Approval {
    DeviceId device;
    core::Bytes bytes;
  };
  auto approval = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<Approval> {
    auto a = root.getBody().getLinkApproval();
    if (a.getApproval().size() > 512) return core::make_error(Errc::malformed, "an approval is 153 bytes");
    return Approval{DeviceId{a.getDeviceId()}, to_bytes(a.getApproval())};
  });
  if (!approval.ok()) return replies::refuse(id, approval.error());
  auto companion = store_.device(session.device->account, approval->device);
  if (!companion.ok()) return replies::refuse(id, companion.error());
  const auto now = store_.now();
  std::erase_if(approvals_, [&](const auto& entry) { return now - entry.second.stored_at_ms > kApprovalLifetimeMs; });
  if (approvals_.size() >= kMaxPendingApprovals && !approvals_.contains(companion->keys.noise_static_key))
    return replies::refuse(id, core::make_error(Errc::limit_exceeded, "too many links waiting; try again in a minute"));
  approvals_[companion->keys.noise_static_key] = {std::move(approval->bytes), now};
  HandlerOutput out;
  out.replies.push_back(replies::ok(id));
  return out;
}

// The companion's countersigned identity goes to its primary, which publishes the new list.
HandlerOutput FrameHandler::link_confirmation(SessionState& session, const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  if (session.device->device == kPrimaryDeviceId)
    return replies::refuse(id, core::make_error(Errc::malformed, "the primary confirms no link"));
  auto identity = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<core::Bytes> {
    auto c = root.getBody().getLinkConfirmation();
    if (c.getSignedIdentity().size() > 512) return core::make_error(Errc::malformed, "a signed identity is 152 bytes");
    return to_bytes(c.getSignedIdentity());
  });
  if (!identity.ok()) return replies::refuse(id, identity.error());
  HandlerOutput out;
  out.replies.push_back(replies::ok(id));
  out.pushes.emplace_back(DeviceAddress{session.device->account, kPrimaryDeviceId},
                          replies::or_internal(0, transport::encode_frame(0, 32, [&](wire::Frame::Builder root) {
                            auto c = root.getBody().initLinkConfirmation();
                            c.setDeviceId(session.device->device.value);
                            c.setSignedIdentity({identity->data(), identity->size()});
                          })));
  return out;
}

// A device that could not decrypt a message asks its sender device to send it again (spec §8.5):
// relayed as a push with the asking device filled in by the server, which the sender can trust.
HandlerOutput FrameHandler::retry_request(SessionState& session, const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  auto pushed = transport::read_frame(frame, [&](wire::Frame::Reader root) -> core::Result<std::pair<DeviceAddress, core::Bytes>> {
    auto r = root.getBody().getRetryRequest();
    const DeviceAddress to{AccountId{r.getAccount()}, DeviceId{r.getDevice()}};
    capnp::MallocMessageBuilder copy(64);
    copy.setRoot(root);
    auto out = copy.getRoot<wire::Frame>();
    out.setRequestId(0);
    out.getBody().getRetryRequest().setAccount(session.device->account.value);
    out.getBody().getRetryRequest().setDevice(session.device->device.value);
    PARLEY_TRY(auto bytes, transport::encode_frame(copy));
    return std::pair{to, std::move(bytes)};
  });
  if (!pushed.ok()) return replies::refuse(id, pushed.error());
  HandlerOutput out;
  out.replies.push_back(replies::ok(id));
  out.pushes.push_back(std::move(*pushed));
  return out;
}

HandlerOutput FrameHandler::upload_prekeys(SessionState& session, const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  auto upload = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<PreKeyUpload> {
    auto u = root.getBody().getUploadPreKeys();
    PreKeyUpload out;
    if (u.hasSignedPreKey()) {
      auto s = u.getSignedPreKey();
      out.signed_prekey = SignedPreKey{PreKeyId{s.getId()}, to_bytes(s.getPublicKey()), to_bytes(s.getSignature())};
    }
    for (auto k : u.getOneTimePreKeys()) out.one_time_prekeys.push_back({PreKeyId{k.getId()}, to_bytes(k.getPublicKey())});
    return out;
  });
  if (!upload.ok()) return replies::refuse(id, upload.error());
  auto stock = store_.upload_prekeys(session.device->account, session.device->device, *upload);
  if (!stock.ok()) return replies::refuse(id, stock.error());
  HandlerOutput out;
  out.replies.push_back(replies::ok(id));
  return out;
}

HandlerOutput FrameHandler::fetch_prekeys(const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  auto account = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<AccountId> {
    return AccountId{root.getBody().getFetchPreKeys().getAccountId()};
  });
  if (!account.ok()) return replies::refuse(id, account.error());
  auto bundles = store_.fetch_prekey_bundles(*account);
  if (!bundles.ok()) return replies::refuse(id, bundles.error());
  HandlerOutput out;
  std::size_t words = 8;
  for (const auto& b : *bundles) words += 40 + b.identity_key.size() / 8;
  out.replies.push_back(replies::or_internal(id, transport::encode_frame(id, words, [&](wire::Frame::Builder root) {
    auto reply = root.getBody().initPreKeyBundles();
    reply.setAccountId(account->value);
    auto list = reply.initBundles(static_cast<unsigned>(bundles->size()));
    for (unsigned i = 0; i < bundles->size(); ++i) {
      const auto& b = (*bundles)[i];
      auto w = list[i];
      w.setDeviceId(b.device.value);
      w.setIncarnation(b.incarnation.value);
      w.setRegistrationId(b.registration_id);
      w.setIdentityKey({b.identity_key.data(), b.identity_key.size()});
      if (b.signed_prekey) {
        auto s = w.initSignedPreKey();
        s.setId(b.signed_prekey->id.value);
        s.setPublicKey({b.signed_prekey->public_key.data(), b.signed_prekey->public_key.size()});
        s.setSignature({b.signed_prekey->signature.data(), b.signed_prekey->signature.size()});
      }
      if (b.one_time_prekey) {
        auto k = w.initOneTimePreKey();
        k.setId(b.one_time_prekey->id.value);
        k.setPublicKey({b.one_time_prekey->public_key.data(), b.one_time_prekey->public_key.size()});
      }
    }
  })));
  // A device whose stock fell below the threshold hears about it (spec §7.2), if it is online.
  for (const auto& b : *bundles) {
    if (b.remaining_one_time_prekeys >= store_.settings().prekeys_low_threshold) continue;
    out.pushes.emplace_back(DeviceAddress{*account, b.device},
                            replies::error(0, wire::ErrorCode::PREKEYS_LOW,
                                           std::to_string(b.remaining_one_time_prekeys) + " one-time prekeys left"));
  }
  return out;
}

HandlerOutput FrameHandler::get_device_list(const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  auto account = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<AccountId> {
    return AccountId{root.getBody().getGetDeviceList().getAccountId()};
  });
  if (!account.ok()) return replies::refuse(id, account.error());
  auto list = store_.device_list(*account);
  if (!list.ok()) return replies::refuse(id, list.error());
  auto devices = store_.devices(*account);
  if (!devices.ok()) return replies::refuse(id, devices.error());
  HandlerOutput out;
  const std::size_t words = 16 + list->signed_list.size() / 8 + 2 * devices->size();
  out.replies.push_back(replies::or_internal(id, transport::encode_frame(id, words, [&](wire::Frame::Builder root) {
    auto d = root.getBody().initDeviceList();
    d.setAccountId(account->value);
    d.setSignedList({list->signed_list.data(), list->signed_list.size()});
    d.setVersion(list->version);
    // Not signed: the server's own registry, so that a sender names each device's current incarnation.
    auto incarnations = d.initIncarnations(static_cast<unsigned>(devices->size()));
    for (unsigned i = 0; i < devices->size(); ++i) {
      incarnations[i].setDeviceId((*devices)[i].device.value);
      incarnations[i].setIncarnation((*devices)[i].incarnation.value);
    }
  })));
  return out;
}

// Only the primary device publishes its account's list, and only a list that the account key (the
// primary's identity key) signed, for this account, no older than the stored one (spec §8.3): the
// server cannot be made to serve a forged or rolled-back list, whoever holds the connection.
HandlerOutput FrameHandler::put_device_list(SessionState& session, const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  auto list = transport::read_frame(frame, [&](wire::Frame::Reader root) -> core::Result<SignedDeviceList> {
    auto d = root.getBody().getPutDeviceList();
    if (d.getAccountId() != session.device->account.value || session.device->device != kPrimaryDeviceId)
      return not_primary("publishes its device list");
    return SignedDeviceList{d.getVersion(), to_bytes(d.getSignedList())};
  });
  if (!list.ok()) return replies::refuse(id, list.error());
  auto verified = verify_device_list(session.device->account, *list);
  if (!verified.ok()) return replies::refuse(id, verified.error());
  auto put = store_.put_device_list(session.device->account, *list);
  if (!put.ok()) return replies::refuse(id, put.error());
  HandlerOutput out;
  out.replies.push_back(replies::ok(id));
  return out;
}

core::Result<void> FrameHandler::verify_device_list(AccountId account, const SignedDeviceList& list) {
  PARLEY_TRY(const auto primary, store_.device(account, kPrimaryDeviceId));
  PARLEY_TRY(const auto account_key, crypto::parse_public_key(primary.keys.identity_key));
  protocol::devices::DeviceListCheck check{account.value, account_key, std::nullopt, store_.now()};
  if (auto stored = store_.device_list(account); stored.ok()) check.known_version = stored->version;
  PARLEY_TRY(const auto verified, protocol::devices::verify_device_list(list.signed_list, check));
  if (verified.version != list.version)
    return core::make_error(Errc::malformed, "the frame's version is not the signed list's");
  return {};
}

HandlerOutput FrameHandler::blob_upload(const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  auto chunk = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<BlobChunk> {
    auto b = root.getBody().getBlobUpload();
    return BlobChunk{to_bytes(b.getContentHash()), b.getOffset(), b.getTotalSize(), to_bytes(b.getData())};
  });
  if (!chunk.ok()) return replies::refuse(id, chunk.error());
  auto state = store_.put_blob_chunk(*chunk);
  if (!state.ok()) return replies::refuse(id, state.error());
  HandlerOutput out;
  out.replies.push_back(replies::ok(id));
  return out;
}

HandlerOutput FrameHandler::blob_download(const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  struct Range {
    core::Bytes hash;
    std::uint64_t offset, length;
  };
  auto range = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<Range> {
    auto b = root.getBody().getBlobDownload();
    return Range{to_bytes(b.getContentHash()), b.getOffset(), b.getLength()};
  });
  if (!range.ok()) return replies::refuse(id, range.error());
  auto state = store_.blob_state(range->hash);
  if (!state.ok()) return replies::refuse(id, state.error());
  auto data = store_.read_blob(range->hash, range->offset, range->length);
  if (!data.ok()) return replies::refuse(id, data.error());
  HandlerOutput out;
  out.replies.push_back(replies::or_internal(id, transport::encode_frame(id, 16 + data->size() / 8, [&](wire::Frame::Builder root) {
    auto b = root.getBody().initBlobData();
    b.setContentHash({range->hash.data(), range->hash.size()});
    b.setOffset(range->offset);
    b.setTotalSize(state->total_size);
    b.setData({data->data(), data->size()});
  })));
  return out;
}

}  // namespace parley::server
