// The sender key state and record (spec §11.1). A state is one sender chain: its id, the chain key
// at its next iteration, the signing key (the pair on the sender's side, the public half on a
// receiver's) and the message keys of iterations skipped but not received yet. A record holds the
// states of one (sender, distribution id), newest first, at most kMaxSenderKeyStates of them.
#pragma once

#include <cstdint>
#include <deque>
#include <iosfwd>
#include <optional>
#include <vector>

#include "parley/core/secret_array.h"
#include "parley/core/secret_bytes.h"
#include "parley/crypto/x25519.h"
#include "parley/protocol/groups/sender_key_messages.h"

namespace parley::protocol::groups {

// The seed of one iteration's message keys, kept for a message not received yet.
struct SenderMessageKey {
  std::uint32_t iteration = 0;
  core::Key32 seed;
  friend bool operator==(const SenderMessageKey&, const SenderMessageKey&) = default;
};

struct SenderKeyState {
  // libsignal stores 0 for "the first version", which is 3; kept as stored so a record's bytes
  // survive a round trip, and read through effective_message_version().
  std::uint32_t message_version = kSenderKeyVersion;
  std::uint32_t chain_id = 0;
  std::uint32_t iteration = 0;  // of chain_key: the next iteration this chain sends or expects
  core::Key32 chain_key;
  crypto::X25519PublicKey signing_public{};
  std::optional<core::SecretBytes> signing_private;  // the sender's own states only
  std::deque<SenderMessageKey> message_keys;         // oldest first, at most kMaxSenderMessageKeys

  std::uint32_t effective_message_version() const {
    return message_version == 0 ? kSenderKeyVersion : message_version;
  }
  friend bool operator==(const SenderKeyState&, const SenderKeyState&) = default;
};

struct SenderKeyRecord {
  std::vector<SenderKeyState> states;  // newest first

  // The first state with this chain id, or none (libsignal looks no further than the first).
  const SenderKeyState* state_for_chain(std::uint32_t chain_id) const;
  friend bool operator==(const SenderKeyRecord&, const SenderKeyRecord&) = default;
};

// Prints chain ids, iterations and key counts, never a key, so a logged record leaks nothing.
std::ostream& operator<<(std::ostream& os, const SenderKeyState& state);
std::ostream& operator<<(std::ostream& os, const SenderKeyRecord& record);

// Adds a state as libsignal does when a distribution message is processed or a sender creates its
// key (spec §11.1, "Record rules"): a state with the same chain id and signing key is kept as it is
// and moved to the front; otherwise every state with that chain id goes and the new one is put in
// front, the oldest dropped so that at most kMaxSenderKeyStates remain.
void add_state(SenderKeyRecord& record, SenderKeyState state);

}  // namespace parley::protocol::groups
