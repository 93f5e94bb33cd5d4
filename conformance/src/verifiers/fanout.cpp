// Type `fanout` (spec/test-vectors.md §3.17): the planner run on the case's request (and mismatch);
// the plan and re-plan must be the case's, field for field, or fail with the case's error.
#include "../fanout_json.h"
#include "checks.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

Outcome compare_json(std::string_view field, const nlohmann::json& expected, const nlohmann::ordered_json& got) {
  if (nlohmann::json(got) == expected) return Outcome::pass();
  return Outcome::fail(std::string(field) + ": expected " + expected.dump() + ", got " + got.dump());
}

}  // namespace

core::Result<Outcome> verify_fanout(const Case& c) {
  PARLEY_TRY(const auto request, read_fanout_request(c));
  PARLEY_TRY(const auto mismatch, read_mismatch(c));
  const auto planned = protocol::fanout::plan(request);
  if (!planned.ok()) return judge_expected_error(c, planned.error());
  if (auto o = compare_json("plan", c.json().value("plan", nlohmann::json()), plan_json(*planned)); failed(o)) return o;
  if (mismatch) {
    const auto replanned = protocol::fanout::replan(*planned, request.self, *mismatch);
    if (!replanned.ok()) return judge_expected_error(c, replanned.error());
    if (auto o = compare_json("replan", c.json().value("replan", nlohmann::json()), replan_json(*replanned)); failed(o))
      return o;
  }
  PARLEY_TRY(const auto expected_error, c.optional_errc("error"));
  if (expected_error) return Outcome::fail("expected " + std::string(core::errc_name(*expected_error)) + ", it succeeded");
  return Outcome::pass();
}

}  // namespace parley::conformance::detail
