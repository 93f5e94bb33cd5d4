#include "inbox.h"

#include <string>

#include "parley/protocol/padding.h"
#include "parley/wire/capnp_codec.h"
#include "parley/wire/device_ciphertext.h"

namespace parley::client::engine {

using core::Errc;

Output Inbox::on_deliver(const wire::Deliver& d) {
  EngineOutput out;
  auto ack = [&] {
    if (auto frame = wire::encode_frame(0, wire::Ack{d.server_id}); frame.ok()) out.frames.push_back(std::move(*frame));
  };

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
    // it again (spec §8.5), which after five attempts tells the person.
    if (plan.code() != Errc::duplicate_message) {
      PARLEY_TRY(auto asked, retry_.ask(d.sender_account, d.sender_device, message_server_id));
      out.append(std::move(asked));
    }
    ack();
    return out;
  }
  for (const auto& action : plan->actions) {
    if (std::holds_alternative<protocol::IdentityChanged>(action)) {
      // Never accepted silently: the person decides. Not acknowledged either: the server keeps it
      // and delivers it again on the next connection, when it is read if the key was accepted.
      out.events.push_back(IdentityChangeEvent{d.sender_account, d.sender_device});
      return out;
    }
  }
  auto padded_content = plan->plaintext();
  auto content = protocol::unpad_plaintext(padded_content);
  auto decoded = content.ok() ? wire::decode_content(*content) : core::Result<wire::Content>(content.error());
  const auto actions = plan->actions;
  protocol::commit_receive(session.record, std::move(*plan));
  if (message->retry_of != 0) retry_.on_decrypted(d.sender_account, d.sender_device, message->retry_of);
  if (session.identity_key == crypto::X25519PublicKey{} && session.record.current)
    session.identity_key = session.record.current->remote_identity;
  PARLEY_CHECK(ctx_.store.save_session(session));
  for (const auto& action : actions)
    if (const auto* consume = std::get_if<protocol::ConsumeOneTimePreKey>(&action)) PARLEY_CHECK(prekeys_.consume(consume->id));
  if (!decoded.ok()) {
    out.events.push_back(FailedEvent{0, core::make_error(decoded.code(), "a message from " + std::to_string(d.sender_account) + "/" +
                                                                             std::to_string(d.sender_device) +
                                                                             " could not be read: " + decoded.error().detail)});
    ack();
    return out;
  }
  if (decoded->receipt) {
    PARLEY_TRY(auto applied, receipts_.on_receipt(d.sender_account, *decoded->receipt));
    out.append(std::move(applied));
    ack();
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
  ack();
  return out;
}

}  // namespace parley::client::engine
