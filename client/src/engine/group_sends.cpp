#include "group_sends.h"

#include <algorithm>
#include <set>

#include "parley/protocol/groups/group_cipher.h"
#include "parley/protocol/padding.h"
#include "parley/wire/device_ciphertext.h"
#include "parley/wire/sender_key_codec.h"
#include "parley/wire/sender_key_record_codec.h"

namespace parley::client::engine {

using core::Errc;
namespace groups = protocol::groups;

namespace {

groups::DistributionId distribution_id_of(const core::Bytes& bytes) {
  groups::DistributionId id{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), id.size()), id.begin());
  return id;
}

bool aborts(const core::Error& e) { return e.code == Errc::storage_failure; }

}  // namespace

core::Result<void> GroupSends::load() {
  entries_.clear();
  PARLEY_TRY(const auto unsent, ctx_.store.unsent(ctx_.identity.account, ctx_.identity.device));
  for (const auto& m : unsent) {
    if (!is_group_chat(m.chat)) continue;
    PARLEY_TRY(const auto group, ctx_.store.group_of_chat(m.chat));
    if (!group) continue;  // cannot be: the group was stored before its message
    Entry entry{group->group, m.chat, m.timestamp_ms, m.body, std::nullopt, {}, {}, 0, {}, false, 0};
    if (!m.media.empty()) {
      auto media = wire::decode_media(m.media);
      if (!media.ok()) return media.error();  // cannot be: this device wrote it
      entry.media = std::move(*media);
    }
    entries_.insert_or_assign(m.message_id, std::move(entry));
  }
  return {};
}

core::Result<std::uint64_t> GroupSends::add(std::uint64_t chat, std::string text, std::optional<wire::MediaBody> media) {
  PARLEY_TRY(const auto group, ctx_.store.group_of_chat(chat));
  if (!group) return core::make_error(Errc::not_found, "no such group");
  if (text.size() > wire::kMaxContentSize) return core::make_error(Errc::limit_exceeded, "content too large");
  core::Bytes kept_media;
  if (media) {
    PARLEY_TRY(auto encoded, wire::encode_media(*media));  // checks it as a receiver will
    kept_media = std::move(encoded);
  }
  PARLEY_TRY(const auto id, ctx_.store.take_message_id());
  const auto now = ctx_.clock();
  const StoredMessage mine{chat, Direction::outgoing, ctx_.identity.account, ctx_.identity.device, id, now, text, std::move(kept_media)};
  PARLEY_CHECK(ctx_.store.add_message(mine));
  entries_.insert_or_assign(id, Entry{group->group, chat, now, std::move(text), std::move(media), {}, {}, 0, {}, false, 0});
  return id;
}

Output GroupSends::advance() {
  return advance_each(entries_, [this](std::uint64_t id, auto& entry) { return advance(id, entry); });
}

