// Receiving (spec §8.6): a delivered device ciphertext is decrypted in the session with its sender
// device (or a new one, from a prekey message), its content stored, and the server acknowledged.
// The ack goes out only after the message and the session are saved: a crash in between means a
// redelivery, which the store recognises by (sender, message id).
#include "parley/client/engine.h"
#include "parley/protocol/padding.h"
#include "parley/transport/capnp_codec.h"
#include "parley/transport/client_frames.h"
#include "parley/transport/content.h"
#include "parley/transport/frames_capnp.h"

namespace parley::client {

using core::Errc;
using protocol::receipts::Status;

EngineOutput Engine::on_deliver(const transport::DecodedFrame& frame) {
  struct Delivered {
    std::uint64_t server_id, sender_account;
    std::uint32_t sender_device;
    core::Bytes ciphertext;
  };
  auto got = transport::read_frame(frame, [](wire::Frame::Reader r) -> core::Result<Delivered> {
    auto d = r.getBody().getDeliver();
    return Delivered{d.getServerId(), d.getSenderAccount(), d.getSenderDevice(),
                     core::Bytes(d.getCiphertext().begin(), d.getCiphertext().end())};
  });
  if (!got.ok()) return {};
  EngineOutput out;
  auto ack = [&] {
    if (auto a = transport::encode_ack(got->server_id); a.ok()) out.frames.push_back(std::move(*a));
  };
  auto failed = [&](core::Error e) {
    out.events.push_back(FailedEvent{0, core::make_error(e.code, "a message from " + std::to_string(got->sender_account) +
                                                                     "/" + std::to_string(got->sender_device) +
                                                                     " could not be read: " + e.detail)});
  };

  auto message = transport::decode_device_ciphertext(got->ciphertext);
  auto stored = store_.session(got->sender_account, got->sender_device);
  if (!stored.ok()) return {{}, {FailedEvent{0, stored.error()}}};  // no ack: delivered again later
  StoredSession session = stored->value_or(StoredSession{got->sender_account, got->sender_device, 0, {}, {}});
  const transport::CapnpCodec codec;
  auto plan = message.ok() ? protocol::plan_receive_wire(session.record, message->message.type, message->message.wire,
                                                         prekeys_, codec, entropy_)
                           : core::Result<protocol::ReceiveResult>(message.error());
  // A resend counts its attempts against the message it resends.
  const auto message_server_id = message.ok() && message->retry_of != 0 ? message->retry_of : got->server_id;
  if (!plan.ok()) {
    // A duplicate is a redelivery of what we already read; anything else asks the sender to send
    // it again (spec §8.5), which after five attempts tells the person.
    if (plan.code() != Errc::duplicate_message)
      out.append(ask_for_retry(got->sender_account, got->sender_device, message_server_id));
    ack();
    return out;
  }
  for (const auto& action : plan->actions) {
    if (std::holds_alternative<protocol::IdentityChanged>(action)) {
      // Never accepted silently: the person decides. Not acknowledged either: the server keeps it
      // and delivers it again on the next connection, when it is read if the key was accepted.
      out.events.push_back(IdentityChangeEvent{got->sender_account, got->sender_device});
      return out;
    }
  }
  auto padded_content = plan->plaintext();
  auto content = protocol::unpad_plaintext(padded_content);
  auto decoded = content.ok() ? transport::decode_content(*content) : core::Result<transport::Content>(content.error());
  const auto actions = plan->actions;
  protocol::commit_receive(session.record, std::move(*plan));
  if (message->retry_of != 0) requester_.on_decrypted({got->sender_account, got->sender_device, message->retry_of});
  if (session.identity_key == crypto::X25519PublicKey{} && session.record.current)
    session.identity_key = session.record.current->remote_identity;
  if (auto saved = store_.save_session(session); !saved.ok()) return {{}, {FailedEvent{0, saved.error()}}};
  for (const auto& action : actions) {
    if (const auto* consume = std::get_if<protocol::ConsumeOneTimePreKey>(&action)) {
      (void)store_.delete_one_time_prekey(consume->id);
      prekeys_.one_time_prekeys.erase(consume->id.value);
    }
  }
  if (!decoded.ok()) {
    failed(decoded.error());
    ack();
    return out;
  }
  if (decoded->receipt) {
    out.append(on_receipt(got->sender_account, *decoded->receipt));
    ack();
    return out;
  }
  // A copy of our own message from another of our devices belongs to the chat it went to.
  const bool own_copy = decoded->sent_to.has_value() && got->sender_account == identity_.account;
  StoredMessage m{own_copy ? *decoded->sent_to : got->sender_account,
                  own_copy ? Direction::outgoing : Direction::incoming,
                  got->sender_account,
                  got->sender_device,
                  decoded->message_id,
                  decoded->timestamp_ms,
                  decoded->text};
  auto added = store_.add_message(m);
  if (!added.ok()) return {{}, {FailedEvent{0, added.error()}}};  // no ack: delivered again later
  // The copy reached us through the server, which took the send: the single tick at least.
  if (own_copy) out.append(on_outgoing_stored(m, true));
  // Two ticks for the sender: on a redelivery too, since a receipt sent before a crash may not
  // have left (the sender's merge ignores a duplicate).
  if (m.direction == Direction::incoming && got->sender_account != identity_.account)
    out.append(send_receipt(got->sender_account, {Status::delivered, got->sender_account, {{m.sender_device, m.message_id}}}));
  if (*added) out.events.push_back(MessageEvent{std::move(m)});
  ack();
  return out;
}

}  // namespace parley::client
