// Receipts (spec §10.2): a device that stores a peer's message tells every device of the sender
// it was delivered; a person reading a chat tells them it was read ("read up to", per sending
// device). Receipts are end-to-end encrypted contents sent through the same fan-out as messages,
// so our own other devices get them too: a read receipt of ours marks the chat read on all of them.
// A device of the sender keeps every receipt mark in its store and replays them into the ticks
// state machine (protocol/receipts), so ticks never go back, whatever order receipts come in.
#include "parley/client/engine.h"

namespace parley::client {

using core::Errc;
using protocol::receipts::Status;

namespace {

constexpr const char* kReadReceiptsSetting = "read_receipts";

protocol::receipts::Receipt as_receipt(std::uint64_t member, Status level, std::uint64_t message_id) {
  if (level == Status::read) return {member, level, {}, message_id};
  return {member, level, {message_id}, 0};
}

}  // namespace

core::Result<void> Engine::set_read_receipts(bool on) {
  PARLEY_CHECK(store_.set_setting(kReadReceiptsSetting, on ? 1 : 0));
  read_receipts_ = on;
  ticks_.clear();  // what one-to-one chats show changed
  return {};
}

core::Result<Engine::Ticks*> Engine::ticks(std::uint64_t chat, std::uint32_t sender_device) {
  const TicksKey key{chat, sender_device};
  if (auto it = ticks_.find(key); it != ticks_.end()) return &it->second;
  Ticks t{protocol::receipts::ChatTicks({chat}, false, read_receipts_), {}};
  PARLEY_TRY(const auto outgoing, store_.outgoing(chat, identity_.account));
  for (const auto& o : outgoing) {
    if (o.sender_device != sender_device) continue;
    if (!t.machine.add(o.message_id).ok()) continue;  // cannot repeat: the store is unique by id
    if (o.sent) t.machine.sent(o.message_id);
    t.messages.push_back(o.message_id);
  }
  PARLEY_TRY(const auto receipts, store_.receipts(chat));
  for (const auto& r : receipts)
    if (r.sender_device == sender_device) (void)t.machine.apply(as_receipt(r.member, r.level, r.message_id));
  return &ticks_.emplace(key, std::move(t)).first->second;
}

core::Result<void> Engine::load_outbox() {
  PARLEY_TRY(const auto unsent, store_.unsent(identity_.account, identity_.device));
  for (const auto& m : unsent) {
    PendingSend send;
    send.peer = m.chat;
    send.timestamp_ms = m.timestamp_ms;
    send.text = m.body;
    sends_.emplace(m.message_id, std::move(send));
  }
  PARLEY_TRY(const auto receipts, store_.pending_receipts());
  for (const auto& r : receipts) {
    auto content = transport::decode_content(r.content);
    if (!content.ok() || !content->receipt) {  // cannot be: this device wrote it
      PARLEY_CHECK(store_.delete_pending_receipt(r.id));
      continue;
    }
    PendingSend send;
    send.peer = r.peer;
    send.timestamp_ms = content->timestamp_ms;
    send.receipt = std::move(content->receipt);
    sends_.emplace(r.id, std::move(send));
  }
  return {};
}

core::Result<Status> Engine::status(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) {
  PARLEY_TRY(auto* t, ticks(chat, sender_device));
  return t->machine.status(message_id);
}

void Engine::note_outgoing(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id, bool sent) {
  const auto it = ticks_.find({chat, sender_device});
  if (it == ticks_.end()) return;
  auto& t = it->second;
  // New to the machine: receipts that came before it (kept as early ones) apply now.
  if (t.machine.add(message_id).ok()) t.messages.push_back(message_id);
  if (sent) t.machine.sent(message_id);
}

EngineOutput Engine::on_outgoing_stored(const StoredMessage& m, bool sent) {
  EngineOutput out;
  if (sent)
    if (auto marked = store_.mark_sent(m.sender_account, m.sender_device, m.message_id); !marked.ok())
      return {{}, {FailedEvent{0, marked.error()}}};
  note_outgoing(m.chat, m.sender_device, m.message_id, sent);
  if (auto s = status(m.chat, m.sender_device, m.message_id); s.ok() && *s != Status::pending)
    out.events.push_back(TicksEvent{m.chat, m.sender_device, m.message_id, *s});
  return out;
}

EngineOutput Engine::on_sent(std::uint64_t message_id, const PendingSend& send) {
  if (send.receipt) {  // a receipt has no ticks of its own: it leaves the outbox
    if (auto deleted = store_.delete_pending_receipt(message_id); !deleted.ok()) return {{}, {FailedEvent{0, deleted.error()}}};
    return {};
  }
  EngineOutput out{{}, {SentEvent{message_id, send.peer}}};
  out.append(on_outgoing_stored({send.peer, Direction::outgoing, identity_.account, identity_.device, message_id,
                                 send.timestamp_ms, send.text},
                                true));
  return out;
}

EngineOutput Engine::send_receipt(std::uint64_t peer, transport::ReceiptBody receipt) {
  auto id = store_.take_message_id();
  if (!id.ok()) return {{}, {FailedEvent{0, id.error()}}};
  PendingSend send;
  send.peer = peer;
  send.timestamp_ms = clock_();
  // Kept until the server has it, so that a restart sends it still (the message it is about was
  // acknowledged to the server already and will not come again).
  auto content = transport::encode_content({*id, send.timestamp_ms, "", std::nullopt, receipt});
  if (!content.ok()) return {{}, {FailedEvent{0, content.error()}}};
  if (auto kept = store_.put_pending_receipt({*id, peer, std::move(*content)}); !kept.ok())
    return {{}, {FailedEvent{0, kept.error()}}};
  send.receipt = std::move(receipt);
  sends_.emplace(*id, std::move(send));
  return advance();
}

core::Result<EngineOutput> Engine::mark_read(std::uint64_t chat) {
  PARLEY_TRY(const auto messages, store_.messages(chat));
  std::map<std::uint32_t, std::uint64_t> latest;  // peer device -> its newest message here
  for (const auto& m : messages)
    if (m.direction == Direction::incoming) latest[m.sender_device] = std::max(latest[m.sender_device], m.message_id);
  transport::ReceiptBody receipt{Status::read, chat, {}};
  for (const auto& [device, up_to] : latest) {
    PARLEY_TRY(const bool moved, store_.raise_read_mark(chat, device, up_to));
    if (moved) receipt.marks.push_back({device, up_to});
  }
  if (receipt.marks.empty() || !read_receipts_ || chat == identity_.account) return EngineOutput{};
  return send_receipt(chat, std::move(receipt));
}

EngineOutput Engine::on_receipt(std::uint64_t sender_account, const transport::ReceiptBody& receipt) {
  EngineOutput out;
  // Our own device read a chat: this device marks it read as well (it sends nothing: the peer
  // got that device's receipt).
  if (sender_account == identity_.account) {
    if (receipt.type != Status::read) return out;
    for (const auto& mark : receipt.marks)
      if (auto raised = store_.raise_read_mark(receipt.chat, mark.sender_device, mark.message_id); !raised.ok())
        return {{}, {FailedEvent{0, raised.error()}}};
    return out;
  }
  // A peer's receipt is about our messages, in the chat with that peer.
  if (receipt.chat != identity_.account) {
    out.events.push_back(FailedEvent{0, core::make_error(Errc::malformed, "a receipt from " + std::to_string(sender_account) +
                                                                              " about another account's messages")});
    return out;
  }
  const std::uint64_t chat = sender_account;
  for (const auto& mark : receipt.marks) {
    auto known = store_.message(identity_.account, mark.sender_device, mark.message_id);
    if (!known.ok()) return {{}, {FailedEvent{0, known.error()}}};
    if (!known->has_value()) {
      // This device holds every message it wrote: a mark naming another is not about ours.
      if (mark.sender_device == identity_.device) continue;
      // Another device's copy may still be on its way: the mark is kept for it, boundedly.
      auto ahead = store_.receipts_ahead(chat, identity_.account);
      if (!ahead.ok()) return {{}, {FailedEvent{0, ahead.error()}}};
      if (*ahead >= kMaxReceiptsAhead) continue;
    }
    auto added = store_.add_receipt(chat, {sender_account, receipt.type, mark.sender_device, mark.message_id});
    if (!added.ok()) return {{}, {FailedEvent{0, added.error()}}};
    if (!*added) continue;  // a duplicate: nothing can move
    auto t = ticks(chat, mark.sender_device);
    if (!t.ok()) return {{}, {FailedEvent{0, t.error()}}};
    auto& machine = (*t)->machine;
    std::vector<Status> before;
    for (const auto id : (*t)->messages) before.push_back(machine.status(id));
    (void)machine.apply(as_receipt(sender_account, receipt.type, mark.message_id));
    for (std::size_t i = 0; i < before.size(); ++i) {
      const auto id = (*t)->messages[i];
      const TicksEvent moved{chat, mark.sender_device, id, machine.status(id)};
      if (moved.status != before[i]) out.events.emplace_back(moved);
    }
  }
  return out;
}

}  // namespace parley::client
