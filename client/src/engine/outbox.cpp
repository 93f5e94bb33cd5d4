#include "outbox.h"

#include <algorithm>
#include <vector>

namespace parley::client::engine {

using core::Errc;
namespace fanout = protocol::fanout;

namespace {

// The server's idempotency key for each of a message's two sends (to the peer, to our own devices).
std::uint64_t client_message_id(std::uint64_t message_id, bool own) { return message_id << 1 | (own ? 1 : 0); }

std::vector<fanout::ListedDevice> listed(const protocol::devices::DeviceList& list) {
  std::vector<fanout::ListedDevice> out;
  out.reserve(list.devices.size());
  for (const auto& d : list.devices) out.push_back({d.device, d.identity_key});
  return out;
}

// A failure the store caused aborts the input; any other is the send's own.
bool aborts(const core::Error& e) { return e.code == Errc::storage_failure; }

}  // namespace

core::Result<void> Outbox::load() {
  entries_.clear();
  bundles_wanted_.clear();
  PARLEY_TRY(const auto unsent, ctx_.store.unsent(ctx_.identity.account, ctx_.identity.device));
  for (const auto& m : unsent) {
    if (is_group_chat(m.chat)) continue;  // the group part's (group_sends.h)
    OutboxEntry entry{m.chat, m.timestamp_ms, m.body, {}, {}, {}, {}, {}, 0};
    if (!m.media.empty()) {
      auto media = wire::decode_media(m.media);
      if (!media.ok()) return media.error();  // cannot be: this device wrote it
      entry.media = std::move(*media);
    }
    entries_.insert_or_assign(m.message_id, std::move(entry));
  }
  PARLEY_TRY(const auto receipts, ctx_.store.pending_receipts());
  for (const auto& r : receipts) {
    auto content = wire::decode_content(r.content);
    if (!content.ok() || !content->receipt) {  // cannot be: this device wrote it
      PARLEY_CHECK(ctx_.store.delete_pending_receipt(r.id));
      continue;
    }
    entries_.insert_or_assign(r.id, OutboxEntry{r.peer, content->timestamp_ms, {}, std::move(content->receipt), {}, {}, {}, {}, 0});
  }
  return {};
}

core::Result<std::uint64_t> Outbox::add_text(std::uint64_t peer, std::string text) {
  PARLEY_TRY(const auto id, ctx_.store.take_message_id());
  const auto now = ctx_.clock();
  const StoredMessage mine{peer, Direction::outgoing, ctx_.identity.account, ctx_.identity.device, id, now, text};
  PARLEY_CHECK(ctx_.store.add_message(mine));
  ticks_.note_outgoing(peer, ctx_.identity.device, id, false);
  entries_.insert_or_assign(id, OutboxEntry{peer, now, std::move(text), {}, {}, {}, {}, {}, 0});
  return id;
}

core::Result<std::uint64_t> Outbox::add_media(std::uint64_t peer, wire::MediaBody media) {
  PARLEY_TRY(auto kept, wire::encode_media(media));  // checks it as a receiver will
  PARLEY_TRY(const auto id, ctx_.store.take_message_id());
  const auto now = ctx_.clock();
  const StoredMessage mine{peer, Direction::outgoing, ctx_.identity.account, ctx_.identity.device, id, now, {}, std::move(kept)};
  PARLEY_CHECK(ctx_.store.add_message(mine));
  ticks_.note_outgoing(peer, ctx_.identity.device, id, false);
  OutboxEntry entry{peer, now, {}, {}, {}, {}, {}, {}, 0};
  entry.media = std::move(media);
  entries_.insert_or_assign(id, std::move(entry));
  return id;
}

Output Outbox::add_receipt(std::uint64_t peer, wire::ReceiptBody receipt) {
  PARLEY_TRY(const auto id, ctx_.store.take_message_id());
  const auto now = ctx_.clock();
  // Kept until the server has it, so that a restart sends it still (the message it is about was
  // acknowledged to the server already and will not come again).
  auto content = wire::encode_content({id, now, "", std::nullopt, receipt});
  if (!content.ok()) return failed(0, content.error());
  PARLEY_CHECK(ctx_.store.put_pending_receipt({id, peer, std::move(*content)}));
  entries_.insert_or_assign(id, OutboxEntry{peer, now, {}, std::move(receipt), {}, {}, {}, {}, 0});
  return advance();
}

void Outbox::add_distribution(std::uint64_t account, const core::Bytes& group, wire::Content content) {
  (void)group;  // named by the content
  OutboxEntry entry{account, content.timestamp_ms, {}, {}, {}, {}, {}, {}, 0};
  const auto id = content.message_id;
  entry.distribution = std::move(content);
  entries_.insert_or_assign(id, std::move(entry));
}

bool Outbox::distributing(const core::Bytes& group, std::uint64_t account) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const auto& e) {
    return e.second.distribution && e.second.peer == account && e.second.distribution->group->group == group;
  });
}

