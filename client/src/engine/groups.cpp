#include "groups.h"

#include <algorithm>

#include "parley/crypto/hash.h"
#include "parley/protocol/groups/group_cipher.h"
#include "parley/protocol/padding.h"
#include "parley/wire/sender_key_codec.h"
#include "parley/wire/sender_key_record_codec.h"

namespace parley::client::engine {

using core::Errc;
namespace groups = protocol::groups;

namespace {

core::Bytes ack_frame(std::uint64_t server_id) { return wire::encode_frame(0, wire::Ack{server_id}).value(); }

groups::GroupId group_id_of(core::BytesView bytes) {
  groups::GroupId id{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), id.size()), id.begin());
  return id;
}

EngineOutput report(const std::string& what) { return failed(0, core::make_error(Errc::conflict, what)); }

}  // namespace

std::optional<crypto::X25519PublicKey> Groups::account_key(std::uint64_t account) {
  if (account == ctx_.identity.account) return ctx_.identity.account_key;
  if (const auto* known = lists_.find(account)) {
    if (const auto* primary = known->list.find(protocol::devices::kPrimaryDevice)) return primary->identity_key;
  }
  // A list verified earlier and kept (spec §8.3): its account key is the one this device trusts.
  auto stored = ctx_.store.device_list(account);
  if (stored.ok() && *stored) return (*stored)->account_key;
  return std::nullopt;
}

groups::AccountKeys Groups::keys() {
  return [this](std::uint64_t account) { return account_key(account); };
}

core::Result<const groups::MembershipLog*> Groups::log(core::BytesView group) {
  const auto id = core::to_bytes(group);
  if (auto it = logs_.find(id); it != logs_.end()) return &it->second;
  PARLEY_TRY(const auto stored, ctx_.store.group(group));
  if (!stored || stored->log.empty()) return nullptr;
  // Verified again from the creation: the store keeps only what verified, so this fails only for a
  // damaged store, and then the group is as unknown until its log is fetched again.
  auto rebuilt = groups::MembershipLog::create(stored->log.front(), keys());
  if (!rebuilt.ok()) return nullptr;
  for (std::size_t i = 1; i < stored->log.size(); ++i)
    if (!rebuilt->apply(stored->log[i], keys()).ok()) return nullptr;
  return &logs_.insert_or_assign(id, std::move(*rebuilt)).first->second;
}

core::Result<wire::GroupContext> Groups::context(core::BytesView group) {
  PARLEY_TRY(const auto* verified, log(group));
  if (verified == nullptr) return core::make_error(Errc::not_found, "no verified log for the group");
  const auto& state = verified->state();
  return wire::GroupContext{core::to_bytes(group), state.version, core::Bytes(state.head.begin(), state.head.end())};
}

core::Result<core::Bytes> Groups::sign(const groups::MembershipEntry& entry) {
  // A companion's entries carry its signed device identity (§11.2), which this device does not keep
  // yet: until it does, only a primary administers groups.
  if (ctx_.identity.device != protocol::devices::kPrimaryDevice)
    return core::make_error(Errc::unsupported, "only an account's primary device changes a group's membership (for now)");
  return groups::sign_membership_entry(entry, ctx_.identity.identity, std::nullopt, ctx_.entropy);
}

core::Result<std::pair<std::uint64_t, EngineOutput>> Groups::create(std::string subject, std::vector<std::uint64_t> members) {
  groups::GroupId id{};
  PARLEY_CHECK(ctx_.entropy.fill(id));
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  std::erase(members, ctx_.identity.account);
  groups::MembershipEntry entry{id, 1, {}, ctx_.clock(), ctx_.identity.account, ctx_.identity.device,
                                ctx_.identity.identity.public_key, groups::MembershipChange::create, std::move(subject),
                                std::move(members)};
  PARLEY_TRY(auto signed_entry, sign(entry));
  // Checked as every member will check it, before anything is stored.
  PARLEY_TRY(const auto checked, groups::MembershipLog::create(signed_entry, keys()));
  (void)checked;
  const core::Bytes group(id.begin(), id.end());
  PARLEY_TRY(const auto chat, ctx_.store.save_group({group, 0, {}, {}}));
  PARLEY_TRY(auto out, append(group, std::move(signed_entry)));
  return std::pair{chat, std::move(out)};
}

