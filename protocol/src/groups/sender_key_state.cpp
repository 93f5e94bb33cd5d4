#include "parley/protocol/groups/sender_key_state.h"

#include <algorithm>
#include <ostream>

#include "parley/protocol/limits.h"

namespace parley::protocol::groups {

const SenderKeyState* SenderKeyRecord::state_for_chain(std::uint32_t chain_id) const {
  const auto it =
      std::find_if(states.begin(), states.end(), [&](const auto& s) { return s.chain_id == chain_id; });
  return it == states.end() ? nullptr : &*it;
}

std::ostream& operator<<(std::ostream& os, const SenderKeyState& s) {
  return os << "SenderKeyState{chain " << s.chain_id << ", iteration " << s.iteration << ", "
            << s.message_keys.size() << " message keys" << (s.signing_private ? ", own" : "") << "}";
}

std::ostream& operator<<(std::ostream& os, const SenderKeyRecord& r) {
  os << "SenderKeyRecord{";
  for (std::size_t i = 0; i < r.states.size(); ++i) os << (i ? ", " : "") << r.states[i];
  return os << "}";
}

// spec §11.1, record rules.
void add_state(SenderKeyRecord& record, SenderKeyState state) {
  auto& states = record.states;
  const auto same = std::find_if(states.begin(), states.end(), [&](const auto& s) {
    return s.chain_id == state.chain_id && s.signing_public == state.signing_public;
  });
  if (same != states.end()) {
    state = std::move(*same);  // kept as it is: not reset, not moved forward
    states.erase(same);
  }
  std::erase_if(states, [&](const auto& s) { return s.chain_id == state.chain_id; });
  while (states.size() >= kMaxSenderKeyStates) states.pop_back();
  states.insert(states.begin(), std::move(state));
}

}  // namespace parley::protocol::groups