Output GroupSends::advance(std::uint64_t message_id, Entry& entry) {
  EngineOutput out;
  if (entry.in_flight || groups_.fetching(entry.group)) return out;
  PARLEY_TRY(const auto* verified, groups_.log(entry.group));
  if (verified == nullptr) return groups_.fetch(entry.group);
  const auto& state = verified->state();
  if (!state.is_member(ctx_.identity.account))
    return fail(message_id, core::make_error(Errc::unauthorized, "this account is not a member of the group"));

  // Every member account's verified list (ours too) before anything is planned.
  bool missing = false;
  for (const auto& [account, role] : state.members)
    if (lists_.find(account) == nullptr) {
      missing = true;
      PARLEY_TRY(auto fetch, lists_.fetch(account));
      out.append(std::move(fetch));
    }
  if (missing) return out;
  // The recipients: every listed device of every member, but this one.
  std::vector<wire::GroupRecipient> recipients;
  for (const auto& [account, role] : state.members) {
    const auto* known = lists_.find(account);
    wire::GroupRecipient r{account, {}};
    for (const auto& d : known->list.devices)
      if (!(account == ctx_.identity.account && d.device == ctx_.identity.device))
        r.devices.emplace_back(d.device, known->incarnation(d.device, 0));
    if (!r.devices.empty()) recipients.push_back(std::move(r));
  }

  auto distribution = current_key(entry.group, recipients);
  if (!distribution.ok()) {
    if (aborts(distribution.error())) return distribution.error();
    return fail(message_id, distribution.error());
  }
  // Every recipient device must hold the key before the message that needs it goes: the key goes
  // pairwise to each account with a device that lacks it (one send covers all its devices), and
  // the server's FIFO per mailbox delivers it before the message.
  PARLEY_TRY(const auto holders_list, ctx_.store.key_holders(entry.group));
  const std::set<KeyHolder> holders(holders_list.begin(), holders_list.end());
  bool waiting = false;
  for (const auto& r : recipients) {
    const bool lacking = std::any_of(r.devices.begin(), r.devices.end(), [&](const auto& d) {
      return !holders.contains(KeyHolder{r.account, d.first, d.second});
    });
    if (!lacking) continue;
    waiting = true;
    if (outbox_.distribution_failed(entry.group, r.account))
      return fail(message_id, core::make_error(Errc::no_session, "the group's key could not be sent to account " + std::to_string(r.account)));
    if (!outbox_.distributing(entry.group, r.account)) PARLEY_CHECK(distribute(entry.group, *distribution, r.account));
  }
  if (waiting) {
    PARLEY_TRY(auto sends, outbox_.advance());
    out.append(std::move(sends));
    return out;
  }

  if (entry.ciphertext.empty() || entry.made_with != *distribution || entry.made_version != state.version) {
    auto made = encrypt(message_id, entry, *distribution);
    if (!made.ok()) {
      if (aborts(made.error())) return made.error();
      return fail(message_id, made.error());
    }
  }
  wire::GroupSend send{message_id << 1, entry.group, entry.made_version, entry.ciphertext, recipients, {}};
  // The send names the attachment's blob: every member device may download it (spec §7.1).
  if (entry.media) send.blob_refs.push_back(entry.media->file_enc_sha256);
  auto frame = ctx_.frame(GroupSendRequest{message_id}, send);
  if (!frame.ok()) return fail(message_id, frame.error());
  entry.recipients = std::move(recipients);
  entry.in_flight = true;
  out.frames.push_back(std::move(*frame));
  return out;
}

core::Result<core::Bytes> GroupSends::current_key(const core::Bytes& group, const std::vector<wire::GroupRecipient>& recipients) {
  PARLEY_TRY(auto stored, ctx_.store.group(group));
  if (!stored) return core::make_error(Errc::not_found, "no such group");
  PARLEY_TRY(const auto holders, ctx_.store.key_holders(group));
  const bool gone = std::any_of(holders.begin(), holders.end(), [&](const KeyHolder& h) {
    return std::none_of(recipients.begin(), recipients.end(), [&](const wire::GroupRecipient& r) {
      return r.account == h.account &&
             std::find(r.devices.begin(), r.devices.end(), std::pair{h.device, h.incarnation}) != r.devices.end();
    });
  });
  if (!stored->own_distribution.empty() && !gone) return stored->own_distribution;
  // A fresh key under a fresh distribution id: the old one is deleted, and nobody holds the new one.
  if (!stored->own_distribution.empty())
    PARLEY_CHECK(ctx_.store.delete_sender_key(ctx_.identity.account, ctx_.identity.device, stored->own_distribution));
  groups::DistributionId id{};
  PARLEY_CHECK(ctx_.entropy.fill(id));
  PARLEY_TRY(const auto created, groups::create_distribution(std::nullopt, id, ctx_.entropy));
  const core::Bytes distribution(id.begin(), id.end());
  PARLEY_CHECK(ctx_.store.save_sender_key({ctx_.identity.account, ctx_.identity.device, distribution, group,
                                           wire::encode_sender_key_record(created.record)}));
  PARLEY_CHECK(ctx_.store.clear_key_holders(group));
  stored->own_distribution = distribution;
  PARLEY_TRY(const auto chat, ctx_.store.save_group(*stored));
  (void)chat;
  return distribution;
}

