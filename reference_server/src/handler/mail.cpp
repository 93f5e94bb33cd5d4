// spec §7.3, §8.5: sends into mailboxes (the single tick), acknowledgements, delivery, and the
// retry requests a device relays to a sender.
#include "parley/server/handler/frame_handler.h"
#include "replies.h"

namespace parley::server {

using core::Errc;

namespace {

// A send from the logged-in device, under its idempotency key, naming these blobs.
Send from_device(const ConnectionState& connection, std::uint64_t client_message_id, const std::vector<core::Bytes>& blob_refs) {
  Send send;
  send.sender_account = connection.device->account;
  send.sender_device = connection.device->device;
  send.client_message_id = ClientMessageId{client_message_id};
  send.blob_refs = blob_refs;
  return send;
}

}  // namespace

std::variant<PreparedSend, HandlerOutput> FrameHandler::prepare_send(ConnectionState& connection, std::uint32_t id,
                                                                     const wire::Send& frame) {
  if (!connection.device) return replies::refuse(id, replies::not_logged_in());
  Send send = from_device(connection, frame.client_message_id, frame.blob_refs);
  send.destination = AccountId{frame.destination};
  send.retry = frame.retry_of != 0;
  send.ciphertexts.reserve(frame.targets.size());
  for (const auto& t : frame.targets) send.ciphertexts.push_back({DeviceId{t.device}, Incarnation{t.incarnation}, t.ciphertext});
  return PreparedSend{id, std::move(send)};
}

// A group message (spec §11.3): the one ciphertext, copied for every named device, committed like a
// send (the same idempotency keys, batch and acknowledgement).
std::variant<PreparedSend, HandlerOutput> FrameHandler::prepare_group_send(ConnectionState& connection, std::uint32_t id,
                                                                           const wire::GroupSend& frame) {
  if (!connection.device) return replies::refuse(id, replies::not_logged_in());
  Send send = from_device(connection, frame.client_message_id, frame.blob_refs);
  GroupFanout fanout{frame.group, frame.membership_version, {}};
  fanout.destinations.reserve(frame.recipients.size());
  for (const auto& r : frame.recipients) {
    Destination to{AccountId{r.account}, {}};
    to.ciphertexts.reserve(r.devices.size());
    for (const auto& [device, incarnation] : r.devices) to.ciphertexts.push_back({DeviceId{device}, Incarnation{incarnation}, frame.ciphertext});
    fanout.destinations.push_back(std::move(to));
  }
  send.group = std::move(fanout);
  return PreparedSend{id, std::move(send)};
}

namespace {

void put_ids(std::vector<std::uint32_t>& out, const std::vector<DeviceId>& ids) {
  for (const auto d : ids) out.push_back(d.value);
}

}  // namespace

HandlerOutput FrameHandler::finish_send(const PreparedSend& prepared, const SendOutcome& outcome) {
  const std::uint32_t id = prepared.request_id;
  if (!outcome.ok()) {
    if (outcome.code() != Errc::device_mismatch) return replies::refuse(id, outcome.error());
    auto refusal = wire::error_frame(outcome.error());
    put_ids(refusal.missing_devices, outcome.mismatch().missing);
    put_ids(refusal.extra_devices, outcome.mismatch().extra);
    put_ids(refusal.stale_devices, outcome.mismatch().stale);
    for (const auto& [account, m] : outcome.group_mismatch()) {
      auto& out = refusal.account_mismatches.emplace_back(wire::AccountMismatch{account.value, {}, {}, {}});
      put_ids(out.missing_devices, m.missing);
      put_ids(out.extra_devices, m.extra);
      put_ids(out.stale_devices, m.stale);
    }
    return replies::reply(id, refusal);
  }
  const auto& receipt = outcome.receipt();
  auto out = replies::reply(id, wire::SendAck{prepared.send.client_message_id.value, receipt.server_id.value, receipt.timestamp_ms});
  if (!receipt.repeated)
    for (const auto& to : prepared.send.destinations())
      for (const auto& c : to.ciphertexts) out.new_mail.push_back(MailboxAddress{to.account, c.device, c.incarnation});
  return out;
}

std::variant<MessageAck, HandlerOutput> FrameHandler::prepare_ack(ConnectionState& connection, std::uint32_t id,
                                                                  const wire::Ack& frame) {
  if (!connection.device) return replies::refuse(id, replies::not_logged_in());
  // The ack always reaches the store (which deletes only this device's own message); the
  // in-flight window shrinks only for a message this connection pushed.
  connection.in_flight.erase(frame.server_id);
  return MessageAck{*connection.device, ServerId{frame.server_id}};
}

HandlerOutput FrameHandler::pump(ConnectionState& connection) {
  HandlerOutput out;
  if (!connection.device || connection.in_flight.size() >= kMaxInFlight) return out;
  const std::size_t room = kMaxInFlight - connection.in_flight.size();
  auto messages = store_.fetch(*connection.device, connection.cursor, room);
  if (!messages.ok()) {
    // The device was removed (not_found) or the store failed: this connection cannot be served.
    return replies::refuse(0, messages.error(), true);
  }
  for (auto& m : *messages) {
    connection.in_flight.insert(m.server_id.value);
    connection.cursor = m.server_id;
    out.replies.push_back(replies::frame(0, wire::Deliver{m.server_id.value, m.timestamp_ms, m.sender_account.value,
                                                          m.sender_device.value, std::move(m.ciphertext)}));
    ++out.delivered;
  }
  // Fewer than there was room for: the mailbox is drained up to now. The first time, that is the
  // backlog found at login: say so once.
  if (messages->size() < room && !connection.queue_empty_sent) {
    connection.queue_empty_sent = true;
    out.replies.push_back(replies::frame(0, wire::QueueEmpty{}));
  }
  return out;
}

// A device that could not decrypt a message asks its sender device to send it again (spec §8.5):
// relayed as a push with the asking device filled in by the server, which the sender can trust.
HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::RetryRequest& frame) {
  wire::RetryRequest pushed = frame;
  pushed.account = connection.device->account.value;
  pushed.device = connection.device->device.value;
  auto out = replies::reply(id, wire::Ok{});
  out.pushes.emplace_back(AccountDevice{AccountId{frame.account}, DeviceId{frame.device}}, replies::frame(0, pushed));
  return out;
}

// Retired: receipts are end-to-end encrypted contents sent like any message (spec §10.2), so that
// the server learns no more from them than from a message.
HandlerOutput FrameHandler::on(ConnectionState&, std::uint32_t id, const wire::RetiredReceipt&) {
  return replies::refuse(id, core::make_error(Errc::unsupported, "receipt relay frames; send receipts as messages"));
}

}  // namespace parley::server
