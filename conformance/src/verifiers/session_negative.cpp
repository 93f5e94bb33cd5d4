// Type `session-negative` (spec/test-vectors.md §3.13): the final message must fail with the
// case's error and change nothing.
#include "../session_negative.h"
#include "checks.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

core::Result<WireMessage> read_message(const Case& c, std::string_view type_field, std::string_view wire_field) {
  PARLEY_TRY(const auto type, read_message_type(c, type_field));
  PARLEY_TRY(auto wire, c.bytes(wire_field));
  return WireMessage{type, std::move(wire)};
}

}  // namespace

core::Result<Outcome> verify_session_negative(const Case& c) {
  PARLEY_TRY(const auto parties, SessionParties::read(c));
  NegativeCase n;
  PARLEY_TRY(n.receiver, read_party(c, "receiver"));
  PARLEY_TRY(n.receiver_entropy, c.bytes("receiver_entropy"));
  PARLEY_TRY(const auto history, children(c, "history"));
  for (const auto& h : history) {
    PARLEY_TRY(auto m, read_message(h, "type", "message"));
    n.history.push_back(std::move(m));
  }
  PARLEY_TRY(n.message, read_message(c, "message_type", "message"));
  PARLEY_TRY(const auto expected, c.optional_errc("error"));
  if (!expected) return c.field_error("error", "a session-negative case names its error");
  const core::Error error = run_negative(parties, n);
  if (error.code == core::Errc::internal) return Outcome::fail(error.detail);
  if (error.code != *expected)
    return Outcome::fail("expected " + std::string(core::errc_name(*expected)) + ", got " + core::to_string(error));
  return Outcome::pass("rejected with " + std::string(core::errc_name(error.code)));
}

}  // namespace parley::conformance::detail
