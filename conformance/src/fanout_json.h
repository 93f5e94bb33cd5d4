// The `fanout` vector file's JSON forms (spec/test-vectors.md §3.17), shared by its generator and
// verifier: a planner request and mismatch read from a case, and a plan or re-plan written as JSON
// so that the verifier compares what it computed with what the file holds, field for field.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "parley/conformance/vector_file.h"
#include "parley/protocol/fanout/planner.h"

namespace parley::conformance::detail {

nlohmann::ordered_json request_json(const protocol::fanout::FanoutRequest& request);
nlohmann::ordered_json mismatch_json(const protocol::fanout::Mismatch& mismatch);
nlohmann::ordered_json plan_json(const protocol::fanout::FanoutPlan& plan);
nlohmann::ordered_json replan_json(const protocol::fanout::Replan& replan);

// `malformed` (naming the field) for a case whose inputs do not have these forms.
core::Result<protocol::fanout::FanoutRequest> read_fanout_request(const Case& c);
core::Result<std::optional<protocol::fanout::Mismatch>> read_mismatch(const Case& c);

}  // namespace parley::conformance::detail
