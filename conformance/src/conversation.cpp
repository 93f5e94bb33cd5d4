#include "conversation.h"

#include "parley/core/hex.h"
#include "parley/wire/libsignal_codec.h"

namespace parley::conformance::detail {

std::string_view party_name(Party p) { return p == Party::alice ? "alice" : "bob"; }

core::Result<Party> read_party(const Case& c, std::string_view field) {
  PARLEY_TRY(const auto name, c.string(field));
  if (name == "alice") return Party::alice;
  if (name == "bob") return Party::bob;
  return c.field_error(field, "must be \"alice\" or \"bob\"");
}

core::Result<Conversation> Conversation::start(SessionParties parties) {
  PARLEY_TRY(auto alice, parties.alice_start());
  Conversation c(std::move(parties));
  c.alice_keys_.identity_key = c.parties_.alice_identity;
  c.alice_keys_.registration = c.parties_.alice_registration;
  c.alice_ = std::move(alice);
  return c;
}

core::Result<protocol::OutgoingMessage> Conversation::send(Party from, core::BytesView plaintext) {
  PARLEY_TRY(auto message, protocol::session_encrypt(record(from), plaintext, wire::LibsignalCodec{}));
  sent_.emplace_back(from, message);
  return message;
}

core::Result<core::Bytes> Conversation::deliver(std::size_t index, crypto::Entropy& entropy) {
  if (index >= sent_.size()) return core::make_error(core::Errc::malformed, "no message " + std::to_string(index));
  const auto& [from, message] = sent_[index];
  return deliver_bytes(from == Party::alice ? Party::bob : Party::alice, message.type, message.wire, entropy);
}

core::Result<core::Bytes> Conversation::deliver_bytes(Party to, protocol::MessageType type, core::BytesView wire,
                                                      crypto::Entropy& entropy) {
  auto& keys = to == Party::alice ? alice_keys_ : parties_.bob;
  return detail::deliver(record(to), keys, type, wire, entropy);
}

nlohmann::ordered_json Conversation::snapshot(Party party) const {
  using Json = nlohmann::ordered_json;
  const auto* current = state(party);
  if (current == nullptr) return nullptr;
  const auto& s = *current;
  Json receivers = Json::array();
  for (const auto& chain : s.receivers)
    receivers.push_back({{"ratchet_key", core::to_hex(crypto::serialize_public_key(chain.ratchet_key))},
                         {"chain_key", core::to_hex(chain.chain.key.view())},
                         {"index", chain.chain.index}});
  return Json{{"root_key", core::to_hex(s.root_key.view())},
              {"sending_ratchet_key", core::to_hex(crypto::serialize_public_key(s.sender.ratchet_key.public_key))},
              {"sending_chain_key", core::to_hex(s.sender.chain.key.view())},
              {"sending_index", s.sender.chain.index},
              {"previous_counter", s.previous_counter},
              {"receiving_chains", std::move(receivers)},
              {"skipped_keys", s.skipped.size()}};
}

}  // namespace parley::conformance::detail
