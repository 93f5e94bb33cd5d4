// Sending (spec §8.4): device lists fetched and verified, a plan over every device of both
// accounts, bundles for devices without a session, one send frame per destination account, and
// the re-plan when the server finds the devices named do not match.
#include <algorithm>

#include "parley/client/engine.h"
#include "parley/protocol/devices/device_list.h"
#include "parley/protocol/padding.h"
#include "parley/transport/capnp_codec.h"
#include "parley/transport/client_frames.h"
#include "parley/transport/content.h"
#include "parley/transport/frames_capnp.h"
#include "parley/transport/prekey_bundle_codec.h"

namespace parley::client {

using core::Errc;
namespace fanout = protocol::fanout;
namespace devices = protocol::devices;

namespace {

// The server's idempotency key for each of a message's two sends (to the peer, to our own devices).
std::uint64_t client_message_id(std::uint64_t message_id, bool own) { return message_id << 1 | (own ? 1 : 0); }

std::vector<fanout::ListedDevice> listed(const devices::DeviceList& list) {
  std::vector<fanout::ListedDevice> out;
  for (const auto& d : list.devices) out.push_back({d.device, d.identity_key});
  return out;
}

}  // namespace

core::Result<std::pair<std::uint64_t, EngineOutput>> Engine::send_text(std::uint64_t peer_account, std::string text) {
  if (!registered()) return core::make_error(Errc::no_session, "this device is not registered yet");
  PARLEY_TRY(const auto id, store_.take_message_id());
  PendingSend send;
  send.peer = peer_account;
  send.timestamp_ms = clock_();
  send.text = std::move(text);
  const StoredMessage mine{peer_account, Direction::outgoing, identity_.account, identity_.device, id, send.timestamp_ms, send.text};
  PARLEY_CHECK(store_.add_message(mine));
  note_outgoing(peer_account, identity_.device, id, false);
  sends_.emplace(id, std::move(send));
  return std::pair{id, advance()};
}

EngineOutput Engine::advance() {
  EngineOutput out;
  for (auto it = sends_.begin(); it != sends_.end();) {
    const auto id = it->first;
    out.append(advance_send(id, it->second));
    it = sends_.upper_bound(id);  // a failed send removed itself
  }
  return out;
}

EngineOutput Engine::advance_send(std::uint64_t message_id, PendingSend& send) {
  EngineOutput out;
  // Both accounts' lists, verified, before anything is planned.
  bool lists_ready = true;
  for (const auto account : {send.peer, identity_.account}) {
    if (lists_.contains(account)) continue;
    lists_ready = false;
    out.append(fetch_device_list(account));
  }
  if (!lists_ready) return out;

  fanout::FanoutRequest req{{identity_.account, identity_.device}, send.peer, listed(lists_.at(send.peer).list),
                            listed(lists_.at(identity_.account).list), {}};
  // Only a read receipt is for our own devices as well (they mark the chat read, spec §10.2).
  req.copy_to_own_devices = !send.receipt || send.receipt->type == protocol::receipts::Status::read;
  auto sessions = store_.sessions();
  if (!sessions.ok()) return fail_send(message_id, sessions.error());
  for (auto& s : *sessions) {
    // A session built with an earlier incarnation of the device: the device started over. With
    // the same identity key it is rebuilt quietly from a fresh bundle; with another key it stays,
    // so that the planner reports the identity change. A session that came from the device's own
    // first message has no incarnation yet: it takes the list's.
    const auto list = lists_.find(s.account);
    if (list == lists_.end() || !list->second.incarnations.contains(s.device)) {
      req.sessions.push_back({{s.account, s.device}, s.identity_key, s.incarnation});
      continue;
    }
    const auto current = list->second.incarnations.at(s.device);
    const auto* listed_device = list->second.list.find(s.device);
    if (s.incarnation != current && s.incarnation != 0 && listed_device != nullptr &&
        listed_device->identity_key == s.identity_key) {
      (void)store_.delete_session(s.account, s.device);
      continue;
    }
    if (s.incarnation == 0) {
      s.incarnation = current;
      (void)store_.save_session(s);
    }
    req.sessions.push_back({{s.account, s.device}, s.identity_key, s.incarnation});
  }
  auto planned = fanout::plan(req);
  if (!planned.ok()) return fail_send(message_id, planned.error());
  // A device whose identity changed is never written to silently, and the server takes a send
  // only for every device of the account: the message fails until the person accepts the change.
  if (!planned->identity_changes.empty()) {
    for (const auto& change : planned->identity_changes)
      out.events.push_back(IdentityChangeEvent{change.device.account, change.device.device});
    out.append(fail_send(message_id, core::make_error(Errc::untrusted_identity,
                                                      "a device's identity key changed; accept it to write to it")));
    return out;
  }
  send.plan = *planned;

  // Encrypt for every device we can; fetch bundles for those without a session.
  std::map<std::uint64_t, bool> complete;  // account -> every device of it has a ciphertext
  for (const auto& e : planned->encryptions) {
    complete.try_emplace(e.to.account, true);
    if (send.made.contains(e.to)) continue;
    if (e.needs_bundle) {
      complete[e.to.account] = false;
      if (bundles_wanted_.insert(e.to.account).second) {
        auto frame = transport::encode_fetch_prekeys(request(BundleRequest{e.to.account}), e.to.account);
        if (frame.ok()) out.frames.push_back(std::move(*frame));
      }
      continue;
    }
    auto ciphertext = encrypt_for(e, message_id, send);
    if (!ciphertext.ok()) return fail_send(message_id, ciphertext.error());
    send.made.emplace(e.to, std::move(*ciphertext));
  }

  // One send frame per account whose copies are all made.
  for (const auto& [account, ready] : complete) {
    if (!ready || send.in_flight.contains(account) || send.acked.contains(account)) continue;
    std::vector<transport::SendTarget> targets;
    for (const auto& e : planned->encryptions) {
      if (e.to.account != account) continue;
      const auto& known = lists_.at(account).incarnations;
      const auto incarnation = known.contains(e.to.device) ? known.at(e.to.device) : e.incarnation;
      targets.push_back({e.to.device, incarnation, send.made.at(e.to)});
    }
    const bool own = account == identity_.account;
    auto frame = transport::encode_send(request(SendRequest{message_id, account}), client_message_id(message_id, own),
                                        account, targets);
    if (!frame.ok()) return fail_send(message_id, frame.error());
    send.in_flight.insert(account);
    out.frames.push_back(std::move(*frame));
  }
  // Nothing to send to at all (a single-device account writing to itself): done.
  if (complete.empty()) {
    out.append(on_sent(message_id, send));
    sends_.erase(message_id);
  }
  return out;
}

EngineOutput Engine::fetch_device_list(std::uint64_t account) {
  if (!lists_wanted_.insert(account).second) return {};  // already asked
  auto frame = transport::encode_frame(request(ListRequest{account}), 4, [&](wire::Frame::Builder root) {
    root.getBody().initGetDeviceList().setAccountId(account);
  });
  if (!frame.ok()) {
    lists_wanted_.erase(account);
    return {{}, {FailedEvent{0, frame.error()}}};
  }
  return {{std::move(*frame)}, {}};
}

core::Result<core::Bytes> Engine::encrypt_for(const fanout::Encryption& e, std::uint64_t message_id,
                                              const PendingSend& send) {
  transport::Content content{message_id, send.timestamp_ms, send.text, std::nullopt, send.receipt};
  // A receipt is the same for both accounts: it names its chat itself.
  if (e.payload == fanout::Payload::sent_to_own_device && !send.receipt) content.sent_to = send.peer;
  return encrypt_content(e.to, content);
}

core::Result<core::Bytes> Engine::encrypt_content(const fanout::DeviceAddress& to, const transport::Content& content,
                                                  std::uint64_t retry_of) {
  PARLEY_TRY(auto stored, store_.session(to.account, to.device));
  if (!stored) return core::make_error(Errc::no_session, "no session with a device the plan says has one");
  PARLEY_TRY(const auto encoded, transport::encode_content(content));
  PARLEY_TRY(const auto padded, protocol::pad_plaintext(encoded, entropy_));
  const transport::CapnpCodec codec;
  PARLEY_TRY(const auto message, protocol::session_encrypt(stored->record, padded, codec));
  PARLEY_CHECK(store_.save_session(*stored));  // the ratchet moved: saved before the ciphertext leaves
  return transport::encode_device_ciphertext(message, retry_of);
}

EngineOutput Engine::on_device_list(const transport::DecodedFrame& frame) {
  struct Received {
    std::uint64_t account;
    core::Bytes signed_list;
    std::map<std::uint32_t, std::uint64_t> incarnations;
  };
  auto got = transport::read_frame(frame, [](wire::Frame::Reader r) -> core::Result<Received> {
    auto d = r.getBody().getDeviceList();
    Received out{d.getAccountId(), core::Bytes(d.getSignedList().begin(), d.getSignedList().end()), {}};
    for (auto i : d.getIncarnations()) out.incarnations[i.getDeviceId()] = i.getIncarnation();
    return out;
  });
  if (!got.ok()) return {};
  lists_wanted_.erase(got->account);
  // The account key: the one trusted before, else (first contact) the list's own primary entry.
  auto stored = store_.device_list(got->account);
  if (!stored.ok()) return {{}, {FailedEvent{0, stored.error()}}};
  devices::DeviceListCheck check{got->account, {}, std::nullopt, clock_()};
  if (stored->has_value()) {
    check.primary_identity = (*stored)->account_key;
    check.known_version = (*stored)->version;
  } else {
    auto body = devices::decode_signed_device_list(got->signed_list);
    if (!body.ok()) return {{}, {FailedEvent{0, body.error()}}};
    check.primary_identity = body->devices.front().identity_key;
  }
  auto verified = devices::verify_device_list(got->signed_list, check);
  if (!verified.ok()) {
    EngineOutput out;
    if (verified.code() == Errc::untrusted_identity) out.events.push_back(IdentityChangeEvent{got->account, 1});
    for (auto it = sends_.begin(); it != sends_.end();) {
      const auto id = it->first;
      if (it->second.peer == got->account || got->account == identity_.account) out.append(fail_send(id, verified.error()));
      it = sends_.upper_bound(id);
    }
    return out;
  }
  auto saved = store_.save_device_list({got->account, verified->version, check.primary_identity, got->signed_list});
  if (!saved.ok()) return {{}, {FailedEvent{0, saved.error()}}};
  lists_[got->account] = KnownList{std::move(*verified), std::move(got->incarnations)};
  return advance();
}

EngineOutput Engine::on_bundles(const transport::DecodedFrame& frame) {
  struct Received {
    std::uint64_t account;
    std::vector<std::pair<std::uint64_t, protocol::PreKeyBundle>> bundles;  // incarnation, bundle
  };
  auto got = transport::read_frame(frame, [](wire::Frame::Reader r) -> core::Result<Received> {
    auto b = r.getBody().getPreKeyBundles();
    Received out{b.getAccountId(), {}};
    for (auto w : b.getBundles()) {
      PARLEY_TRY(auto bundle, transport::read_prekey_bundle(w));
      if (bundle) out.bundles.emplace_back(w.getIncarnation(), std::move(*bundle));  // none: nothing uploaded yet
    }
    return out;
  });
  if (!got.ok()) return {};
  bundles_wanted_.erase(got->account);
  const auto list = lists_.find(got->account);
  for (const auto& [incarnation, bundle] : got->bundles) {
    // Only devices the verified list names, with the identity key it names: a server cannot slip
    // a key of its own in through a bundle.
    const auto* listed_device = list == lists_.end() ? nullptr : list->second.list.find(bundle.device_id);
    if (listed_device == nullptr || listed_device->identity_key != bundle.identity_key) continue;
    auto existing = store_.session(got->account, bundle.device_id);
    if (!existing.ok()) continue;
    if (existing->has_value()) continue;  // a session came in meanwhile (their prekey message)
    StoredSession session{got->account, bundle.device_id, incarnation, bundle.identity_key, {}};
    if (!protocol::verify_bundle(bundle).ok()) continue;
    if (!protocol::start_session(session.record, identity_.identity, protocol::RegistrationId{identity_.registration_id},
                                 bundle, entropy_)
             .ok())
      continue;
    (void)store_.save_session(session);
  }
  return advance();
}

EngineOutput Engine::on_send_ack(std::uint64_t message_id, std::uint64_t account, std::uint64_t server_id) {
  // Remembered (boundedly) so that a device asking for a retry can name the message by it.
  if (server_id != 0 && sent_by_server_id_.emplace(server_id, message_id).second) {
    sent_order_.push_back(server_id);
    responder_.on_sent(server_id);
    if (sent_order_.size() > protocol::retry::kMaxTrackedMessages) {
      sent_by_server_id_.erase(sent_order_.front());
      sent_order_.pop_front();
    }
  }
  auto it = sends_.find(message_id);
  if (it == sends_.end()) return {};
  auto& send = it->second;
  send.in_flight.erase(account);
  send.acked.insert(account);
  std::set<std::uint64_t> destinations;
  if (send.plan)
    for (const auto& e : send.plan->encryptions) destinations.insert(e.to.account);
  if (!std::includes(send.acked.begin(), send.acked.end(), destinations.begin(), destinations.end())) return {};
  auto out = on_sent(message_id, send);
  sends_.erase(it);
  return out;
}

EngineOutput Engine::on_error(const Request& request, const transport::DecodedFrame& frame) {
  struct Refusal {
    wire::ErrorCode code;
    std::string detail;
    fanout::Mismatch mismatch;
  };
  auto refusal = transport::read_frame(frame, [](wire::Frame::Reader r) -> core::Result<Refusal> {
    auto e = r.getBody().getError();
    Refusal out{e.getCode(), e.getDetail().cStr(), {}};
    for (auto id : e.getMissingDevices()) out.mismatch.missing.push_back(id);
    for (auto id : e.getExtraDevices()) out.mismatch.extra.push_back(id);
    for (auto id : e.getStaleDevices()) out.mismatch.stale.push_back(id);
    return out;
  });
  if (!refusal.ok()) return {};
  const auto error = core::make_error(Errc::internal, "the server refused: " + refusal->detail);
  if (const auto* list = std::get_if<ListRequest>(&request)) {
    lists_wanted_.erase(list->account);
    EngineOutput out;
    for (auto it = sends_.begin(); it != sends_.end();) {
      const auto id = it->first;
      if (it->second.peer == list->account || list->account == identity_.account) out.append(fail_send(id, error));
      it = sends_.upper_bound(id);
    }
    return out;
  }
  if (const auto* bundles = std::get_if<BundleRequest>(&request)) {
    bundles_wanted_.erase(bundles->account);
    return {};
  }
  const auto* send_request = std::get_if<SendRequest>(&request);
  if (send_request == nullptr) return {{}, {FailedEvent{0, error}}};
  auto it = sends_.find(send_request->message_id);
  if (it == sends_.end()) return {};
  auto& send = it->second;
  send.in_flight.erase(send_request->account);
  if (refusal->code != wire::ErrorCode::DEVICE_MISMATCH || !send.plan) return fail_send(send_request->message_id, error);
  if (++send.replans > kMaxReplans)
    return fail_send(send_request->message_id,
                     core::make_error(Errc::device_mismatch, "the account's device list and the server disagree: " + refusal->detail));
  // Re-plan that account alone: keep the copies still valid, drop the extra, and encrypt anew
  // for missing and stale devices once the list and their bundles are fresh.
  refusal->mismatch.account = send_request->account;
  auto replanned = fanout::replan(*send.plan, {identity_.account, identity_.device}, refusal->mismatch);
  if (!replanned.ok()) return fail_send(send_request->message_id, replanned.error());
  // Sessions are not dropped here: the fresh list and its incarnations decide (advance_send), so
  // that a device that came back with another identity key is reported, never quietly rebuilt.
  for (const auto& a : replanned->drop) send.made.erase(a);
  for (const auto& a : replanned->encrypt_fresh) send.made.erase(a);
  lists_.erase(send_request->account);  // fetched and verified again before the retry
  return advance();
}

core::Result<void> Engine::accept_identity(std::uint64_t account, std::uint32_t device) {
  return store_.delete_session(account, device);
}

EngineOutput Engine::fail_send(std::uint64_t message_id, core::Error error) {
  auto it = sends_.find(message_id);
  const bool receipt = it != sends_.end() && it->second.receipt.has_value();
  if (it != sends_.end()) sends_.erase(it);
  // A receipt that cannot go is dropped (later receipts say as much); a message stays in the
  // outbox, to be tried again after a restart (say, once the person accepted a new key).
  if (receipt) (void)store_.delete_pending_receipt(message_id);
  // A receipt is not a message the person wrote: its failure names no message.
  if (receipt) return {{}, {FailedEvent{0, core::make_error(error.code, "a receipt was not sent: " + error.detail)}}};
  return {{}, {FailedEvent{message_id, std::move(error)}}};
}

}  // namespace parley::client
