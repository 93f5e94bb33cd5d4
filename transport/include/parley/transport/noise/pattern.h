// Handshake patterns as data (rev 34 §7), in canonical form: the first message is always the
// initiator's. XXfallback (§10.2) is stored Bob-initiated: Bob, the IK responder, is its initiator
// and Alice's IK ephemeral is the responder's pre-message.
#pragma once

#include <string_view>
#include <vector>

#include "parley/core/error.h"

namespace parley::transport::noise {

enum class Token { e, s, ee, es, se, ss };

enum class PatternId { nn, xx, ik, xx_fallback };

struct HandshakePattern {
  PatternId id;
  std::string_view name;                     // as in the protocol name: "XX", "XXfallback"
  std::vector<Token> initiator_pre_message;  // public keys the responder knows in advance
  std::vector<Token> responder_pre_message;  // public keys the initiator knows in advance
  std::vector<std::vector<Token>> messages;  // even index: initiator sends; odd: responder
};

const HandshakePattern& handshake_pattern(PatternId id);

// A name Parley implements, else `unsupported` (psk, one-way and other patterns included).
core::Result<PatternId> pattern_from_name(std::string_view name);

}  // namespace parley::transport::noise
