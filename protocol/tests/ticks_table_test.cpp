// The delivery model's transition table (spec §10.3), read from spec/protocol.md and walked through
// ChatTicks: each row's event, applied to a chat whose message has the row's status, gives the
// row's result. The Promela model merges by the same table, so the spec, the model and the code
// cannot drift apart without this test noticing.
#include "parley/protocol/receipts/ticks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <deque>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace parley::protocol::receipts {
namespace {

constexpr std::uint64_t kMember = 20;   // the recipient: a receipt from any of its devices counts
constexpr std::uint64_t kSequence = 1;  // the one message of the chat

struct Row {
  std::string from, event, to, read_receipts;
  std::string text;  // the table line, for failure messages
};

std::string cell(std::string s) {
  std::erase(s, '`');
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

// The rows of the first table under `heading`, without its header and separator lines.
std::vector<Row> table_under(const std::string& path, const std::string& heading) {
  std::ifstream in(path);
  std::vector<Row> rows;
  std::string line;
  bool in_section = false;
  int table_lines = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("#")) {
      if (in_section) break;
      in_section = line == heading;
      continue;
    }
    if (!in_section) continue;
    if (!line.starts_with("|")) {
      if (table_lines > 0) break;  // the table ended
      continue;
    }
    if (++table_lines <= 2) continue;
    std::vector<std::string> cells;
    std::stringstream fields(line.substr(1));
    for (std::string c; std::getline(fields, c, '|');) cells.push_back(cell(c));
    EXPECT_EQ(cells.size(), 4u) << line;
    if (cells.size() == 4) rows.push_back({cells[0], cells[1], cells[2], cells[3], line});
  }
  return rows;
}

const std::vector<Row>& table() {
  static const auto rows =
      table_under(std::string(PARLEY_SOURCE_DIR) + "/spec/protocol.md", "### 10.3 The delivery model");
  return rows;
}

// receipts::Status by its numbers, named as in the spec.
constexpr std::array<std::string_view, 5> kStatusNames{"pending", "sent", "delivered", "read", "played"};

std::optional<Status> status_named(const std::string& name) {
  const auto it = std::find(kStatusNames.begin(), kStatusNames.end(), name);
  if (it == kStatusNames.end()) return std::nullopt;
  return static_cast<Status>(it - kStatusNames.begin());
}
std::string_view name_of(Status s) { return kStatusNames.at(static_cast<std::size_t>(s)); }

constexpr std::array kEvents{"server_ack", "receipt_delivered", "receipt_read", "receipt_played"};

// One event of the table, as the sender's device receives it; false for a name the table must not use.
bool apply(ChatTicks& chat, const std::string& event) {
  if (event == "server_ack") {
    chat.sent(kSequence);
    return true;
  }
  if (event == "receipt_delivered") return chat.apply({kMember, Status::delivered, {kSequence}, 0}).ok();
  if (event == "receipt_read") return chat.apply({kMember, Status::read, {}, kSequence}).ok();
  if (event == "receipt_played") return chat.apply({kMember, Status::played, {kSequence}, 0}).ok();
  return false;
}

// The shortest path of the table's own rows from pending to `to`, for one read-receipts setting.
std::optional<std::vector<const Row*>> path_to(const std::string& to, const std::string& read_receipts) {
  std::map<std::string, std::vector<const Row*>> paths{{"pending", {}}};
  std::deque<std::string> todo{"pending"};
  while (!todo.empty()) {
    const auto at = todo.front();
    todo.pop_front();
    if (at == to) return paths[at];
    for (const auto& row : table()) {
      if (row.read_receipts != read_receipts || row.from != at || paths.contains(row.to)) continue;
      paths[row.to] = paths[at];
      paths[row.to].push_back(&row);
      todo.push_back(row.to);
    }
  }
  return std::nullopt;
}

TEST(TicksTable, EveryRowOfTheSpecHoldsForChatTicks) {
  ASSERT_FALSE(table().empty()) << "no table under ### 10.3 The delivery model in spec/protocol.md";
  for (const auto& row : table()) {
    SCOPED_TRACE(row.text);
    ASSERT_TRUE(status_named(row.from) && status_named(row.to)) << "unknown status";
    ASSERT_TRUE(row.read_receipts == "on" || row.read_receipts == "off");
    const auto path = path_to(row.from, row.read_receipts);
    ASSERT_TRUE(path) << "the table never reaches " << row.from;
    ChatTicks chat({kMember}, false, row.read_receipts == "on");
    ASSERT_TRUE(chat.add(kSequence).ok());
    for (const auto* step : *path) ASSERT_TRUE(apply(chat, step->event)) << step->text;
    ASSERT_EQ(name_of(chat.status(kSequence)), row.from) << "the path to the row's first status";
    ASSERT_TRUE(apply(chat, row.event)) << "unknown event";
    EXPECT_EQ(name_of(chat.status(kSequence)), row.to);
  }
}

// The table is a function: one row for each status a setting reaches and each event.
TEST(TicksTable, EachSettingHasOneRowPerReachableStatusAndEvent) {
  for (const std::string setting : {"on", "off"}) {
    for (const auto name : kStatusNames) {
      const std::string from(name);
      if (!path_to(from, setting)) continue;
      for (const std::string event : kEvents) {
        const auto n = std::count_if(table().begin(), table().end(), [&](const Row& r) {
          return r.read_receipts == setting && r.from == from && r.event == event;
        });
        EXPECT_EQ(n, 1) << "read receipts " << setting << ": " << from << " --" << event << "-->";
      }
    }
  }
  // Read receipts on reach every status; off stops at delivered.
  EXPECT_TRUE(path_to("played", "on"));
  EXPECT_FALSE(path_to("read", "off"));
}

}  // namespace
}  // namespace parley::protocol::receipts
