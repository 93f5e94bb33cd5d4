// The `receipts` vector file's forms (spec/test-vectors.md §3.20), shared by its generator and
// verifier: a chat's setup and its events as JSON, one event applied to ChatTicks (spec §10.1), and
// the statuses of the case's messages as JSON, so that both sides run the same script the same way.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "parley/conformance/vector_file.h"
#include "parley/protocol/receipts/ticks.h"

namespace parley::conformance::detail {

struct TicksChat {
  std::set<std::uint64_t> members;
  bool group = false;
  bool show_read = true;
};

// One input to ChatTicks: add(sequence), sent(sequence) or apply(receipt).
struct TicksEvent {
  enum class Kind { add, sent, receipt };
  Kind kind = Kind::add;
  std::uint64_t sequence = 0;                  // add, sent
  protocol::receipts::Receipt receipt;         // receipt (read_up_to 0 is written null)
};

std::string_view status_name(protocol::receipts::Status status);  // "pending" ... "played"
std::optional<protocol::receipts::Status> status_from_name(std::string_view name);

// The event's inputs: {"event": "add"|"sent", "sequence"} or {"event": "receipt", "member",
// "level", "sequences", "read_up_to"}.
nlohmann::ordered_json event_json(const TicksEvent& event);
// `malformed` (naming the field) for an event or chat that does not have these forms; a level that
// is a status name below delivered is read as it is (ChatTicks must refuse it).
core::Result<TicksEvent> read_event(const Case& event);
core::Result<TicksChat> read_chat(const Case& c);
core::Result<std::vector<std::uint64_t>> read_sequences(const Case& c, const char* field);

// add and apply report ChatTicks' errors; sent has none.
core::Result<void> apply_event(protocol::receipts::ChatTicks& ticks, const TicksEvent& event);

// The status names of `messages`, in their order.
nlohmann::ordered_json statuses_json(const protocol::receipts::ChatTicks& ticks, const std::vector<std::uint64_t>& messages);

}  // namespace parley::conformance::detail