Output Groups::change(std::uint64_t chat, groups::MembershipChange change, std::vector<std::uint64_t> targets, std::string subject) {
  PARLEY_TRY(const auto stored, ctx_.store.group_of_chat(chat));
  if (!stored) return core::make_error(Errc::not_found, "no such group");
  PARLEY_TRY(const auto* verified, log(stored->group));
  if (verified == nullptr) return core::make_error(Errc::not_found, "the group's log is not verified yet");
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  const auto entry = groups::next_membership_entry(verified->state(), change, ctx_.identity.account, ctx_.identity.device,
                                                   ctx_.identity.identity.public_key, std::move(targets), std::move(subject),
                                                   ctx_.clock());
  PARLEY_TRY(auto signed_entry, sign(entry));
  // The rights and targets checked here first: a change the members would refuse is not sent.
  auto trial = *verified;
  PARLEY_CHECK(trial.apply(signed_entry, keys()));
  return append(stored->group, std::move(signed_entry));
}

Output Groups::append(core::Bytes group, core::Bytes entry) {
  EngineOutput out;
  auto frame = ctx_.frame(GroupAppendRequest{group, entry}, wire::GroupLogAppend{group, entry});
  if (!frame.ok()) return failed(0, frame.error());
  out.frames.push_back(std::move(*frame));
  return out;
}

Output Groups::on_appended(const GroupAppendRequest& request) { return take_entries(request.group, {request.entry}); }

Output Groups::on_append_refused(const GroupAppendRequest& request, const wire::ErrorFrame& refusal) {
  // Another entry took the version first (or the server refuses the group): the log is fetched, and
  // the person may try the change again on what it shows.
  EngineOutput out = failed(0, core::make_error(wire::errc_for(refusal.code), "the group change was refused: " + refusal.detail));
  PARLEY_TRY(auto fetched, fetch(request.group));
  out.append(std::move(fetched));
  return out;
}

Output Groups::fetch(core::BytesView group) {
  const auto id = core::to_bytes(group);
  if (fetching_.contains(id)) return EngineOutput{};
  PARLEY_TRY(const auto* verified, log(group));
  const std::uint64_t from = verified == nullptr ? 1 : verified->state().version + 1;
  EngineOutput out;
  auto frame = ctx_.frame(GroupFetchRequest{id}, wire::GroupLogFetch{id, from});
  if (!frame.ok()) return failed(0, frame.error());
  fetching_.insert(id);
  out.frames.push_back(std::move(*frame));
  return out;
}

Output Groups::on_log(const GroupFetchRequest& request, const wire::GroupLog& page) {
  fetching_.erase(request.group);
  if (page.group != request.group) return EngineOutput{};
  PARLEY_TRY(auto out, take_entries(request.group, page.entries));
  if (page.more && !page.entries.empty()) {
    PARLEY_TRY(auto next, fetch(request.group));
    out.append(std::move(next));
  }
  return out;
}

Output Groups::on_fetch_refused(const GroupFetchRequest& request, const wire::ErrorFrame& refusal) {
  fetching_.erase(request.group);
  return failed(0, core::make_error(wire::errc_for(refusal.code), "the group's log could not be fetched: " + refusal.detail));
}

Output Groups::on_list(std::uint64_t) {
  EngineOutput out;
  auto waiting = std::move(waiting_pages_);
  waiting_pages_.clear();
  for (auto& [group, entries] : waiting) {
    PARLEY_TRY(auto taken, take_entries(group, std::move(entries)));
    out.append(std::move(taken));
  }
  return out;
}

