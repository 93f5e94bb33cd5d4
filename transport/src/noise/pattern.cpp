#include "parley/transport/noise/pattern.h"

#include <array>
#include <string>

namespace parley::transport::noise {

namespace {

using enum Token;

const std::array<HandshakePattern, 4>& patterns() {
  static const std::array<HandshakePattern, 4> table{{
      {PatternId::nn, "NN", {}, {}, {{e}, {e, ee}}},
      {PatternId::xx, "XX", {}, {}, {{e}, {e, ee, s, es}, {s, se}}},
      {PatternId::ik, "IK", {}, {s}, {{e, es, s, ss}, {e, ee, se}}},
      // Alice-initiated "-> e ... <- e, ee, s, es -> s, se" with the roles swapped, so the DH
      // tokens name (initiator, responder) = (Bob, Alice) like every other pattern here.
      {PatternId::xx_fallback, "XXfallback", {}, {e}, {{e, ee, s, se}, {s, es}}},
  }};
  return table;
}

}  // namespace

const HandshakePattern& handshake_pattern(PatternId id) {
  for (const auto& p : patterns())
    if (p.id == id) return p;
  return patterns()[0];  // unreachable: the table covers the enum
}

core::Result<PatternId> pattern_from_name(std::string_view name) {
  for (const auto& p : patterns())
    if (p.name == name) return p.id;
  return core::make_error(core::Errc::unsupported, "Noise pattern '" + std::string(name) + "'");
}

}  // namespace parley::transport::noise