Output Outbox::advance() {
  return advance_each(entries_, [this](std::uint64_t id, auto& entry) { return advance(id, entry); });
}

Output Outbox::advance(std::uint64_t message_id, OutboxEntry& entry) {
  EngineOutput out;
  // Both accounts' lists, verified, before anything is planned.
  const auto* peer_list = lists_.find(entry.peer);
  const auto* own_list = lists_.find(ctx_.identity.account);
  if (peer_list == nullptr || own_list == nullptr) {
    for (const auto account : {entry.peer, ctx_.identity.account})
      if (lists_.find(account) == nullptr) {
        PARLEY_TRY(auto fetch, lists_.fetch(account));
        out.append(std::move(fetch));
      }
    return out;
  }

  fanout::FanoutRequest request{{ctx_.identity.account, ctx_.identity.device}, entry.peer, listed(peer_list->list),
                                listed(own_list->list), {}};
  // Only a read receipt is for our own devices as well (they mark the chat read, spec §10.2); a
  // sender key goes to the account it names (our own other devices get one of their own).
  request.copy_to_own_devices = !entry.distribution && (!entry.receipt || entry.receipt->type == protocol::receipts::Status::read);
  PARLEY_TRY(request.sessions, sessions_.views(lists_));
  auto planned = fanout::plan(request);
  if (!planned.ok()) return fail(message_id, planned.error());
  // A device whose identity changed is never written to silently, and the server takes a send
  // only for every device of the account: the message fails until the person accepts the change.
  if (!planned->identity_changes.empty()) {
    for (const auto& change : planned->identity_changes)
      out.events.push_back(IdentityChangeEvent{change.device.account, change.device.device});
    PARLEY_TRY(auto failure, fail(message_id, core::make_error(Errc::untrusted_identity,
                                                               "a device's identity key changed; accept it to write to it")));
    out.append(std::move(failure));
    return out;
  }
  entry.plan = *planned;

  // Bundles for the accounts with a device without a session and without a copy made yet (a fetch
  // spends one of each device's one-time prekeys), each fetched once at a time.
  for (const auto account : planned->bundle_fetches) {
    const bool wanted = std::any_of(planned->encryptions.begin(), planned->encryptions.end(), [&](const fanout::Encryption& e) {
      return e.to.account == account && e.needs_bundle && !entry.made.contains(e.to);
    });
    if (!wanted || bundles_wanted_.contains(account)) continue;
    // A server that answers with bundles that cannot be used (another identity key than the list
    // names, or none) does not keep a message fetching without end: it fails, and stays in the
    // store's outbox for the next start.
    if (++entry.bundle_fetches > kMaxBundleFetches) {
      PARLEY_TRY(auto failure, fail(message_id, core::make_error(Errc::no_session, "the server has no usable bundle for a device of account " +
                                                                                       std::to_string(account))));
      out.append(std::move(failure));
      return out;
    }
    bundles_wanted_.insert(account);
    auto frame = ctx_.frame(BundleRequest{account}, wire::FetchPreKeys{account});
    if (frame.ok()) out.frames.push_back(std::move(*frame));
  }
  // Encrypt for every device that has a session.
  for (const auto& e : planned->encryptions) {
    if (e.needs_bundle || entry.made.contains(e.to)) continue;
    auto ciphertext = encrypt_for(e, message_id, entry);
    if (!ciphertext.ok()) {
      if (aborts(ciphertext.error())) return ciphertext.error();
      return fail(message_id, ciphertext.error());
    }
    entry.made.emplace(e.to, std::move(*ciphertext));
  }

  // One send frame per account whose copies are all made.
  std::set<std::uint64_t> accounts;
  for (const auto& e : planned->encryptions) accounts.insert(e.to.account);
  for (const auto account : accounts) {
    if (entry.in_flight.contains(account) || entry.acked.contains(account)) continue;
    const bool ready = std::all_of(planned->encryptions.begin(), planned->encryptions.end(),
                                   [&](const fanout::Encryption& e) { return e.to.account != account || entry.made.contains(e.to); });
    if (!ready) continue;
    wire::Send send{client_message_id(message_id, account == ctx_.identity.account), account, {}, 0};
    // The send names the attachment's blob: the server lets these devices download it (spec §7.1).
    if (entry.media) send.blob_refs.push_back(entry.media->file_enc_sha256);
    const auto* list = lists_.find(account);
    for (const auto& e : planned->encryptions)
      if (e.to.account == account) send.targets.push_back({e.to.device, list->incarnation(e.to.device, e.incarnation), entry.made.at(e.to)});
    auto frame = ctx_.frame(SendRequest{message_id, account}, send);
    if (!frame.ok()) return fail(message_id, frame.error());
    entry.in_flight.insert(account);
    out.frames.push_back(std::move(*frame));
  }
  // Nothing to send to at all (a single-device account writing to itself): done.
  if (accounts.empty()) {
    PARLEY_TRY(auto sent, on_sent(message_id, entry));
    out.append(std::move(sent));
    entries_.erase(message_id);
  }
  return out;
}

