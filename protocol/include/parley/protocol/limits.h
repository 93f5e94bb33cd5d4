// Every bound of the session layer, with its reason (spec §2.2, §5).
#pragma once

#include <cstddef>
#include <cstdint>

namespace parley::protocol {

// Message keys kept per receiver chain for messages not yet received (libsignal's MAX_MESSAGE_KEYS,
// also per chain). Enough for a long burst lost or reordered in flight; the chain's oldest are
// evicted first. With kMaxReceiverChains the session holds at most 10,000.
inline constexpr std::size_t kMaxSkippedMessageKeys = 2000;

// How far ahead of the next expected counter a message may be. Deriving keys is cheap, but a
// hostile counter of 2^32 - 1 must not make the receiver derive four billion of them.
inline constexpr std::uint32_t kMaxForwardJump = 2000;

// Receiver chains kept per session (libsignal: 5). Older chains' skipped keys go with them.
inline constexpr std::size_t kMaxReceiverChains = 5;

// Archived sessions per remote device (libsignal: 40): racing session setups from both sides and
// delayed messages from before a reinstall still decrypt.
inline constexpr std::size_t kMaxArchivedSessions = 40;

// The work one incoming message may cause, in chain steps (spec §5.5): a message that does not
// decrypt in the current session is tried on the archived ones, each costing a DH ratchet step and
// up to kMaxForwardJump derivations, so a forged one could cost 41 of each. One budget per message,
// shared by every session it is tried on, covers two full attempts (the current session's and one
// archived session's at the largest jump), or many more at small counters, which is what honest
// late messages have; a forged message then costs at most this much.
inline constexpr std::uint32_t kDhStepWork = 64;  // a DH ratchet step (X25519 and a root HKDF), in chain steps
inline constexpr std::uint32_t kMaxReceiveWork = 2 * (kMaxForwardJump + 1 + kDhStepWork);

// Sender keys (spec §11.1), libsignal's values so that a group behaves the same on either side:
// a sender-key message at most this many iterations past the chain's next one is accepted
// (inclusive), so a member who missed a long burst still reads on, while a hostile iteration of
// 2^32 - 1 costs at most this many HMACs.
inline constexpr std::uint32_t kMaxSenderKeyForwardJump = 25000;
// Message keys kept per sender-key state for iterations not received yet; past it the oldest go
// first (a late message then counts as a duplicate).
inline constexpr std::size_t kMaxSenderMessageKeys = 2000;
// States kept per (sender, distribution id): the sender's current chain and a few it replaced,
// so messages still in flight from before a rekey decrypt; the oldest is dropped first.
inline constexpr std::size_t kMaxSenderKeyStates = 5;

// The session version this implementation speaks (libsignal v3).
inline constexpr std::uint8_t kSessionVersion = 3;

}  // namespace parley::protocol