Output Groups::take_entries(const core::Bytes& group, std::vector<core::Bytes> entries) {
  EngineOutput out;
  if (auto it = waiting_pages_.find(group); it != waiting_pages_.end()) {
    entries.insert(entries.begin(), it->second.begin(), it->second.end());
    waiting_pages_.erase(it);
  }
  // Every author's account key first: an account whose list this device never verified is fetched,
  // and the entries wait for it (on_list).
  bool waiting = false;
  for (const auto& bytes : entries) {
    auto decoded = groups::decode_signed_membership_entry(bytes);
    if (!decoded.ok() || account_key(decoded->entry.author_account)) continue;
    waiting = true;
    PARLEY_TRY(auto fetch_list, lists_.fetch(decoded->entry.author_account));
    out.append(std::move(fetch_list));
  }
  if (waiting) {
    waiting_pages_[group] = std::move(entries);
    return out;
  }
  PARLEY_TRY(const auto* verified, log(group));
  std::optional<groups::MembershipLog> next;
  std::size_t first = 0;
  if (verified != nullptr) {
    next = *verified;
  } else {
    if (entries.empty()) return out;
    auto created = groups::MembershipLog::create(entries.front(), keys());
    if (!created.ok() || created->state().group != group_id_of(group)) {
      out.append(report("a group's creation entry does not verify: " + (created.ok() ? "another group's" : created.error().detail)));
      return out;
    }
    next = std::move(*created);
    first = 1;
  }
  const auto before = next->state();
  for (std::size_t i = first; i < entries.size(); ++i) {
    auto received = next->receive(entries[i], keys());
    if (!received.ok()) {
      // Forged, forked or out of place: what the server served is refused from here on, reported.
      out.append(report("a group's membership entry was refused: " + received.error().detail));
      break;
    }
  }
  if (verified != nullptr && next->state().version == before.version) return out;
  // Accounts the log no longer shows lose their sender keys here: nothing they send is read.
  for (const auto& [account, role] : before.members)
    if (!next->state().is_member(account)) PARLEY_CHECK(ctx_.store.delete_sender_keys(group, account));
  PARLEY_TRY(const auto stored, ctx_.store.group(group));
  StoredGroup kept{group, 0, next->entries(), stored ? stored->own_distribution : core::Bytes{}};
  PARLEY_TRY(const auto chat, ctx_.store.save_group(kept));
  const auto version = next->state().version;
  logs_.insert_or_assign(group, std::move(*next));
  out.events.push_back(GroupEvent{chat, version});
  // Messages that waited for the log (their sender not in it yet) are read again.
  if (auto it = waiting_messages_.find(group); it != waiting_messages_.end()) {
    auto frames = std::move(it->second);
    waiting_messages_.erase(it);
    for (const auto& d : frames) {
      const auto message = wire::group_message_of(d.ciphertext);
      if (!message) continue;
      PARLEY_TRY(auto read, on_group_message(d, *message));
      out.append(std::move(read));
    }
  }
  return out;
}

Output Groups::on_distribution(std::uint64_t account, std::uint32_t device, const wire::Content& content) {
  const wire::LibsignalSenderKeyCodec codec;
  auto message = codec.decode_distribution(*content.distribution);
  if (!message.ok()) return failed(0, core::make_error(message.code(), "a sender key could not be read: " + message.error().detail));
  const auto& group = content.group->group;
  const core::Bytes distribution(message->distribution_id.begin(), message->distribution_id.end());
  PARLEY_TRY(const auto existing, ctx_.store.sender_key(account, device, distribution));
  groups::SenderKeyRecord record;
  if (existing) {
    if (existing->group != group) return report("a device sent one sender key for two groups");
    auto decoded = wire::decode_sender_key_record(existing->record);
    if (decoded.ok()) record = std::move(*decoded);
  }
  groups::process_distribution(record, *message);
  PARLEY_CHECK(ctx_.store.save_sender_key({account, device, distribution, group, wire::encode_sender_key_record(record)}));
  // A group this device did not know, or a sender whose log is ahead of ours: fetched, so that its
  // messages are read against the membership they were written for.
  EngineOutput out;
  PARLEY_TRY(const auto stored, ctx_.store.group(group));
  if (!stored) {
    PARLEY_TRY(const auto chat, ctx_.store.save_group({group, 0, {}, {}}));
    (void)chat;
  }
  PARLEY_TRY(const auto* verified, log(group));
  if (verified == nullptr || verified->state().version < content.group->membership_version) {
    PARLEY_TRY(auto fetched, fetch(group));
    out.append(std::move(fetched));
  }
  return out;
}

