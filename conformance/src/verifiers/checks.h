// Helpers shared by the verifiers: comparing a computed value with the vector's, and judging a
// case that expects an operation to succeed or to fail with a given error code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parley/conformance/outcome.h"
#include "parley/conformance/vector_file.h"
#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::conformance::detail {

// pass when equal, else a fail that shows both values (vectors hold no secrets worth hiding).
Outcome compare(std::string_view field, core::BytesView expected, core::BytesView actual);

// A failure of an operation the case expects to succeed.
Outcome unexpected_error(std::string_view operation, const core::Error& error);

// For cases with "valid": valid=true wants `result` ok; valid=false wants an error and, when the
// case has an "error" field (an errc name), exactly that code. A pass records the code it saw.
core::Result<Outcome> judge_validity(const Case& c, bool valid, const core::Result<void>& result);

// For cases whose "error" field is null when the operation must succeed: `error` is what the
// operation reported; the case says whether and which error it expects.
core::Result<Outcome> judge_expected_error(const Case& c, const core::Error& error);

// A case of a kind this verifier does not know: skipped, like an unknown type.
Outcome unsupported_kind(std::string_view kind);

// A nested object, or the objects of a nested array, as Cases with the parent's id (the accessors
// of Case cover scalar fields only). Missing or of another JSON type: `malformed` naming the field.
core::Result<Case> child(const Case& c, const char* field);
core::Result<std::vector<Case>> children(const Case& c, const char* field);

inline bool failed(const Outcome& o) { return o.verdict != Verdict::pass; }

}  // namespace parley::conformance::detail