core::Result<core::Bytes> Outbox::encrypt_for(const fanout::Encryption& e, std::uint64_t message_id, const OutboxEntry& entry) {
  if (entry.distribution) return sessions_.encrypt(e.to, *entry.distribution);
  wire::Content content{message_id, entry.timestamp_ms, entry.text, std::nullopt, entry.receipt, entry.media};
  // A receipt is the same for both accounts: it names its chat itself.
  if (e.payload == fanout::Payload::sent_to_own_device && !entry.receipt) content.sent_to = entry.peer;
  return sessions_.encrypt(e.to, content);
}

Output Outbox::on_bundles(const wire::PreKeyBundles& reply) {
  bundles_wanted_.erase(reply.account);
  PARLEY_CHECK(sessions_.start_from(reply, lists_));
  return advance();
}

Output Outbox::on_send_ack(const SendRequest& request, const wire::SendAck& ack) {
  auto it = entries_.find(request.message_id);
  if (it == entries_.end()) return EngineOutput{};
  auto& entry = it->second;
  // Which devices this send carried a copy for, durably: a retry is answered only for them (spec
  // §8.5). Receipts are not resent: a later one says as much.
  // A sender key: the devices it went to hold the group's key now (spec §11.3).
  if (entry.distribution && entry.plan) {
    const auto* list = lists_.find(request.account);
    for (const auto& e : entry.plan->encryptions)
      if (e.to.account == request.account) {
        const auto incarnation = list == nullptr ? e.incarnation : list->incarnation(e.to.device, e.incarnation);
        PARLEY_CHECK(ctx_.store.add_key_holder(entry.distribution->group->group, {e.to.account, e.to.device, incarnation}));
      }
  }
  if (!entry.receipt && !entry.distribution && entry.plan && ack.server_id != 0) {
    std::vector<std::uint32_t> devices;
    for (const auto& e : entry.plan->encryptions)
      if (e.to.account == request.account) devices.push_back(e.to.device);
    PARLEY_CHECK(ctx_.store.record_send(ack.server_id, request.message_id, request.account, devices));
    retry_.on_sent(ack.server_id);
  }
  entry.in_flight.erase(request.account);
  entry.acked.insert(request.account);
  std::set<std::uint64_t> destinations;
  if (entry.plan)
    for (const auto& e : entry.plan->encryptions) destinations.insert(e.to.account);
  if (!std::includes(entry.acked.begin(), entry.acked.end(), destinations.begin(), destinations.end())) return EngineOutput{};
  PARLEY_TRY(auto out, on_sent(request.message_id, entry));
  entries_.erase(it);
  return out;
}

