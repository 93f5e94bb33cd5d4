// The scripted exchange of the ratchet-transcript vectors: drops, reordering, late messages on old
// chains and a DH step in each direction (spec/test-vectors.md §3.12). The generator runs it; the
// verifier reads the same steps back from the file.
#pragma once

#include <array>
#include <cstddef>

#include "conversation.h"

namespace parley::conformance::detail {

struct ScriptStep {
  enum class Op { send, deliver } op;
  Party party;             // the sender of a send, the receiver of a deliver
  const char* text;        // send: the plaintext
  std::size_t message;     // deliver: index of the message in send order
};

// Message 7 ("a4") is sent and never delivered: a drop.
inline constexpr std::array<ScriptStep, 19> kRatchetScript{{
    {ScriptStep::Op::send, Party::alice, "a0", 0},   {ScriptStep::Op::send, Party::alice, "a1", 0},
    {ScriptStep::Op::send, Party::alice, "a2", 0},   {ScriptStep::Op::deliver, Party::bob, nullptr, 0},
    {ScriptStep::Op::deliver, Party::bob, nullptr, 2},  // skips a1
    {ScriptStep::Op::send, Party::bob, "b0", 0},     {ScriptStep::Op::send, Party::bob, "b1", 0},
    {ScriptStep::Op::send, Party::bob, "b2", 0},     {ScriptStep::Op::deliver, Party::alice, nullptr, 5},  // DH step
    {ScriptStep::Op::deliver, Party::alice, nullptr, 3},  // b0 from the skipped keys
    {ScriptStep::Op::deliver, Party::bob, nullptr, 1},    // a1 late, a prekey message of the same run
    {ScriptStep::Op::send, Party::alice, "a3", 0},   {ScriptStep::Op::send, Party::alice, "a4", 0},
    {ScriptStep::Op::send, Party::alice, "a5", 0},   {ScriptStep::Op::deliver, Party::bob, nullptr, 8},  // DH step
    {ScriptStep::Op::send, Party::bob, "b3", 0},     {ScriptStep::Op::deliver, Party::alice, nullptr, 9},  // DH step
    {ScriptStep::Op::deliver, Party::bob, nullptr, 6},    // a3 late on Alice's previous chain
    {ScriptStep::Op::deliver, Party::alice, nullptr, 4},  // b1 late, from the skipped keys
}};

}  // namespace parley::conformance::detail
