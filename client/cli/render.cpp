#include "render.h"

#include "picture.h"
#include "progress_bar.h"

#include <algorithm>
#include <ctime>

namespace parley::cli {

using protocol::receipts::Status;

namespace {

// How wide a thumbnail is drawn, in terminal cells.
constexpr int kPictureColumns = 24;

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

// A text as it is; an attachment as its kind, name, size and caption, with the id `parley media get`
// takes.
static std::string render_body(const client::StoredMessage& m, const Terminal& term) {
  if (m.media.empty()) return m.body;
  auto media = wire::decode_media(m.media);
  if (!media.ok()) return term.dim("(an attachment that cannot be read)");
  const std::string kind = media->type == "ptt" ? "voice note" : media->type;
  std::string out = "[" + kind + ": " + media->file_name + ", " + human_bytes(media->file_length);
  if (media->width != 0) out += ", " + std::to_string(media->width) + "x" + std::to_string(media->height);
  out += "]";
  if (!media->caption.empty()) out += " " + media->caption;
  return out + term.dim("  (id " + std::to_string(m.message_id) + ")");
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
  return term.dim(clock_time(m.timestamp_ms)) + "  " + term.bold(who) + ": " + render_body(m, term) + ticks;
}

// The lines of an image's thumbnail, under its message; none for anything else.
static std::string render_thumbnail(const client::StoredMessage& m, const Terminal& term) {
  if (m.media.empty()) return {};
  auto media = wire::decode_media(m.media);
  if (!media.ok() || media->thumbnail_jpeg.empty()) return {};
  return render_picture(media->thumbnail_jpeg, kPictureColumns, term.colour(), "          ");
}

std::string render_chat(client::Client& client, std::uint64_t chat, const Profile& profile, const Terminal& term,
                        std::size_t rows, bool pictures) {
  std::string title = profile.name_of(chat) + " (account " + std::to_string(chat) + ")";
  if (client::is_group_chat(chat)) {
    const auto membership = client.engine().group_membership(chat);
    title = (membership.ok() && *membership ? (*membership)->subject : std::string("a group")) + " (group)";
  }
  std::string out = term.bold("── " + title + " ──") + "\n";
  auto messages = client.store().messages(chat);
  if (!messages.ok()) return out + "(the messages cannot be read: " + messages.error().detail + ")\n";
  if (messages->empty()) out += term.dim("(no messages yet)") + "\n";
  // From the newest back, as many as fit.
  std::vector<std::string> shown;
  std::size_t used = 0;
  for (auto m = messages->rbegin(); m != messages->rend(); ++m) {
    std::string text = render_message(client, *m, profile, term) + "\n";
    if (pictures) text += render_thumbnail(*m, term);
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    if (rows != 0 && used + lines > rows && !shown.empty()) break;
    used += lines;
    shown.push_back(std::move(text));
  }
  for (auto t = shown.rbegin(); t != shown.rend(); ++t) out += *t;
  return out;
}

}  // namespace parley::cli
