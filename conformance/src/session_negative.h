// The check behind the session-negative vectors (spec/test-vectors.md §3.13), shared by their
// generator and verifier: a receiver (Alice right after starting her session, or Bob with only his
// keys) takes the history messages, which must all decrypt, then the final message, which must fail
// and must leave the receiver's sessions and prekeys exactly as they were.
#pragma once

#include <vector>

#include "conversation.h"

namespace parley::conformance::detail {

struct WireMessage {
  protocol::MessageType type;
  core::Bytes wire;
};

struct NegativeCase {
  Party receiver;
  core::Bytes receiver_entropy;  // drawn in order by the DH steps of the history
  std::vector<WireMessage> history;
  WireMessage message;
};

// The error the final message produced. A failure of the set-up or of a history message, an
// accepted final message, or a failed message that changed state is returned as an `internal`
// error whose detail says which.
core::Error run_negative(const SessionParties& parties, const NegativeCase& c);

}  // namespace parley::conformance::detail