Output Groups::on_group_message(const wire::Deliver& d, core::BytesView sender_key_message) {
  EngineOutput out;
  auto drop = [&](const std::string& why) -> Output {
    out.events.push_back(FailedEvent{0, core::make_error(Errc::untrusted_identity, "a group message from " + std::to_string(d.sender_account) +
                                                                                     "/" + std::to_string(d.sender_device) +
                                                                                     " was dropped: " + why)});
    out.frames.push_back(ack_frame(d.server_id));
    return std::move(out);
  };
  // Without the sender's key (or with one that cannot read it) the sender is asked for the message
  // again (spec §8.5): its answer comes over the pairwise session, with its current key.
  auto ask = [&]() -> Output {
    PARLEY_TRY(auto asked, retry_.ask(d.sender_account, d.sender_device, d.server_id));
    out.append(std::move(asked.out));
    if (!asked.asking) out.frames.push_back(ack_frame(d.server_id));
    return std::move(out);
  };
  const wire::LibsignalSenderKeyCodec codec;
  auto message = codec.decode_message(sender_key_message);
  if (!message.ok()) return drop("it is not a sender-key message: " + message.error().detail);
  const auto& id = message->fields.distribution_id;
  PARLEY_TRY(const auto key, ctx_.store.sender_key(d.sender_account, d.sender_device, core::Bytes(id.begin(), id.end())));
  if (!key) return ask();
  auto record = wire::decode_sender_key_record(key->record);
  if (!record.ok()) return ask();
  auto decrypted = groups::group_decrypt(&*record, *message);
  if (!decrypted.ok()) {
    if (decrypted.code() == Errc::duplicate_message) {
      out.frames.push_back(ack_frame(d.server_id));
      return out;
    }
    return ask();
  }
  auto padded = protocol::unpad_plaintext(decrypted->plaintext);
  auto content = padded.ok() ? wire::decode_content(*padded) : core::Result<wire::Content>(padded.error());
  if (content.ok() && (!content->group || content->group->group != key->group || content->distribution))
    return drop("its content names another group");
  // The sender must be a member of the log this device verified; one the log does not show yet may
  // have been added in entries this device has not fetched: the message waits for the log.
  if (content.ok()) {
    PARLEY_TRY(const auto* verified, log(key->group));
    const bool member = verified != nullptr && verified->state().is_member(d.sender_account);
    const bool behind = verified == nullptr || verified->state().version < content->group->membership_version;
    if (!member && behind) {
      auto& waiting = waiting_messages_[key->group];
      if (waiting.size() >= kMaxWaitingGroupMessages) return drop("too many messages wait for the group's log");
      waiting.push_back(d);
      return fetch(key->group);
    }
    if (!member) return drop("its sender is not a member of the group");
    if (behind) {
      PARLEY_TRY(auto fetched, fetch(key->group));
      out.append(std::move(fetched));
    }
  }
  groups::apply(*record, decrypted->update);
  PARLEY_CHECK(ctx_.store.save_sender_key({key->account, key->device, key->distribution_id, key->group,
                                           wire::encode_sender_key_record(*record)}));
  retry_.on_decrypted(d.sender_account, d.sender_device, d.server_id);
  if (!content.ok()) return drop("its content could not be read: " + content.error().detail);
  return store_message(d.sender_account, d.sender_device, &*key, *content, std::move(out), d.server_id);
}

Output Groups::on_pairwise_message(std::uint64_t account, std::uint32_t device, const wire::Content& content) {
  PARLEY_TRY(const auto* verified, log(content.group->group));
  if (verified == nullptr || !verified->state().is_member(account)) {
    EngineOutput out = report("a group message from " + std::to_string(account) + "/" + std::to_string(device) +
                              " was dropped: its sender is not a member of the group this device verified");
    PARLEY_TRY(auto fetched, fetch(content.group->group));
    out.append(std::move(fetched));
    return out;
  }
  return store_message(account, device, nullptr, content, EngineOutput{}, 0);
}

Output Groups::store_message(std::uint64_t account, std::uint32_t device, const StoredSenderKey*, const wire::Content& content,
                             EngineOutput out, std::uint64_t ack_server_id) {
  PARLEY_TRY(const auto stored, ctx_.store.group(content.group->group));
  if (!stored) return out;  // cannot be: the key or the check above found the group
  const bool own = account == ctx_.identity.account;
  StoredMessage m{stored->chat, own ? Direction::outgoing : Direction::incoming, account, device, content.message_id,
                  content.timestamp_ms, content.text};
  if (content.media) {
    PARLEY_TRY(auto kept, wire::encode_media(*content.media));
    m.media = std::move(kept);
  }
  PARLEY_TRY(const bool added, ctx_.store.add_message(m));
  if (added) out.events.push_back(MessageEvent{std::move(m)});
  if (ack_server_id != 0) out.frames.push_back(ack_frame(ack_server_id));
  return out;
}

}  // namespace parley::client::engine