Output Outbox::on_send_refused(const SendRequest& request, const wire::ErrorFrame& refusal) {
  auto it = entries_.find(request.message_id);
  if (it == entries_.end()) return EngineOutput{};
  auto& entry = it->second;
  entry.in_flight.erase(request.account);
  const auto error = wire::to_error(refusal);
  if (refusal.code != wire::ErrorCode::device_mismatch || !entry.plan) return fail(request.message_id, error);
  if (++entry.replans > kMaxReplans)
    return fail(request.message_id,
                core::make_error(Errc::device_mismatch, "the account's device list and the server disagree: " + refusal.detail));
  // Re-plan that account alone: keep the copies still valid and encrypt anew for missing and stale
  // devices once the list and their bundles are fresh. Sessions are not dropped here: the fresh
  // list and its incarnations decide (Sessions::views), so that a device that came back with
  // another identity key is reported, never quietly rebuilt.
  const fanout::Mismatch mismatch{request.account, refusal.missing_devices, refusal.extra_devices, refusal.stale_devices};
  auto replanned = fanout::replan(*entry.plan, {ctx_.identity.account, ctx_.identity.device}, mismatch);
  if (!replanned.ok()) return fail(request.message_id, replanned.error());
  std::erase_if(entry.made, [&](const auto& made) {
    return made.first.account == request.account &&
           std::find(replanned->keep.begin(), replanned->keep.end(), made.first) == replanned->keep.end();
  });
  if (replanned->refresh_device_list) lists_.forget(request.account);  // fetched and verified again before the retry
  return advance();
}

Output Outbox::fail_for(std::uint64_t account, const core::Error& error) {
  EngineOutput out;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const auto id = it->first;
    if (it->second.peer == account || account == ctx_.identity.account) {
      PARLEY_TRY(auto failure, fail(id, error));
      out.append(std::move(failure));
    }
    it = entries_.upper_bound(id);
  }
  return out;
}

Output Outbox::fail(std::uint64_t message_id, core::Error error) {
  auto it = entries_.find(message_id);
  if (it != entries_.end() && it->second.distribution) {
    // The group message that needs it fails in turn (group_sends.h asks).
    failed_distributions_.insert({it->second.distribution->group->group, it->second.peer});
    entries_.erase(it);
    return failed(0, core::make_error(error.code, "a group's key was not sent: " + error.detail));
  }
  const bool receipt = it != entries_.end() && it->second.receipt.has_value();
  if (it != entries_.end()) entries_.erase(it);
  // A receipt that cannot go is dropped (later receipts say as much); a message stays in the store's
  // outbox, to be tried again after a restart (say, once the person accepted a new key).
  if (!receipt) return failed(message_id, std::move(error));
  PARLEY_CHECK(ctx_.store.delete_pending_receipt(message_id));
  // A receipt is not a message the person wrote: its failure names no message.
  return failed(0, core::make_error(error.code, "a receipt was not sent: " + error.detail));
}

Output Outbox::on_sent(std::uint64_t message_id, const OutboxEntry& entry) {
  if (entry.distribution) return EngineOutput{};  // no message of the person's: no ticks
  if (entry.receipt) {  // a receipt has no ticks of its own: it leaves the outbox
    PARLEY_CHECK(ctx_.store.delete_pending_receipt(message_id));
    return EngineOutput{};
  }
  EngineOutput out = event(SentEvent{message_id, entry.peer});
  PARLEY_TRY(auto ticks, ticks_.on_outgoing_stored({entry.peer, Direction::outgoing, ctx_.identity.account, ctx_.identity.device,
                                                    message_id, entry.timestamp_ms, entry.text},
                                                   true));
  out.append(std::move(ticks));
  return out;
}

}  // namespace parley::client::engine
