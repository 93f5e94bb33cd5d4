// What checking one case came to. A verifier returns an Outcome when the case could be checked,
// and an Error (`malformed`) when the case itself is broken: a broken vector is the vector
// author's problem and must not be mistaken for an implementation that disagrees with it.
#pragma once

#include <string>
#include <string_view>

namespace parley::conformance {

enum class Verdict { pass, fail, skip };

std::string_view verdict_name(Verdict v);  // "PASS", "FAIL", "SKIP"

struct Outcome {
  Verdict verdict = Verdict::pass;
  // Why it failed or was skipped; for a pass, an optional note such as the error code a negative
  // case was rejected with (shown with --verbose).
  std::string reason;

  static Outcome pass(std::string note = {}) { return {Verdict::pass, std::move(note)}; }
  static Outcome fail(std::string why) { return {Verdict::fail, std::move(why)}; }
  static Outcome skip(std::string why) { return {Verdict::skip, std::move(why)}; }
};

}  // namespace parley::conformance
