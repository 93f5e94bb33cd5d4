// The verifiers, keyed by vector type (spec/test-vectors.md has one section per type).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parley/conformance/outcome.h"
#include "parley/conformance/vector_file.h"
#include "parley/core/error.h"

namespace parley::conformance {

// Checks one case. An Error means the case is malformed (a missing or mistyped field, bad hex, or
// values that contradict each other); a disagreement with the implementation is Outcome::fail.
using Verifier = core::Result<Outcome> (*)(const Case&);

struct VerifierEntry {
  std::string_view type;
  std::uint64_t version;  // the one format version this verifier reads
  Verifier verify;
};

// nullptr for a type this build does not verify (its cases are skipped, not failed: a file from a
// newer implementation may carry types we do not know yet).
const VerifierEntry* find_verifier(std::string_view type);

std::vector<std::string_view> supported_types();

struct CaseOutcome {
  std::string id;
  core::Result<Outcome> outcome;
};

// Runs the verifier of the file's type over every case, in file order. Unknown types and
// unsupported versions give a skip per case.
std::vector<CaseOutcome> verify_cases(const VectorFile& file);

}  // namespace parley::conformance
