#include "parley/protocol/receipts/ticks.h"

#include <algorithm>

namespace parley::protocol::receipts {

using core::Errc;

ChatTicks::ChatTicks(std::set<std::uint64_t> members, bool group, bool show_read)
    : members_(std::move(members)), group_(group), show_read_(show_read || group) {}

core::Result<void> ChatTicks::add(std::uint64_t sequence) {
  if (sequence == 0 || messages_.contains(sequence))
    return core::make_error(Errc::malformed, "a message sequence number must be new and non-zero");
  PerMessage m;
  if (auto early = early_.find(sequence); early != early_.end()) {
    m = std::move(early->second);
    early_.erase(early);
  }
  messages_.emplace(sequence, std::move(m));
  return {};
}

void ChatTicks::sent(std::uint64_t sequence) {
  auto it = messages_.find(sequence);
  if (it != messages_.end()) it->second.sent = true;
}

Status ChatTicks::raise(PerMessage& m, std::uint64_t member, Status level) {
  auto& current = m.levels[member];
  current = std::max(current, level);
  return current;
}

core::Result<void> ChatTicks::apply(const Receipt& r) {
  if (r.level < Status::delivered) return core::make_error(Errc::malformed, "a receipt is delivered, read or played");
  if (!members_.contains(r.member)) return core::make_error(Errc::malformed, "a receipt from outside the chat");
  if (r.level == Status::read) {
    if (r.read_up_to == 0) return core::make_error(Errc::malformed, "a read receipt names how far");
    auto& up_to = read_up_to_[r.member];
    up_to = std::max(up_to, r.read_up_to);
    return {};
  }
  for (const auto sequence : r.sequences) {
    auto it = messages_.find(sequence);
    raise(it != messages_.end() ? it->second : early_[sequence], r.member, r.level);
  }
  return {};
}

Status ChatTicks::status(std::uint64_t sequence) const {
  auto it = messages_.find(sequence);
  if (it == messages_.end()) return Status::pending;
  const auto& m = it->second;
  // Each member's level: its receipts, and read for everything up to its "read up to".
  auto level_of = [&](std::uint64_t member) {
    Status level = Status::pending;
    if (auto l = m.levels.find(member); l != m.levels.end()) level = l->second;
    if (auto r = read_up_to_.find(member); r != read_up_to_.end() && sequence <= r->second) level = std::max(level, Status::read);
    // Read implies delivered; without read receipts shown, nothing above delivered is (a played
    // voice note was also delivered).
    if (!show_read_ && level > Status::delivered) level = Status::delivered;
    return level;
  };
  Status combined = group_ ? Status::played : Status::pending;
  for (const auto member : members_) {
    const auto level = level_of(member);
    combined = group_ ? std::min(combined, level) : std::max(combined, level);
  }
  if (members_.empty()) combined = Status::pending;
  // A receipt proves the server had it: the single tick at least.
  const Status floor = m.sent ? Status::sent : Status::pending;
  return combined >= Status::delivered ? combined : std::max(floor, combined);
}

}  // namespace parley::protocol::receipts
