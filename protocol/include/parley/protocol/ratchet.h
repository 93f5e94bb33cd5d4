// The Double Ratchet on a SessionState (spec §5.3, §5.4).
//
// Decryption is split into plan (a pure function of the state and the message) and commit (which
// cannot fail): a message that fails to authenticate leaves the state exactly as it was, and a
// successful one changes only what the plan names, without copying the skipped-key store.
#pragma once

#include <variant>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/protocol/message.h"
#include "parley/protocol/session_state.h"
#include "parley/protocol/x3dh.h"

#include "parley/protocol/limits.h"

namespace parley::protocol {

// Session set-up (spec §5.1). The initiator's first sending chain needs a fresh ratchet key pair.
struct InitiatorSetup {
  const X25519KeyPair& our_identity;
  const X25519KeyPair& our_base_key;
  X25519KeyPair our_ratchet_key;  // Alice's first sending ratchet key
  const PreKeyBundle& bundle;
  RegistrationId our_registration_id;
  // Bob's first ratchet key; libsignal uses the signed prekey (null here), its tests another key.
  const X25519PublicKey* their_ratchet_key = nullptr;
};
core::Result<SessionState> initiate_session(const InitiatorSetup& setup);

struct ResponderSetup {
  const X25519KeyPair& our_identity;
  const X25519KeyPair& our_signed_prekey;
  const X25519KeyPair* our_one_time_prekey;
  const X25519KeyPair& our_ratchet_key;  // the signed prekey in libsignal; a test may pass another
  const X25519PublicKey& their_identity;
  const X25519PublicKey& their_base_key;
  RegistrationId our_registration_id;
  RegistrationId their_registration_id;
};
core::Result<SessionState> respond_session(const ResponderSetup& setup);

// Encrypts one message on the sending chain; returns the serialized SignalMessage with its MAC.
// The prekey wrapping (spec §5.5) is the session layer's.
core::Result<core::Bytes> ratchet_encrypt(SessionState& state, core::BytesView plaintext, const MessageCodec& codec);

struct ReceivePlan {
  struct UseSkipped {
    SkippedKeys::Id id;
  };
  struct AdvanceChain {
    std::size_t receiver;  // index into receivers
    ChainKey next;
    std::vector<SkippedKeys::Entry> skipped;
  };
  struct NewChain {
    Key32 root_key;
    ReceiverChain receiver;
    SenderChain sender;
    std::uint32_t previous_counter;
    std::vector<SkippedKeys::Entry> skipped;
  };
  std::variant<UseSkipped, AdvanceChain, NewChain> change;
  core::Bytes plaintext;
};

// The chain steps one incoming message may still cause (spec §5.5), shared by every session it is
// tried on.
struct ReceiveBudget {
  std::uint32_t remaining = kMaxReceiveWork;
  // Takes `work` if that much is left.
  bool spend(std::uint32_t work) {
    if (work > remaining) return false;
    remaining -= work;
    return true;
  }
};

// Finds or derives the message key, checks the MAC and decrypts. Never changes `state`.
// Errors: unsupported_version, duplicate_message, too_far_in_future, decrypt_failed, bad_key,
// entropy_exhausted (a DH step needs a new ratchet key, drawn only after the message authenticated),
// limit_exceeded (the work it would take is more than `budget` has left; nothing was derived).
core::Result<ReceivePlan> plan_decrypt(const SessionState& state, const ReceivedSignalMessage& message,
                                       crypto::Entropy& entropy, ReceiveBudget& budget);
void commit_decrypt(SessionState& state, ReceivePlan&& plan);

// plan_decrypt (with a fresh budget) then commit_decrypt.
core::Result<core::Bytes> ratchet_decrypt(SessionState& state, const ReceivedSignalMessage& message,
                                          crypto::Entropy& entropy);

}  // namespace parley::protocol
