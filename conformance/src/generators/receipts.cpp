// Generates spec/vectors/receipts.json (spec/test-vectors.md §3.20): the ticks of one chat's
// outgoing messages (spec §10.1) driven by ChatTicks through scripts of events (messages added,
// acknowledged by the server, receipts from members), with every message's status after each event
// and the error of each event that must be refused.
#include <nlohmann/json.hpp>

#include "../receipts_json.h"
#include "generators.h"

namespace parley::conformance::detail {

namespace {

namespace receipts = protocol::receipts;
using Json = nlohmann::ordered_json;
using receipts::Status;
constexpr std::string_view kSeedName = "parley receipts v1";  // nothing is random; the file names its seed all the same
constexpr std::uint64_t kBob = 2, kCarol = 3, kDave = 4, kStranger = 9;

TicksEvent add(std::uint64_t sequence) { return {TicksEvent::Kind::add, sequence, {}}; }
TicksEvent sent(std::uint64_t sequence) { return {TicksEvent::Kind::sent, sequence, {}}; }
TicksEvent receipt(std::uint64_t member, Status level, std::vector<std::uint64_t> sequences, std::uint64_t read_up_to = 0) {
  return {TicksEvent::Kind::receipt, 0, {member, level, std::move(sequences), read_up_to}};
}
TicksEvent delivered(std::uint64_t member, std::vector<std::uint64_t> sequences) {
  return receipt(member, Status::delivered, std::move(sequences));
}
TicksEvent played(std::uint64_t member, std::vector<std::uint64_t> sequences) {
  return receipt(member, Status::played, std::move(sequences));
}
TicksEvent read(std::uint64_t member, std::uint64_t up_to) { return receipt(member, Status::read, {}, up_to); }

struct Script {
  std::string id, description;
  TicksChat chat;
  std::vector<std::uint64_t> messages;  // whose statuses the case records
  std::vector<TicksEvent> events;
};

Json run(const Script& s) {
  receipts::ChatTicks ticks(s.chat.members, s.chat.group, s.chat.show_read);
  Json events = Json::array();
  for (const auto& e : s.events) {
    auto j = event_json(e);
    const auto result = apply_event(ticks, e);
    j["error"] = result.ok() ? Json(nullptr) : Json(core::errc_name(result.code()));
    j["after"] = statuses_json(ticks, s.messages);
    events.push_back(std::move(j));
  }
  return {{"id", s.id},
          {"description", s.description},
          {"members", s.chat.members},
          {"group", s.chat.group},
          {"show_read", s.chat.show_read},
          {"messages", s.messages},
          {"events", std::move(events)},
          {"statuses", statuses_json(ticks, s.messages)}};
}

std::vector<Script> scripts() {
  const TicksChat one_to_one{{kBob}, false, true};
  const TicksChat group{{kBob, kCarol, kDave}, true, true};
  return {
      {"one-to-one-ticks", "pending, one tick, two ticks, blue", one_to_one, {1},
       {add(1), sent(1), delivered(kBob, {1}), read(kBob, 1)}},
      {"read-before-delivered", "a read receipt overtakes the delivery receipts, which then change nothing", one_to_one,
       {1, 2, 3},
       {add(1), sent(1), add(2), sent(2), add(3), read(kBob, 2), delivered(kBob, {1, 2})}},
      {"receipt-before-add", "receipts for messages this device has not added yet (sent from another device of ours)",
       one_to_one, {4, 5, 6},
       {delivered(kBob, {4}), read(kBob, 5), add(4), add(5), add(6), sent(6)}},
      {"receipt-before-server-ack", "a delivery receipt proves the server had the message: two ticks without one",
       one_to_one, {1}, {add(1), delivered(kBob, {1}), sent(1)}},
      {"duplicates", "receipts twice and a message added twice change nothing", one_to_one, {1, 2},
       {add(1), sent(1), delivered(kBob, {1}), delivered(kBob, {1}), add(2), sent(2), read(kBob, 2), read(kBob, 1),
        read(kBob, 2), add(1)}},
      {"read-receipts-off", "the person turned read receipts off: read and played show as delivered",
       {{kBob}, false, false}, {1, 2},
       {add(1), sent(1), add(2), sent(2), read(kBob, 1), delivered(kBob, {2}), played(kBob, {2})}},
      {"played", "a voice note: delivered, read, then played; and played straight away", one_to_one, {1, 2},
       {add(1), sent(1), add(2), sent(2), delivered(kBob, {1}), read(kBob, 1), played(kBob, {1}), played(kBob, {2})}},
      {"group-of-three", "a group message is delivered once all three have it, read once all three read it", group,
       {1, 2},
       {add(1), sent(1), add(2), sent(2), delivered(kBob, {1, 2}), delivered(kCarol, {1}), read(kDave, 2),
        delivered(kDave, {1}), read(kBob, 1), read(kCarol, 2), read(kBob, 2), played(kBob, {1}), played(kCarol, {1})}},
      {"group-read-receipts-off", "groups show read whatever this person's setting", {{kBob, kCarol, kDave}, true, false},
       {1}, {add(1), sent(1), read(kBob, 1), read(kCarol, 1), read(kDave, 1)}},
      {"malformed", "refused events change nothing; a valid receipt after them still counts", one_to_one, {1},
       {add(1), sent(1), add(0), add(1), receipt(kBob, Status::sent, {1}), receipt(kBob, Status::pending, {1}),
        delivered(kStranger, {1}), receipt(kBob, Status::read, {1}), read(kStranger, 1), delivered(kBob, {1})}},
  };
}

}  // namespace

core::Result<std::string> generate_receipts() {
  Json cases = Json::array();
  for (const auto& s : scripts()) cases.push_back(run(s));
  return vector_file_text("receipts",
                          "Ticks (spec §10.1): a chat's members, group and show_read flags, and events applied in "
                          "order to a fresh ChatTicks; after each event the statuses of `messages` (in order), and "
                          "the error of an event that must be refused; `statuses` after all events.",
                          LabelledSeed(kSeedName), std::move(cases));
}

}  // namespace parley::conformance::detail
