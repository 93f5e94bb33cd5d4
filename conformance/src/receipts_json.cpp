#include "receipts_json.h"

#include <array>
#include <string>

namespace parley::conformance::detail {

namespace receipts = protocol::receipts;
using Json = nlohmann::ordered_json;
using receipts::Status;

namespace {

constexpr std::array<std::pair<Status, std::string_view>, 5> kStatusNames{{
    {Status::pending, "pending"},
    {Status::sent, "sent"},
    {Status::delivered, "delivered"},
    {Status::read, "read"},
    {Status::played, "played"},
}};

}  // namespace

std::string_view status_name(Status status) {
  for (const auto& [s, name] : kStatusNames)
    if (s == status) return name;
  return "pending";  // unreachable: every Status is listed
}

std::optional<Status> status_from_name(std::string_view name) {
  for (const auto& [s, n] : kStatusNames)
    if (n == name) return s;
  return std::nullopt;
}

Json event_json(const TicksEvent& e) {
  switch (e.kind) {
    case TicksEvent::Kind::add: return {{"event", "add"}, {"sequence", e.sequence}};
    case TicksEvent::Kind::sent: return {{"event", "sent"}, {"sequence", e.sequence}};
    case TicksEvent::Kind::receipt: break;
  }
  const auto& r = e.receipt;
  return {{"event", "receipt"},
          {"member", r.member},
          {"level", status_name(r.level)},
          {"sequences", r.sequences},
          {"read_up_to", r.read_up_to == 0 ? Json(nullptr) : Json(r.read_up_to)}};
}

core::Result<std::vector<std::uint64_t>> read_sequences(const Case& c, const char* field) {
  const auto it = c.json().find(field);
  if (it == c.json().end() || !it->is_array()) return c.field_error(field, "an array of non-negative integers");
  std::vector<std::uint64_t> out;
  for (const auto& v : *it) {
    if (!v.is_number_unsigned()) return c.field_error(field, "an array of non-negative integers");
    out.push_back(v.get<std::uint64_t>());
  }
  return out;
}

core::Result<TicksEvent> read_event(const Case& c) {
  PARLEY_TRY(const auto kind, c.string("event"));
  TicksEvent e;
  if (kind == "add" || kind == "sent") {
    e.kind = kind == "add" ? TicksEvent::Kind::add : TicksEvent::Kind::sent;
    PARLEY_TRY(e.sequence, c.uint("sequence"));
    return e;
  }
  if (kind != "receipt") return c.field_error("event", "add, sent or receipt");
  e.kind = TicksEvent::Kind::receipt;
  PARLEY_TRY(e.receipt.member, c.uint("member"));
  PARLEY_TRY(const auto level, c.string("level"));
  const auto status = status_from_name(level);
  if (!status) return c.field_error("level", "a status name");
  e.receipt.level = *status;
  PARLEY_TRY(e.receipt.sequences, read_sequences(c, "sequences"));
  if (c.has("read_up_to")) {
    PARLEY_TRY(e.receipt.read_up_to, c.uint("read_up_to"));
  }
  return e;
}

core::Result<TicksChat> read_chat(const Case& c) {
  TicksChat chat;
  PARLEY_TRY(const auto members, read_sequences(c, "members"));
  chat.members = {members.begin(), members.end()};
  if (chat.members.size() != members.size()) return c.field_error("members", "each member once");
  PARLEY_TRY(chat.group, c.boolean("group"));
  PARLEY_TRY(chat.show_read, c.boolean("show_read"));
  return chat;
}

core::Result<void> apply_event(receipts::ChatTicks& ticks, const TicksEvent& e) {
  switch (e.kind) {
    case TicksEvent::Kind::add: return ticks.add(e.sequence);
    case TicksEvent::Kind::sent: ticks.sent(e.sequence); return {};
    case TicksEvent::Kind::receipt: return ticks.apply(e.receipt);
  }
  return {};
}

Json statuses_json(const receipts::ChatTicks& ticks, const std::vector<std::uint64_t>& messages) {
  Json out = Json::array();
  for (const auto sequence : messages) out.push_back(status_name(ticks.status(sequence)));
  return out;
}

}  // namespace parley::conformance::detail
