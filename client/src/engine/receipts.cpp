#include "receipts.h"

#include <algorithm>
#include <map>
#include <string>

namespace parley::client::engine {

using core::Errc;
using protocol::receipts::Status;

Output Receipts::delivered(std::uint64_t peer, std::uint32_t sender_device, std::uint64_t message_id) {
  return outbox_.add_receipt(peer, {Status::delivered, peer, {{sender_device, message_id}}});
}

Output Receipts::mark_read(std::uint64_t chat) {
  PARLEY_TRY(const auto messages, ctx_.store.messages(chat));
  std::map<std::uint32_t, std::uint64_t> latest;  // peer device -> its newest message here
  for (const auto& m : messages)
    if (m.direction == Direction::incoming) latest[m.sender_device] = std::max(latest[m.sender_device], m.message_id);
  wire::ReceiptBody receipt{Status::read, chat, {}};
  for (const auto& [device, up_to] : latest) {
    PARLEY_TRY(const bool moved, ctx_.store.raise_read_mark(chat, device, up_to));
    if (moved) receipt.marks.push_back({device, up_to});
  }
  if (receipt.marks.empty() || !ticks_.read_receipts() || chat == ctx_.identity.account) return EngineOutput{};
  return outbox_.add_receipt(chat, std::move(receipt));
}

Output Receipts::on_receipt(std::uint64_t sender_account, const wire::ReceiptBody& receipt) {
  // Our own device read a chat: this device marks it read as well (it sends nothing: the peer got
  // that device's receipt). Our own delivered and played receipts say nothing to us.
  if (sender_account == ctx_.identity.account) {
    if (receipt.type != Status::read) return EngineOutput{};
    for (const auto& mark : receipt.marks) PARLEY_CHECK(ctx_.store.raise_read_mark(receipt.chat, mark.sender_device, mark.message_id));
    return EngineOutput{};
  }
  // A peer's receipt is about our messages, in the chat with that peer.
  if (receipt.chat != ctx_.identity.account)
    return failed(0, core::make_error(Errc::malformed, "a receipt from " + std::to_string(sender_account) +
                                                           " about another account's messages"));
  return ticks_.on_peer_receipt(sender_account, receipt);
}

}  // namespace parley::client::engine
