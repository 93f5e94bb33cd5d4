// Message ticks from receipts (spec §10.1): per message, pending (not yet on the server), sent (the
// server acknowledged it: one tick), delivered (two ticks), read (blue), played (a voice note
// heard). Receipts come from the recipients' devices to every device of the sender, as end-to-end
// encrypted messages, late, duplicated and in any order; the merge is a join (the maximum per
// recipient), so it is monotone, commutative, associative and idempotent: no tick ever goes back,
// and every device of the sender that saw the same receipts shows the same ticks.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "parley/core/error.h"

namespace parley::protocol::receipts {

enum class Status : std::uint8_t { pending = 0, sent = 1, delivered = 2, read = 3, played = 4 };

// What one recipient's device says. Delivered and played name messages; read is cumulative per
// chat ("read up to" the sender's per-chat sequence number), which caps receipt traffic.
struct Receipt {
  std::uint64_t member = 0;     // the recipient's account
  Status level = Status::delivered;  // delivered, read or played
  std::vector<std::uint64_t> sequences;  // delivered, played: these messages
  std::uint64_t read_up_to = 0;          // read: every message up to and including this one
};

// The ticks of one chat's outgoing messages, as one device of the sender shows them.
class ChatTicks {
 public:
  // `members`: the recipients (one account in a one-to-one chat; every other member in a group).
  // `group`: delivered and read need every member; otherwise any device of the one recipient.
  // `show_read`: false when this person turned read receipts off (one-to-one chats only: then
  // their devices send none and show none, as WhatsApp does).
  ChatTicks(std::set<std::uint64_t> members, bool group, bool show_read);

  // A message of ours in this chat, by its per-chat sequence number (increasing, not necessarily
  // consecutive: the client uses its sending device's message ids, spec §10.2).
  // `malformed` for 0 or a number already used.
  core::Result<void> add(std::uint64_t sequence);
  // The server acknowledged it.
  void sent(std::uint64_t sequence);
  // A receipt: merged, never lowering anything. `malformed` for a level below delivered, a member
  // not in the chat, or a read receipt without its number; messages it names that this device
  // does not know (yet) are remembered for when they are added.
  core::Result<void> apply(const Receipt& receipt);

  Status status(std::uint64_t sequence) const;
  std::size_t size() const { return messages_.size(); }

 private:
  struct PerMessage {
    bool sent = false;
    std::map<std::uint64_t, Status> levels;  // member -> highest level seen
  };
  Status raise(PerMessage& m, std::uint64_t member, Status level);

  std::set<std::uint64_t> members_;
  bool group_;
  bool show_read_;
  std::map<std::uint64_t, PerMessage> messages_;          // sequence -> state
  std::map<std::uint64_t, std::uint64_t> read_up_to_;     // member -> highest "read up to"
  std::map<std::uint64_t, PerMessage> early_;             // receipts for messages not added yet
};

}  // namespace parley::protocol::receipts
