#include "render.h"

#include <ctime>

namespace parley::cli {

using protocol::receipts::Status;

namespace {

std::string clock_time(std::uint64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm local{};
  ::localtime_r(&t, &local);
  char out[16];
  std::strftime(out, sizeof out, "%H:%M:%S", &local);
  return out;
}

}  // namespace

std::string render_ticks(Status status, const Terminal& term) {
  switch (status) {
    case Status::pending: return term.dim("… sending");
    case Status::sent: return "✓ sent";
    case Status::delivered: return "✓✓ delivered";
    case Status::read: return term.blue("✓✓ read");
    case Status::played: return term.blue("✓✓ played");
  }
  return "";
}

std::string render_message(client::Client& client, const client::StoredMessage& m, const Profile& profile,
                           const Terminal& term) {
  const auto& me = client.identity();
  std::string who;
  std::string ticks;
  if (m.direction == client::Direction::outgoing) {
    who = m.sender_device == me.device ? "you" : "you (device " + std::to_string(m.sender_device) + ")";
    auto status = client.engine().status(m.chat, m.sender_device, m.message_id);
    ticks = "  " + render_ticks(status.ok() ? *status : Status::pending, term);
  } else {
    who = profile.name_of(m.sender_account);
  }
  return term.dim(clock_time(m.timestamp_ms)) + "  " + term.bold(who) + ": " + m.body + ticks;
}

std::string render_chat(client::Client& client, std::uint64_t chat, const Profile& profile, const Terminal& term,
                        std::size_t limit) {
  std::string out = term.bold("── " + profile.name_of(chat) + " (account " + std::to_string(chat) + ") ──") + "\n";
  auto messages = client.store().messages(chat);
  if (!messages.ok()) return out + "(the messages cannot be read: " + messages.error().detail + ")\n";
  std::size_t first = 0;
  if (limit != 0 && messages->size() > limit) first = messages->size() - limit;
  if (messages->empty()) out += term.dim("(no messages yet)") + "\n";
  for (std::size_t i = first; i < messages->size(); ++i) out += render_message(client, (*messages)[i], profile, term) + "\n";
  return out;
}

}  // namespace parley::cli
