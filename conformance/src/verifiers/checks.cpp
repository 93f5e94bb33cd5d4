#include "checks.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "parley/core/hex.h"

namespace parley::conformance::detail {

Outcome compare(std::string_view field, core::BytesView expected, core::BytesView actual) {
  if (expected.size() == actual.size() && std::equal(expected.begin(), expected.end(), actual.begin()))
    return Outcome::pass();
  return Outcome::fail(std::string(field) + " differs: expected " + core::to_hex(expected) + ", computed " +
                       core::to_hex(actual));
}

Outcome unexpected_error(std::string_view operation, const core::Error& error) {
  return Outcome::fail(std::string(operation) + " failed: " + core::to_string(error));
}

namespace {

core::Result<Outcome> judge_rejection(const Case& c, const core::Error& error) {
  PARLEY_TRY(auto expected, c.optional_errc("error"));
  if (expected && *expected != error.code)
    return Outcome::fail("expected error " + std::string(core::errc_name(*expected)) + ", got " +
                         core::to_string(error));
  return Outcome::pass("rejected with " + std::string(core::errc_name(error.code)));
}

}  // namespace

core::Result<Outcome> judge_validity(const Case& c, bool valid, const core::Result<void>& result) {
  if (valid) {
    // A valid case naming an error contradicts itself.
    if (c.has("error")) return c.field_error("error", "set although the case is valid");
    if (!result) return unexpected_error("verification", result.error());
    return Outcome::pass();
  }
  if (result) return Outcome::fail("accepted, but the case is invalid");
  return judge_rejection(c, result.error());
}

core::Result<Outcome> judge_expected_error(const Case& c, const core::Error& error) {
  PARLEY_TRY(auto expected, c.optional_errc("error"));
  if (!expected) return unexpected_error("the operation", error);
  return judge_rejection(c, error);
}

core::Result<Case> child(const Case& c, const char* field) {
  auto it = c.json().find(field);
  if (it == c.json().end() || !it->is_object()) return c.field_error(field, "must be an object");
  return Case(&*it, c.id());
}

core::Result<std::vector<Case>> children(const Case& c, const char* field) {
  auto it = c.json().find(field);
  if (it == c.json().end() || !it->is_array()) return c.field_error(field, "must be an array");
  std::vector<Case> out;
  for (const auto& item : *it) {
    if (!item.is_object()) return c.field_error(field, "every element must be an object");
    out.emplace_back(&item, c.id());
  }
  return out;
}

Outcome unsupported_kind(std::string_view kind) {
  return Outcome::skip("unsupported kind '" + std::string(kind) + "'");
}

}  // namespace parley::conformance::detail
