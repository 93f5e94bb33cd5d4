#include "inbox.h"

#include <algorithm>
#include <string>

#include "parley/client/testing/mutation.h"
#include "parley/protocol/padding.h"
#include "parley/wire/capnp_codec.h"
#include "parley/wire/device_ciphertext.h"

namespace parley::client::engine {

using core::Errc;

namespace {

core::Bytes ack_frame(std::uint64_t server_id) { return wire::encode_frame(0, wire::Ack{server_id}).value(); }

// The identity key of the session a plan decrypts in.
const crypto::X25519PublicKey& session_identity(const protocol::SessionRecord& record, const protocol::ReceiveResult& r) {
  switch (r.where) {
    case protocol::ReceiveResult::Where::archived: return record.archived[r.archived_index].remote_identity;
    case protocol::ReceiveResult::Where::new_session: return r.new_session->remote_identity;
    case protocol::ReceiveResult::Where::current: break;
  }
  return record.current->remote_identity;
}

}  // namespace

Output Inbox::on_deliver(const wire::Deliver& d) {
  // Behind others from the same account that wait for its list: in order, after them.
  if (auto it = waiting_.find(d.sender_account); it != waiting_.end()) {
    it->second.frames.push_back(d);
    return EngineOutput{};
  }
  if (lists_.find(d.sender_account) == nullptr) return wait_for_list(d, false);
  return receive(d, false);
}

Output Inbox::wait_for_list(const wire::Deliver& d, bool refresh) {
  auto& w = waiting_[d.sender_account];
  w.frames.push_back(d);
  w.refreshed = w.refreshed || refresh;
  if (refresh) lists_.forget(d.sender_account);
  return lists_.fetch(d.sender_account);
}

Output Inbox::on_list(std::uint64_t account, bool verified) {
  auto it = waiting_.find(account);
  if (it == waiting_.end()) return EngineOutput{};
  auto waiting = std::move(it->second);
  waiting_.erase(it);
  // A list that could not be fetched or verified vouches for nobody: what waited is not
  // acknowledged, so the server delivers it again on the next connection, when the list is asked for
  // again.
  if (!verified) return EngineOutput{};
  EngineOutput out;
  while (!waiting.frames.empty()) {
    auto d = std::move(waiting.frames.front());
    waiting.frames.pop_front();
    // A frame may have to wait again (the list did not name its device, and was not fetched again
    // for it yet): the rest waits behind it.
    if (waiting_.contains(account)) {
      waiting_[account].frames.push_back(std::move(d));
      continue;
    }
    PARLEY_TRY(auto read, receive(d, waiting.refreshed));
    out.append(std::move(read));
  }
  return out;
}

Output Inbox::drop(const wire::Deliver& d, const std::string& why) {
  EngineOutput out = failed(0, core::make_error(Errc::untrusted_identity, "a message said to be from " + std::to_string(d.sender_account) +
                                                                            "/" + std::to_string(d.sender_device) + " was dropped: " + why));
  PARLEY_CHECK(ctx_.store.release_held(d.server_id));
  out.frames.push_back(ack_frame(d.server_id));  // acknowledged, so that it is not delivered forever
  return out;
}

Output Inbox::hold(const wire::Deliver& d) {
  PARLEY_TRY(const auto held, ctx_.store.held_count(d.sender_account, d.sender_device));
  if (held >= kMaxHeldPerDevice) return drop(d, "too many messages wait for a decision on that device's new key");
  PARLEY_CHECK(ctx_.store.hold_message({d.server_id, d.sender_account, d.sender_device, d.server_timestamp_ms, d.ciphertext}));
  EngineOutput out = event(IdentityChangeEvent{d.sender_account, d.sender_device});
  out.frames.push_back(ack_frame(d.server_id));  // the device keeps it: the server's window is not held up
  return out;
}

Output Inbox::replay_held() {
  EngineOutput out;
  PARLEY_TRY(const auto summaries, ctx_.store.session_summaries());
  PARLEY_TRY(const auto held, ctx_.store.held_senders());
  for (const auto& sender : held) {
    const auto [account, device] = sender;
    // Only a device whose old session the person dropped (accepted the new key) is read now.
    const bool decided = std::none_of(summaries.begin(), summaries.end(), [&](const SessionSummary& s) {
      return s.account == sender.first && s.device == sender.second;
    });
    if (!decided) continue;
    PARLEY_TRY(const auto messages, ctx_.store.held_messages(account, device));
    for (const auto& m : messages) {
      PARLEY_TRY(auto read, on_deliver(wire::Deliver{m.server_id, m.timestamp_ms, m.sender_account, m.sender_device, m.ciphertext}));
      out.append(std::move(read));
    }
  }
  return out;
}

Output Inbox::receive(const wire::Deliver& d, bool refreshed) {
  EngineOutput out;
  // Read (or refused for good): acknowledged, and no longer held if it was waiting for a decision.
  auto ack = [&] {
    out.frames.push_back(ack_frame(d.server_id));
    return ctx_.store.release_held(d.server_id);
  };
  const auto* list = lists_.find(d.sender_account);
  const auto* listed = list == nullptr ? nullptr : list->list.find(d.sender_device);
  if (listed == nullptr && !mutation::on(mutation::Defect::unlisted_sender)) {
    if (!refreshed) return wait_for_list(d, true);
    return drop(d, "the account's verified device list does not name that device");
  }

  // A group message (spec §11.3): read with the sender device's sender key, not a session.
  if (const auto group_message = wire::group_message_of(d.ciphertext)) {
    PARLEY_CHECK(ctx_.store.release_held(d.server_id));
    return groups_.on_group_message(d, *group_message);
  }
  auto message = wire::decode_device_ciphertext(d.ciphertext);
  PARLEY_TRY(const auto stored, ctx_.store.session(d.sender_account, d.sender_device));
  StoredSession session = stored.value_or(StoredSession{d.sender_account, d.sender_device, 0, {}, {}});
  const wire::CapnpCodec codec;
  auto plan = message.ok() ? protocol::plan_receive_wire(session.record, message->message.type, message->message.wire,
                                                         prekeys_.keys(), codec, ctx_.entropy)
                           : core::Result<protocol::ReceiveResult>(message.error());
  // A resend counts its attempts against the message it resends.
  const auto message_server_id = message.ok() && message->retry_of != 0 ? message->retry_of : d.server_id;
  if (!plan.ok()) {
    // A duplicate is a redelivery of what we already read; anything else asks the sender to send
    // it again (spec §8.5), which after five attempts tells the person. The original stays on the
    // server until its resend is read (or we give up): if the request or the resend is lost (the
    // sender's device failed or died handling it, say), the next connection delivers the original
    // again, and this device asks again.
    bool keep = false;
    if (plan.code() != Errc::duplicate_message) {
      PARLEY_TRY(auto asked, retry_.ask(d.sender_account, d.sender_device, message_server_id));
      out.append(std::move(asked.out));
      keep = asked.asking && message_server_id == d.server_id;
    }
    if (!keep) PARLEY_CHECK(ack());
    return out;
  }
  // The session the message decrypts in must have been made with the identity key the list names
  // for the device: a session the server (or anyone) made with a key of its own reads nothing.
  if (listed != nullptr && session_identity(session.record, *plan) != listed->identity_key &&
      !mutation::on(mutation::Defect::unlisted_sender)) {
    if (!refreshed) return wait_for_list(d, true);
    return drop(d, "its identity key is not the one the account's verified device list names");
  }
  // A device that came back with another identity key (its list names the new one): never accepted
  // silently. The message waits here, acknowledged, until the person decides (accept_identity).
  for (const auto& action : plan->actions)
    if (std::holds_alternative<protocol::IdentityChanged>(action)) return hold(d);
  auto padded_content = plan->plaintext();
  auto content = protocol::unpad_plaintext(padded_content);
  auto decoded = content.ok() ? wire::decode_content(*content) : core::Result<wire::Content>(content.error());
  const auto actions = plan->actions;
  protocol::commit_receive(session.record, std::move(*plan));
  // The original a resend answers, kept on the server until now, goes (only if we asked its sender).
  if (message->retry_of != 0 && retry_.on_decrypted(d.sender_account, d.sender_device, message->retry_of))
    out.frames.push_back(ack_frame(message->retry_of));
  if (session.identity_key == crypto::X25519PublicKey{} && session.record.current)
    session.identity_key = session.record.current->remote_identity;
  PARLEY_CHECK(ctx_.store.save_session(session));
  if (mutation::on(mutation::Defect::split_receive)) {
    PARLEY_CHECK(ctx_.store.commit());
    PARLEY_CHECK(ctx_.store.begin());
  }
  for (const auto& action : actions)
    if (const auto* consume = std::get_if<protocol::ConsumeOneTimePreKey>(&action)) PARLEY_CHECK(prekeys_.consume(consume->id));
  if (!decoded.ok()) {
    out.events.push_back(FailedEvent{0, core::make_error(decoded.code(), "a message from " + std::to_string(d.sender_account) + "/" +
                                                                             std::to_string(d.sender_device) +
                                                                             " could not be read: " + decoded.error().detail)});
    PARLEY_CHECK(ack());
    return out;
  }
  // A sender key, or a group message resent over the session (spec §11.3): the group part's.
  if (decoded->group) {
    PARLEY_TRY(auto read, decoded->distribution ? groups_.on_distribution(d.sender_account, d.sender_device, *decoded)
                                                : groups_.on_pairwise_message(d.sender_account, d.sender_device, *decoded));
    out.append(std::move(read));
    PARLEY_CHECK(ack());
    return out;
  }
  if (decoded->receipt) {
    PARLEY_TRY(auto applied, receipts_.on_receipt(d.sender_account, *decoded->receipt));
    out.append(std::move(applied));
    PARLEY_CHECK(ack());
    return out;
  }
  // A copy of our own message from another of our devices belongs to the chat it went to.
  const bool own_copy = decoded->sent_to.has_value() && d.sender_account == ctx_.identity.account;
  StoredMessage m{own_copy ? *decoded->sent_to : d.sender_account,
                  own_copy ? Direction::outgoing : Direction::incoming,
                  d.sender_account,
                  d.sender_device,
                  decoded->message_id,
                  decoded->timestamp_ms,
                  decoded->text};
  if (decoded->media) {
    PARLEY_TRY(auto kept, wire::encode_media(*decoded->media));
    m.media = std::move(kept);
  }
  PARLEY_TRY(const bool added, ctx_.store.add_message(m));
  // The copy reached us through the server, which took the send: the single tick at least.
  if (own_copy) {
    PARLEY_TRY(auto ticks, ticks_.on_outgoing_stored(m, true));
    out.append(std::move(ticks));
  }
  // Two ticks for the sender: on a redelivery too, since a receipt sent before a crash may not
  // have left (the sender's merge ignores a duplicate).
  if (m.direction == Direction::incoming && d.sender_account != ctx_.identity.account) {
    PARLEY_TRY(auto receipt, receipts_.delivered(d.sender_account, m.sender_device, m.message_id));
    out.append(std::move(receipt));
  }
  if (added) out.events.push_back(MessageEvent{std::move(m)});
  PARLEY_CHECK(ack());
  return out;
}

}  // namespace parley::client::engine
