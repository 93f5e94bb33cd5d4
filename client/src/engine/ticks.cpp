#include "ticks.h"

namespace parley::client::engine {

using protocol::receipts::Status;

namespace {

constexpr const char* kReadReceiptsSetting = "read_receipts";

protocol::receipts::Receipt as_receipt(std::uint64_t member, Status level, std::uint64_t message_id) {
  if (level == Status::read) return {member, level, {}, message_id};
  return {member, level, {message_id}, 0};
}

}  // namespace

core::Result<void> Ticks::load() {
  PARLEY_TRY(const auto setting, ctx_.store.setting(kReadReceiptsSetting));
  read_receipts_ = setting.value_or(1) != 0;
  machines_.clear();
  return {};
}

core::Result<void> Ticks::set_read_receipts(bool on) {
  PARLEY_CHECK(ctx_.store.set_setting(kReadReceiptsSetting, on ? 1 : 0));
  read_receipts_ = on;
  machines_.clear();  // what one-to-one chats show changed
  return {};
}

core::Result<Ticks::Machine*> Ticks::machine(std::uint64_t chat, std::uint32_t sender_device) {
  const Key key{chat, sender_device};
  if (auto it = machines_.find(key); it != machines_.end()) return &it->second;
  Machine m{protocol::receipts::ChatTicks({chat}, false, read_receipts_), {}};
  PARLEY_TRY(const auto outgoing, ctx_.store.outgoing(chat, ctx_.identity.account));
  for (const auto& o : outgoing) {
    if (o.sender_device != sender_device) continue;
    if (!m.ticks.add(o.message_id).ok()) continue;  // cannot repeat: the store is unique by id
    if (o.sent) m.ticks.sent(o.message_id);
    m.messages.push_back(o.message_id);
  }
  PARLEY_TRY(const auto receipts, ctx_.store.receipts(chat));
  for (const auto& r : receipts)
    if (r.sender_device == sender_device) (void)m.ticks.apply(as_receipt(r.member, r.level, r.message_id));
  return &machines_.emplace(key, std::move(m)).first->second;
}

core::Result<Status> Ticks::status(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) {
  PARLEY_TRY(auto* m, machine(chat, sender_device));
  return m->ticks.status(message_id);
}

void Ticks::note_outgoing(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id, bool sent) {
  const auto it = machines_.find({chat, sender_device});
  if (it == machines_.end()) return;
  auto& m = it->second;
  // New to the machine: receipts that came before it (kept as early ones) apply now.
  if (m.ticks.add(message_id).ok()) m.messages.push_back(message_id);
  if (sent) m.ticks.sent(message_id);
}

Output Ticks::on_outgoing_stored(const StoredMessage& m, bool sent) {
  if (sent) PARLEY_CHECK(ctx_.store.mark_sent(m.sender_account, m.sender_device, m.message_id));
  // Marks that came before this copy are about a message held now.
  if (m.sender_device != ctx_.identity.device) PARLEY_CHECK(ctx_.store.settle_receipt_ahead(m.chat, m.sender_device, m.message_id));
  note_outgoing(m.chat, m.sender_device, m.message_id, sent);
  EngineOutput out;
  PARLEY_TRY(const auto s, status(m.chat, m.sender_device, m.message_id));
  if (s != Status::pending) out.events.push_back(TicksEvent{m.chat, m.sender_device, m.message_id, s});
  return out;
}

Output Ticks::on_peer_receipt(std::uint64_t peer, const wire::ReceiptBody& receipt) {
  EngineOutput out;
  const std::uint64_t chat = peer;
  for (const auto& mark : receipt.marks) {
    PARLEY_TRY(const auto known, ctx_.store.message(ctx_.identity.account, mark.sender_device, mark.message_id));
    if (!known) {
      // This device holds every message it wrote: a mark naming another is not about ours.
      if (mark.sender_device == ctx_.identity.device) continue;
      // Another device's copy may still be on its way: the mark is kept for it, boundedly (a lookup
      // of the chat's count, not a scan of its receipts).
      PARLEY_TRY(const auto ahead, ctx_.store.receipts_ahead(chat));
      if (ahead >= kMaxReceiptsAhead) continue;
      PARLEY_CHECK(ctx_.store.note_receipt_ahead(chat, mark.sender_device, mark.message_id));
    }
    PARLEY_TRY(const bool added, ctx_.store.add_receipt(chat, {peer, receipt.type, mark.sender_device, mark.message_id}));
    if (!added) continue;  // a duplicate: nothing can move
    PARLEY_TRY(auto* m, machine(chat, mark.sender_device));
    std::vector<Status> before;
    before.reserve(m->messages.size());
    for (const auto id : m->messages) before.push_back(m->ticks.status(id));
    (void)m->ticks.apply(as_receipt(peer, receipt.type, mark.message_id));
    for (std::size_t i = 0; i < before.size(); ++i) {
      const auto id = m->messages[i];
      const TicksEvent moved{chat, mark.sender_device, id, m->ticks.status(id)};
      if (moved.status != before[i]) out.events.emplace_back(moved);
    }
  }
  return out;
}

}  // namespace parley::client::engine