core::Result<void> GroupSends::distribute(const core::Bytes& group, const core::Bytes& distribution, std::uint64_t account) {
  PARLEY_TRY(const auto own, ctx_.store.sender_key(ctx_.identity.account, ctx_.identity.device, distribution));
  if (!own) return core::make_error(Errc::storage_failure, "device store: this device's sender key is missing");
  PARLEY_TRY(auto record, wire::decode_sender_key_record(own->record));
  // The key at its current iteration: the devices it reaches read what is sent from now on, not before.
  PARLEY_TRY(const auto made, groups::create_distribution(std::optional(std::move(record)), distribution_id_of(distribution), ctx_.entropy));
  PARLEY_TRY(const auto context, groups_.context(group));
  PARLEY_TRY(const auto id, ctx_.store.take_message_id());
  const wire::LibsignalSenderKeyCodec codec;
  wire::Content content{id, ctx_.clock(), "", std::nullopt, std::nullopt, std::nullopt, context, codec.encode_distribution(made.message)};
  outbox_.add_distribution(account, group, std::move(content));
  return {};
}

core::Result<void> GroupSends::encrypt(std::uint64_t message_id, Entry& entry, const core::Bytes& distribution) {
  PARLEY_TRY(const auto own, ctx_.store.sender_key(ctx_.identity.account, ctx_.identity.device, distribution));
  if (!own) return core::make_error(Errc::storage_failure, "device store: this device's sender key is missing");
  PARLEY_TRY(auto record, wire::decode_sender_key_record(own->record));
  PARLEY_TRY(const auto context, groups_.context(entry.group));
  const wire::Content content{message_id, entry.timestamp_ms, entry.text, std::nullopt, std::nullopt, entry.media, context, std::nullopt};
  PARLEY_TRY(const auto plain, wire::encode_content(content));
  PARLEY_TRY(const auto padded, protocol::pad_plaintext(plain, ctx_.entropy));
  const wire::LibsignalSenderKeyCodec codec;
  PARLEY_TRY(const auto encrypted, groups::group_encrypt(record, distribution_id_of(distribution), padded, codec, ctx_.entropy));
  groups::apply(record, encrypted.update);
  PARLEY_CHECK(ctx_.store.save_sender_key({ctx_.identity.account, ctx_.identity.device, distribution, entry.group,
                                           wire::encode_sender_key_record(record)}));
  entry.ciphertext = wire::encode_group_ciphertext(encrypted.message);
  entry.made_with = distribution;
  entry.made_version = context.membership_version;
  return {};
}

Output GroupSends::on_send_ack(const GroupSendRequest& request, const wire::SendAck& ack) {
  auto it = entries_.find(request.message_id);
  if (it == entries_.end()) return EngineOutput{};
  auto& entry = it->second;
  // Which devices the send carried the message for, durably: a retry is answered only for them.
  if (ack.server_id != 0) {
    for (const auto& r : entry.recipients) {
      std::vector<std::uint32_t> devices;
      for (const auto& d : r.devices) devices.push_back(d.first);
      PARLEY_CHECK(ctx_.store.record_send(ack.server_id, request.message_id, r.account, devices));
    }
    retry_.on_sent(ack.server_id);
  }
  PARLEY_CHECK(ctx_.store.mark_sent(ctx_.identity.account, ctx_.identity.device, request.message_id));
  EngineOutput out = event(SentEvent{request.message_id, entry.chat});
  entries_.erase(it);
  return out;
}

Output GroupSends::on_send_refused(const GroupSendRequest& request, const wire::ErrorFrame& refusal) {
  auto it = entries_.find(request.message_id);
  if (it == entries_.end()) return EngineOutput{};
  auto& entry = it->second;
  entry.in_flight = false;
  const auto error = wire::to_error(refusal);
  if (refusal.code == wire::ErrorCode::conflict) {
    // The log moved on at the server: fetched, verified, and the message planned again over it.
    if (++entry.replans > kMaxReplans) return fail(request.message_id, error);
    return groups_.fetch(entry.group);
  }
  if (refusal.code != wire::ErrorCode::device_mismatch) return fail(request.message_id, error);
  if (++entry.replans > kMaxReplans)
    return fail(request.message_id, core::make_error(Errc::device_mismatch, "the group's devices and the server disagree: " + refusal.detail));
  // The accounts whose devices differ: their lists fetched and verified again before the re-plan.
  for (const auto& m : refusal.account_mismatches) lists_.forget(m.account);
  return advance();
}

Output GroupSends::fail(std::uint64_t message_id, core::Error error) {
  entries_.erase(message_id);
  // The message stays in the store's outbox, to be tried again after a restart.
  return failed(message_id, std::move(error));
}

}  // namespace parley::client::engine
