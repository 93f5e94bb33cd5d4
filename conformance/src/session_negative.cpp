#include "session_negative.h"

namespace parley::conformance::detail {

core::Error run_negative(const SessionParties& parties, const NegativeCase& c) {
  auto internal = [](std::string what) { return core::make_error(core::Errc::internal, std::move(what)); };
  auto conversation = Conversation::start(parties);
  if (!conversation) return internal("starting Alice's session: " + core::to_string(conversation.error()));
  crypto::ScriptedEntropy entropy(c.receiver_entropy);
  for (std::size_t i = 0; i < c.history.size(); ++i) {
    auto r = conversation->deliver_bytes(c.receiver, c.history[i].type, c.history[i].wire, entropy);
    if (!r) return internal("history message " + std::to_string(i) + ": " + core::to_string(r.error()));
  }
  const protocol::SessionRecord before = conversation->record_of(c.receiver);
  const auto prekeys_before = conversation->keys_of(c.receiver).one_time_prekeys.size();
  auto r = conversation->deliver_bytes(c.receiver, c.message.type, c.message.wire, entropy);
  if (r) return internal("the message was accepted");
  if (!(conversation->record_of(c.receiver) == before)) return internal("the failed message changed the sessions");
  if (conversation->keys_of(c.receiver).one_time_prekeys.size() != prekeys_before)
    return internal("the failed message consumed a one-time prekey");
  return r.error();
}

}  // namespace parley::conformance::detail
