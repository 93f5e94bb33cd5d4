// The scripted exchanges of the ratchet-transcript vectors (spec/test-vectors.md §3.12): drops,
// reordering, late messages on old chains, DH steps in each direction. The generator runs a script
// and records every step; the verifier reads the recorded steps back from the file, so a script is
// only ever needed to write a file.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "conversation.h"

namespace parley::conformance::detail {

struct ScriptStep {
  enum class Op { send, deliver } op;
  Party party;          // the sender of a send, the receiver of a deliver
  std::string text;     // send: the plaintext
  std::size_t message;  // deliver: index of the message in send order
};

struct RatchetScript {
  std::string id;
  std::string description;  // empty: the case carries none (ratchet-transcript.json has none)
  bool one_time_prekey = true;
  std::vector<ScriptStep> steps;
};

// Builds a script by sending and delivering: messages are numbered in send order, and a delivery
// goes to the party that did not send the message.
class ScriptBuilder {
 public:
  std::size_t send(Party from, std::string text);
  void deliver(std::size_t message);
  std::vector<ScriptStep> take() { return std::move(steps_); }

 private:
  std::vector<ScriptStep> steps_;
  std::vector<Party> senders_;
};

// The one case of ratchet-transcript.json. Its steps never change (the file is published).
RatchetScript drops_reordering_dh_steps();

// The cases of ratchet-transcript-conversations.json, in file order.
std::vector<RatchetScript> conversation_scripts();

}  // namespace parley::conformance::detail
