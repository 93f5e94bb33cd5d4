// Attachments (spec §12): `parley media get MESSAGE_ID [--out PATH]` saves a message's attachment,
// downloading it with a progress bar (a broken-off download goes on where it stopped) and checking
// it before anything is written under its name.
#include "command_run.h"  // first: Asio

#include <iostream>

#include "commands.h"
#include "progress_bar.h"

namespace parley::cli {

using core::Errc;

core::Result<client::StoredMessage> attachment_with_id(client::Client& c, std::uint64_t id) {
  // An id is the sending device's: several chats may each have one.
  std::vector<client::StoredMessage> found;
  PARLEY_TRY(const auto chats, c.store().chats());
  for (const auto& chat : chats) {
    PARLEY_TRY(const auto messages, c.store().messages(chat.chat));
    for (const auto& m : messages)
      if (m.message_id == id && !m.media.empty()) found.push_back(m);
  }
  if (found.size() != 1)
    return core::make_error(Errc::not_found, found.empty() ? "no message " + std::to_string(id) + " with an attachment"
                                                           : "several messages have id " + std::to_string(id));
  return found.front();
}

namespace {

asio::awaitable<int> get(Profile& profile, const Terminal& term, std::uint64_t id, std::string out) {
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect_and_catch_up()) co_return 1;
  auto found = attachment_with_id(*s.client, id);
  if (!found.ok()) {
    term.error("cannot save the attachment", found.error(), "`parley chat CONTACT --once` shows each attachment's message id.");
    co_return 1;
  }
  ProgressBar bar("downloading", term.quiet());
  std::optional<std::filesystem::path> target;
  if (!out.empty()) target = out;
  auto saved = co_await s.client->save_attachment(*found, target, std::ref(bar));
  co_await s.finish();
  if (!saved.ok()) {
    const std::string hint = saved.code() == Errc::decrypt_failed
                                 ? "The file the server gave does not match the message: nothing was saved."
                                 : "";
    term.error("the attachment was not saved", saved.error(), hint);
    co_return 1;
  }
  std::cout << saved->string() << std::endl;
  co_return 0;
}

}  // namespace

void add_media_commands(CLI::App& app, Action& action) {
  auto* media_cmd = app.add_subcommand("media", "attachments: save one (get)");
  media_cmd->require_subcommand(1);
  auto* get_cmd = media_cmd->add_subcommand("get", "save a message's attachment (default: the profile's media folder)");
  auto id = std::make_shared<std::uint64_t>(0);
  auto out = std::make_shared<std::string>();
  get_cmd->add_option("MESSAGE_ID", *id, "the message's id, as `parley chat` shows it")->required();
  get_cmd->add_option("--out", *out, "where to save it (never over an existing file)");
  on_command(get_cmd, action, [id, out](Profile& p, const Terminal& t) { return get(p, t, *id, *out); });
}

}  // namespace parley::cli
