// The state of one Double Ratchet session with one remote device (spec §5.3). A value type:
// copyable, comparable, no pointers. Printing it never prints a key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "parley/core/secret_array.h"
#include "parley/protocol/keys.h"

namespace parley::protocol {

using core::Key32;

struct ChainKey {
  Key32 key;
  std::uint32_t index = 0;  // the counter of the next message on this chain
  friend bool operator==(const ChainKey&, const ChainKey&) = default;
};

struct SenderChain {
  X25519KeyPair ratchet_key;
  ChainKey chain;
  friend bool operator==(const SenderChain&, const SenderChain&) = default;
};

struct ReceiverChain {
  X25519PublicKey ratchet_key{};
  ChainKey chain;
  friend bool operator==(const ReceiverChain&, const ReceiverChain&) = default;
};

// What the initiator repeats in every message until the first reply proves the session
// (spec §5.5: messages are prekey messages until then).
struct PendingPreKey {
  std::optional<PreKeyId> prekey_id;
  SignedPreKeyId signed_prekey_id;
  X25519PublicKey base_key{};
  friend bool operator==(const PendingPreKey&, const PendingPreKey&) = default;
};

// Message key seeds for counters that were skipped over, at most kMaxSkippedMessageKeys per
// receiver chain, the chain's oldest evicted first. Keyed by (ratchet key, counter); a second index by insertion
// order makes eviction O(log n).
class SkippedKeys {
 public:
  using Id = std::pair<X25519PublicKey, std::uint32_t>;
  struct Entry {
    Id id;
    Key32 seed;
  };

  const Key32* find(const Id& id) const;
  void erase(const Id& id);
  void erase_chain(const X25519PublicKey& ratchet_key);
  // Inserts in order, evicting the oldest beyond the limit.
  void insert(std::vector<Entry>&& entries);
  std::size_t size() const { return by_id_.size(); }
  // Every entry, oldest first. insert() numbers entries in the order given, so a store persisted
  // this way is rebuilt equal to the original (spec §5.8).
  std::vector<Entry> entries_in_order() const;

  // The same entries in the same relative order. The sequence numbers themselves are bookkeeping:
  // a rebuilt store numbers from zero again and must still compare equal.
  friend bool operator==(const SkippedKeys& a, const SkippedKeys& b);

 private:
  struct Stored {
    Key32 seed;
    std::uint64_t sequence;
    friend bool operator==(const Stored&, const Stored&) = default;
  };
  std::map<Id, Stored> by_id_;
  std::map<std::uint64_t, Id> by_age_;
  std::uint64_t next_sequence_ = 0;
};

struct SessionState {
  std::uint8_t version_byte = 0x33;  // the first byte of every message we send
  X25519PublicKey local_identity{};
  X25519PublicKey remote_identity{};
  RegistrationId local_registration_id;
  RegistrationId remote_registration_id;
  X25519PublicKey base_key{};  // the initiator's base key: which X3DH run made this session
  Key32 root_key;
  SenderChain sender;
  std::uint32_t previous_counter = 0;
  std::vector<ReceiverChain> receivers;  // newest first, at most kMaxReceiverChains
  SkippedKeys skipped;
  std::optional<PendingPreKey> pending_prekey;

  friend bool operator==(const SessionState&, const SessionState&) = default;
};

}  // namespace parley::protocol
