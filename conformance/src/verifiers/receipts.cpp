// Type `receipts` (spec/test-vectors.md §3.20): the case's events applied in order to a fresh
// ChatTicks (spec §10.1); each must succeed or fail with its error, and the statuses of the case's
// messages must be its `after` once it is applied, and `statuses` at the end.
#include "../receipts_json.h"
#include "checks.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

Outcome compare_statuses(const std::string& where, const nlohmann::json& expected, const nlohmann::ordered_json& got) {
  if (nlohmann::json(got) == expected) return Outcome::pass();
  return Outcome::fail(where + ": expected " + expected.dump() + ", got " + got.dump());
}

}  // namespace

core::Result<Outcome> verify_receipts(const Case& c) {
  PARLEY_TRY(const auto chat, read_chat(c));
  PARLEY_TRY(const auto messages, read_sequences(c, "messages"));
  PARLEY_TRY(const auto events, children(c, "events"));
  if (!c.json().contains("statuses")) return c.field_error("statuses", "required");
  protocol::receipts::ChatTicks ticks(chat.members, chat.group, chat.show_read);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const auto where = "event " + std::to_string(i);
    PARLEY_TRY(const auto event, read_event(e));
    PARLEY_TRY(const auto expected_error, e.optional_errc("error"));
    if (!e.json().contains("after")) return e.field_error("after", "required");
    const auto result = apply_event(ticks, event);
    if (!result.ok() && !expected_error) return unexpected_error(where, result.error());
    if (result.ok() && expected_error)
      return Outcome::fail(where + ": expected " + std::string(core::errc_name(*expected_error)) + ", it succeeded");
    if (!result.ok() && result.code() != *expected_error)
      return Outcome::fail(where + ": expected " + std::string(core::errc_name(*expected_error)) + ", got " +
                           std::string(core::errc_name(result.code())));
    if (auto o = compare_statuses(where + " after", e.json().at("after"), statuses_json(ticks, messages)); failed(o))
      return o;
  }
  return compare_statuses("statuses", c.json().at("statuses"), statuses_json(ticks, messages));
}

}  // namespace parley::conformance::detail
