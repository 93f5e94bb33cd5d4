// The group cipher (spec §11.1): creating a sender key, encrypting with it, processing a
// distribution message and decrypting, exactly as libsignal does. Pure functions over a record:
// encrypting and decrypting return the change to make (a ChainUpdate) and change nothing
// themselves, so a caller commits only on success and no failure can alter a record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/protocol/groups/sender_key_messages.h"
#include "parley/protocol/groups/sender_key_state.h"

namespace parley::protocol::groups {

// What one message does to one state of a record. Small on purpose: skipping 2000 iterations
// must not copy the record's other states or keys.
struct ChainUpdate {
  std::size_t state_index = 0;               // into record.states
  std::optional<std::uint32_t> used_stored;  // a stored message key to delete, or
  std::uint32_t next_iteration = 0;          // else the chain moves here,
  core::Key32 next_chain_key;
  std::vector<SenderMessageKey> skipped;  // keeping these seeds (the newest kMaxSenderMessageKeys)
};

// Applies an update returned for this very record.
void apply(SenderKeyRecord& record, const ChainUpdate& update);

// The sender's distribution message. With no record (or none with a state) a new key is made from
// `entropy`, in this order: 4 bytes (little-endian u32, shifted right once: a 31-bit chain id),
// 32 bytes of chain key, 32 bytes of signing private key (clamped). With a record, its front state
// at its current iteration: no rekey (to rekey, the sender deletes its record).
struct Distribution {
  SenderKeyRecord record;  // the sender's record after the call
  SenderKeyDistributionMessage message;
};
core::Result<Distribution> create_distribution(const std::optional<SenderKeyRecord>& existing,
                                               const DistributionId& distribution_id,
                                               crypto::Entropy& entropy);

// Processes a received distribution message into the receiver's record for (sender, its
// distribution id); `record` may be empty. Cannot fail: the codec checked the message.
void process_distribution(SenderKeyRecord& record, const SenderKeyDistributionMessage& message);

struct Encrypted {
  core::Bytes message;  // the whole sender-key message, signature included
  ChainUpdate update;
};
// Encrypts with the record's front state and signs with its private key (64 bytes of `entropy`).
// No state is `no_session`; a state without its private key is `bad_key`; a chain at 2^32 - 1 is
// `limit_exceeded`.
core::Result<Encrypted> group_encrypt(const SenderKeyRecord& record, const DistributionId& distribution_id,
                                      core::BytesView plaintext, const SenderKeyCodec& codec,
                                      crypto::Entropy& entropy);

struct Decrypted {
  core::Bytes plaintext;
  ChainUpdate update;
};
// Steps 4 to 9 of the receive order (the codec did 1 to 3): `record` is the receiver's record for
// (sender, the message's distribution id), nullptr when there is none.
core::Result<Decrypted> group_decrypt(const SenderKeyRecord* record, const ReceivedSenderKeyMessage& message);

// The front state's chain moved on by `count` iterations without a message (a sender whose
// messages were not kept: vectors and tests). A chain that would pass 2^32 - 1 is `limit_exceeded`.
core::Result<ChainUpdate> skip_sender_iterations(const SenderKeyRecord& record, std::uint32_t count);

}  // namespace parley::protocol::groups
