// A conversation between the two SessionParties through the libsignal codec, step by step, with
// the randomness of each step given explicitly: the engine of the ratchet-transcript and
// session-negative vectors, shared by their generators (which record) and verifiers (which compare).
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "session_parties.h"

namespace parley::conformance::detail {

enum class Party { alice, bob };
std::string_view party_name(Party p);
core::Result<Party> read_party(const Case& c, std::string_view field);

class Conversation {
 public:
  static core::Result<Conversation> start(SessionParties parties);

  // Encrypts on `from`'s current session; the message is kept at index sent().size() - 1.
  core::Result<protocol::OutgoingMessage> send(Party from, core::BytesView plaintext);
  // Delivers a kept message to its receiver with `entropy` (the ratchet key a DH step draws).
  core::Result<core::Bytes> deliver(std::size_t index, crypto::Entropy& entropy);
  // Delivers arbitrary bytes to `to`.
  core::Result<core::Bytes> deliver_bytes(Party to, protocol::MessageType type, core::BytesView wire,
                                          crypto::Entropy& entropy);

  const std::vector<std::pair<Party, protocol::OutgoingMessage>>& sent() const { return sent_; }

  const protocol::SessionRecord& record_of(Party p) const { return p == Party::alice ? alice_ : bob_; }
  const protocol::MemoryPreKeyStore& keys_of(Party p) const { return p == Party::alice ? alice_keys_ : parties_.bob; }

  const protocol::SessionState* state(Party p) const {
    const auto& r = p == Party::alice ? alice_ : bob_;
    return r.current ? &*r.current : nullptr;
  }

  // Every key of `party`'s current session, as the vectors record it (spec/test-vectors.md §3.12).
  nlohmann::ordered_json snapshot(Party party) const;

 private:
  explicit Conversation(SessionParties parties) : parties_(std::move(parties)) {}
  protocol::SessionRecord& record(Party p) { return p == Party::alice ? alice_ : bob_; }

  SessionParties parties_;
  protocol::MemoryPreKeyStore alice_keys_;  // Alice receives no prekey messages; an empty store
  protocol::SessionRecord alice_, bob_;
  std::vector<std::pair<Party, protocol::OutgoingMessage>> sent_;
};

}  // namespace parley::conformance::detail
