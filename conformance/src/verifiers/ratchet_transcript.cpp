// Type `ratchet-transcript` (spec/test-vectors.md §3.12): replays the steps of a case on the two
// parties and compares every message, message key, plaintext and each party's keys after each step.
#include <nlohmann/json.hpp>

#include "../conversation.h"
#include "checks.h"
#include "parley/core/hex.h"
#include "parley/protocol/kdf.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

core::Result<Outcome> check_message_keys(const Case& step, const protocol::SessionState& sender) {
  PARLEY_TRY(const Case expected, child(step, "message_keys"));
  auto keys = protocol::kdf_message_keys(protocol::kdf_message_seed(sender.sender.chain.key));
  if (!keys) return unexpected_error("message keys", keys.error());
  PARLEY_TRY(const auto cipher_key, expected.bytes("cipher_key"));
  PARLEY_TRY(const auto mac_key, expected.bytes("mac_key"));
  PARLEY_TRY(const auto iv, expected.bytes("iv"));
  for (auto o : {compare("cipher_key", cipher_key, keys->cipher_key.view()),
                 compare("mac_key", mac_key, keys->mac_key.view()), compare("iv", iv, keys->iv.view())})
    if (failed(o)) return o;
  return Outcome::pass();
}

core::Result<Outcome> run_step(Conversation& conversation, const Case& step) {
  PARLEY_TRY(const auto op, step.string("op"));
  PARLEY_TRY(const auto party, read_party(step, "party"));
  PARLEY_TRY(const auto plaintext, step.bytes("plaintext"));
  if (op == "send") {
    const auto* state = conversation.state(party);
    if (state == nullptr) return Outcome::fail(std::string(party_name(party)) + " has no session to send on");
    PARLEY_TRY(auto keys_outcome, check_message_keys(step, *state));
    if (failed(keys_outcome)) return keys_outcome;
    PARLEY_TRY(const auto type, read_message_type(step, "message_type"));
    PARLEY_TRY(const auto wire, step.bytes("message"));
    auto sent = conversation.send(party, plaintext);
    if (!sent) return unexpected_error("send", sent.error());
    if (sent->type != type) return Outcome::fail("message type differs");
    return compare("message", wire, sent->wire);
  }
  if (op != "deliver") return step.field_error("op", "must be \"send\" or \"deliver\"");
  PARLEY_TRY(const auto index, step.uint("message_index"));
  if (index >= conversation.sent().size()) return step.field_error("message_index", "names a message not sent yet");
  if (conversation.sent()[index].first == party) return step.field_error("party", "a party does not receive its own message");
  PARLEY_TRY(const auto ratchet, step.optional_bytes("entropy"));
  crypto::ScriptedEntropy entropy(ratchet.value_or(core::Bytes{}));
  auto received = conversation.deliver(index, entropy);
  if (!received) return unexpected_error("deliver", received.error());
  if (entropy.remaining() != 0) return Outcome::fail("the step's entropy was not drawn");
  return compare("plaintext", plaintext, *received);
}

}  // namespace

core::Result<Outcome> verify_ratchet_transcript(const Case& c) {
  PARLEY_TRY(auto parties, SessionParties::read(c));
  auto conversation = Conversation::start(std::move(parties));
  if (!conversation) return unexpected_error("Alice's session", conversation.error());
  PARLEY_TRY(const auto steps, children(c, "steps"));
  for (std::size_t n = 0; n < steps.size(); ++n) {
    const std::string where = "step " + std::to_string(n) + ": ";
    PARLEY_TRY(auto outcome, run_step(*conversation, steps[n]));
    if (failed(outcome)) return Outcome::fail(where + outcome.reason);
    PARLEY_TRY(const auto party, read_party(steps[n], "party"));
    auto expected = steps[n].json().find("state");
    if (expected == steps[n].json().end()) return steps[n].field_error("state", "missing");
    const auto actual = nlohmann::json::parse(conversation->snapshot(party).dump());
    if (actual != *expected)
      return Outcome::fail(where + std::string(party_name(party)) + "'s state differs: expected " + expected->dump() +
                           ", computed " + actual.dump());
  }
  return Outcome::pass(std::to_string(steps.size()) + " steps");
}

}  // namespace parley::conformance::detail
