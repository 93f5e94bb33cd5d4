// spec §7.3: sends into mailboxes (the single tick), acknowledgements, and delivery.
#include <string>

#include "parley/server/handler/frame_handler.h"
#include "replies.h"

namespace parley::server {

using core::Errc;

std::variant<PendingSend, HandlerOutput> FrameHandler::prepare_send(SessionState& session,
                                                                    const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  if (!session.device) return replies::refuse(id, core::make_error(Errc::untrusted_identity, "not logged in"));
  auto send = transport::read_frame(frame, [&](wire::Frame::Reader root) -> core::Result<Send> {
    auto s = root.getBody().getSend();
    Send out;
    out.sender_account = session.device->account;
    out.sender_device = session.device->device;
    out.client_message_id = ClientMessageId{s.getClientMessageId()};
    out.destination = AccountId{s.getDestinationAccount()};
    out.retry = s.getRetryOf() != 0;
    for (auto c : s.getCiphertexts())
      out.ciphertexts.push_back({DeviceId{c.getDeviceId()}, Incarnation{c.getIncarnation()},
                                 core::Bytes(c.getCiphertext().begin(), c.getCiphertext().end())});
    return out;
  });
  if (!send.ok()) return replies::refuse(id, send.error());
  return PendingSend{id, std::move(send).value()};
}

HandlerOutput FrameHandler::finish_send(const PendingSend& pending, const SendOutcome& outcome) {
  const std::uint32_t id = pending.request_id;
  HandlerOutput out;
  if (!outcome.ok()) {
    const auto e = outcome.error();
    out.replies.push_back(outcome.code() == Errc::device_mismatch
                              ? replies::error(id, wire::ErrorCode::DEVICE_MISMATCH, e.detail, &outcome.mismatch())
                              : replies::error(id, e));
    return out;
  }
  const auto& receipt = outcome.receipt();
  out.replies.push_back(replies::or_internal(id, transport::encode_frame(id, 8, [&](wire::Frame::Builder root) {
    auto a = root.getBody().initSendAck();
    a.setClientMessageId(pending.send.client_message_id.value);
    a.setServerId(receipt.server_id.value);
    a.setServerTimestampMs(receipt.timestamp_ms);
  })));
  if (!receipt.repeated)
    for (const auto& c : pending.send.ciphertexts)
      out.new_mail.push_back(MailboxAddress{pending.send.destination, c.device, c.incarnation});
  return out;
}

std::variant<MessageAck, HandlerOutput> FrameHandler::prepare_ack(SessionState& session,
                                                                 const transport::DecodedFrame& frame) {
  const std::uint32_t id = frame.request_id();
  if (!session.device) return replies::refuse(id, core::make_error(Errc::untrusted_identity, "not logged in"));
  auto server_id = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<ServerId> {
    return ServerId{root.getBody().getAck().getServerId()};
  });
  if (!server_id.ok()) return replies::refuse(id, server_id.error());
  // The ack always reaches the store (which deletes only this device's own message); the
  // in-flight window shrinks only for a message this connection pushed.
  session.in_flight.erase(server_id->value);
  return MessageAck{*session.device, *server_id};
}

HandlerOutput FrameHandler::pump(SessionState& session) {
  HandlerOutput out;
  if (!session.device || session.in_flight.size() >= kMaxInFlight) return out;
  const std::size_t room = kMaxInFlight - session.in_flight.size();
  auto messages = store_.fetch(*session.device, session.cursor, room);
  if (!messages.ok()) {
    // The device was removed (not_found) or the store failed: this session cannot be served.
    out.close = messages.error();
    out.replies.push_back(replies::error(0, messages.error()));
    return out;
  }
  for (const auto& m : *messages) {
    out.replies.push_back(replies::or_internal(0, transport::encode_frame(0, 16 + m.ciphertext.size() / 8, [&](wire::Frame::Builder root) {
      auto d = root.getBody().initDeliver();
      d.setServerId(m.server_id.value);
      d.setServerTimestampMs(m.timestamp_ms);
      d.setSenderAccount(m.sender_account.value);
      d.setSenderDevice(m.sender_device.value);
      d.setCiphertext({m.ciphertext.data(), m.ciphertext.size()});
    })));
    session.in_flight.insert(m.server_id.value);
    ++out.delivered;
    session.cursor = m.server_id;
  }
  // Fewer than there was room for: the mailbox is drained up to now. The first time, that is the
  // backlog found at login: say so once.
  if (messages->size() < room && !session.queue_empty_sent) {
    session.queue_empty_sent = true;
    out.replies.push_back(replies::or_internal(0, transport::encode_frame(0, 4, [](wire::Frame::Builder root) {
      root.getBody().setQueueEmpty();
    })));
  }
  return out;
}

}  // namespace parley::server
