// Conversation commands: send, forward, chat (interactive, or --once) and inbox.
#include "command_run.h"  // first: Asio

#include <iostream>

#include "chat_screen.h"
#include "progress_bar.h"
#include "commands.h"
#include "render.h"

namespace parley::cli {

using core::Errc;
using protocol::receipts::Status;
using namespace std::chrono_literals;

namespace {

std::optional<Status> status_named(const std::string& name) {
  if (name == "sent") return Status::sent;
  if (name == "delivered") return Status::delivered;
  if (name == "read") return Status::read;
  return std::nullopt;
}

struct SendArgs {
  std::string contact;
  std::vector<std::string> words;
  std::string file;     // --file: an attachment instead of a text
  std::string type;     // --type: image, video, audio, voice or document; guessed when empty
  std::string caption;  // --caption
  std::string wait = "sent";
  int timeout_s = 30;
  bool group = false;  // --group: CONTACT names a group
};

// Connects, sends with `send` (a text, a file or a forward) and reports as `parley send` does: the
// message with its ticks, after waiting for `args.wait`; an identity change explained.
template <typename SendFn>
asio::awaitable<int> send_and_report(Profile& profile, const Terminal& term, const SendArgs& args, std::uint64_t chat,
                                     SendFn send) {
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect_and_catch_up()) co_return 1;
  term.progress("sending to " + profile.name_of(chat));
  core::Result<std::uint64_t> id = co_await send(*s.client);
  if (!id.ok()) {
    std::string hint;
    for (const auto& e : s.client->events())
      if (const auto* c = std::get_if<client::IdentityChangeEvent>(&e); c && c->account == chat)
        hint = profile.name_of(chat) + "'s device " + std::to_string(c->device) +
               " has a new identity key (replaced or reinstalled, or someone in the middle). Check with them, then run "
               "`parley trust " + args.contact + " " + std::to_string(c->device) +
               "`; this message is kept and goes out on the next connection.";
    term.error("the message was not sent to " + profile.name_of(chat), id.error(), hint);
    co_return 1;
  }
  const auto device = s.client->identity().device;
  if (const auto wanted = status_named(args.wait); wanted && *wanted > Status::sent) {
    term.progress("waiting until it is " + args.wait + " (up to " + std::to_string(args.timeout_s) + " s)");
    if (auto reached = co_await s.client->wait_for_status(chat, device, *id, *wanted, std::chrono::seconds(args.timeout_s));
        !reached.ok()) {
      term.error("the message is on the server, but not " + args.wait + " yet", reached.error());
      co_return 1;
    }
  }
  auto stored = s.client->store().message(s.client->identity().account, device, *id);
  if (stored.ok() && stored->has_value()) std::cout << render_message(*s.client, **stored, profile, term) << std::endl;
  co_await s.finish();
  co_return 0;
}

// `parley send --group NAME TEXT`: one message for every member device (spec §11.3).
asio::awaitable<int> send_to_group(Profile& profile, const Terminal& term, const SendArgs& args, std::string text) {
  if (!args.file.empty() || text.empty()) {
    term.error("cannot send", core::make_error(Errc::unsupported, "a group takes a TEXT (attachments to groups are not built yet)"));
    co_return 1;
  }
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect_and_catch_up()) co_return 1;
  auto chat = group_chat(*s.client, args.contact);
  if (!chat.ok()) {
    term.error("cannot send", chat.error());
    co_return 1;
  }
  term.progress("sending to the group " + args.contact);
  auto id = co_await s.client->send_group_text(*chat, std::move(text));
  if (!id.ok()) {
    term.error("the message was not sent to " + args.contact, id.error());
    co_return 1;
  }
  auto stored = s.client->store().message(s.client->identity().account, s.client->identity().device, *id);
  if (stored.ok() && stored->has_value()) std::cout << render_message(*s.client, **stored, profile, term) << std::endl;
  co_await s.finish();
  co_return 0;
}

asio::awaitable<int> send(Profile& profile, const Terminal& term, SendArgs args) {
  if (args.group) {
    std::string text;
    for (const auto& w : args.words) text += (text.empty() ? "" : " ") + w;
    co_return co_await send_to_group(profile, term, args, std::move(text));
  }
  auto chat = profile.resolve(args.contact);
  if (!chat.ok()) {
    term.error("cannot send", chat.error());
    co_return 1;
  }
  std::string text;
  for (const auto& w : args.words) text += (text.empty() ? "" : " ") + w;
  if (args.file.empty() == text.empty()) {
    term.error("cannot send", core::make_error(Errc::malformed, "give a TEXT or a --file (with --caption for its text)"));
    co_return 1;
  }
  std::string media_type = client::media::guess_media_type(args.file);
  if (!args.type.empty()) media_type = *client::media::media_type_for_option(args.type);  // checked by the option
  ProgressBar bar("uploading", term.quiet());
  co_return co_await send_and_report(profile, term, args, *chat,
                                     [&](client::Client& c) -> asio::awaitable<core::Result<std::uint64_t>> {
                                       if (args.file.empty()) co_return co_await c.send_text(*chat, text);
                                       // A run broken off during its upload goes on with it (prepare_file).
                                       co_return co_await c.send_file(*chat, args.file, media_type, args.caption,
                                                                      std::ref(bar));
                                     });
}

// `parley forward MESSAGE_ID CONTACT [--file ORIGINAL]`: the attachment again, same key and upload.
asio::awaitable<int> forward(Profile& profile, const Terminal& term, std::uint64_t id, SendArgs args) {
  auto chat = profile.resolve(args.contact);
  if (!chat.ok()) {
    term.error("cannot forward", chat.error());
    co_return 1;
  }
  ProgressBar bar("uploading", term.quiet());
  co_return co_await send_and_report(
      profile, term, args, *chat, [&](client::Client& c) -> asio::awaitable<core::Result<std::uint64_t>> {
        auto found = attachment_with_id(c, id);
        if (!found.ok()) co_return found.error();
        std::optional<std::filesystem::path> original;
        if (!args.file.empty()) original = args.file;
        auto sent = co_await c.forward_attachment(*chat, *found, original, std::ref(bar));
        if (!sent.ok() && sent.code() == Errc::not_found && !original)
          term.notice("the server no longer holds this attachment: give its file with --file to upload it again");
        co_return sent;
      });
}

asio::awaitable<int> chat(Profile& profile, const Terminal& term, std::string contact, bool once, bool pictures, bool group) {
  core::Result<std::uint64_t> chat_id = group ? core::Result<std::uint64_t>(std::uint64_t{0}) : profile.resolve(contact);
  if (!chat_id.ok()) {
    term.error("cannot open the chat", chat_id.error());
    co_return 1;
  }
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect_and_catch_up()) co_return 1;
  auto& c = *s.client;
  // A group is found once connected: what arrived may have told this device of it.
  if (group) chat_id = group_chat(c, contact);
  if (!chat_id.ok()) {
    term.error("cannot open the chat", chat_id.error());
    co_return 1;
  }
  const auto chat = *chat_id;
  // The chat is on the screen: what is in it is read.
  if (auto read = co_await c.mark_read(chat); !read.ok()) term.error("read receipts were not sent", read.error());
  if (once) {
    co_await s.finish();
    std::cout << render_chat(c, chat, profile, term, 0, pictures || term.interactive()) << std::flush;
    co_return 0;
  }

  const int status = co_await run_chat_screen(s, chat);
  co_await s.finish();
  co_return status;
}

asio::awaitable<int> inbox(Profile& profile, const Terminal& term) {
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect_and_catch_up()) co_return 1;
  co_await s.finish();
  auto chats = s.client->store().chats();
  if (!chats.ok()) {
    term.error("cannot read the chats", chats.error());
    co_return 1;
  }
  if (chats->empty()) std::cout << "(no chats yet)\n";
  for (const auto& summary : *chats) {
    const auto unread = summary.unread == 0 ? std::string("")
                                            : term.bold("  " + std::to_string(summary.unread) + " unread");
    std::cout << term.bold(profile.name_of(summary.chat)) << " (account " << summary.chat << ")" << unread << "\n    "
              << render_message(*s.client, summary.last, profile, term) << "\n";
  }
  std::cout << std::flush;
  co_return 0;
}

}  // namespace

void add_chat_commands(CLI::App& app, Action& action) {
  auto* send_cmd = app.add_subcommand("send", "send a message and wait for its single tick (or --wait delivered|read)");
  auto send_args = std::make_shared<SendArgs>();
  send_cmd->add_option("CONTACT", send_args->contact, "a contact's name or an account number")->required();
  send_cmd->add_option("TEXT", send_args->words, "the message (or --file)");
  send_cmd->add_option("--file", send_args->file, "send this file as an attachment (photo, video, voice note, document)")
      ->check(CLI::ExistingFile);
  send_cmd->add_option("--type", send_args->type, "image, video, audio, voice or document (default: from the file's name)")
      ->check(CLI::IsMember({"image", "video", "audio", "voice", "document"}));
  send_cmd->add_option("--caption", send_args->caption, "the attachment's text");
  send_cmd->add_option("--wait", send_args->wait, "sent, delivered or read")
      ->check(CLI::IsMember({"sent", "delivered", "read"}))->capture_default_str();
  send_cmd->add_option("--timeout", send_args->timeout_s, "seconds --wait waits")->capture_default_str();
  send_cmd->add_flag("--group", send_args->group, "CONTACT is a group's name (see `parley groups`)");
  on_command(send_cmd, action, [send_args](Profile& p, const Terminal& t) { return send(p, t, *send_args); });

  auto* forward_cmd = app.add_subcommand("forward", "send a message's attachment to another contact, reusing its upload");
  auto forward_id = std::make_shared<std::uint64_t>(0);
  auto forward_args = std::make_shared<SendArgs>();
  forward_cmd->add_option("MESSAGE_ID", *forward_id, "the message's id, as `parley chat` shows it")->required();
  forward_cmd->add_option("CONTACT", forward_args->contact, "a contact's name or an account number")->required();
  forward_cmd->add_option("--file", forward_args->file, "the attachment's file, to upload again if the server no longer has it")
      ->check(CLI::ExistingFile);
  on_command(forward_cmd, action, [forward_id, forward_args](Profile& p, const Terminal& t) {
    return forward(p, t, *forward_id, *forward_args);
  });

  auto* chat_cmd = app.add_subcommand("chat", "the conversation, live: messages arrive, ticks move; type to write");
  auto contact = std::make_shared<std::string>();
  auto once = std::make_shared<bool>(false);
  chat_cmd->add_option("CONTACT", *contact, "a contact's name or an account number")->required();
  auto pictures = std::make_shared<bool>(false);
  chat_cmd->add_flag("--once", *once, "print the conversation (marking it read) and leave");
  auto group = std::make_shared<bool>(false);
  chat_cmd->add_flag("--group", *group, "CONTACT is a group's name (see `parley groups`)");
  chat_cmd->add_flag("--pictures", *pictures, "with --once: draw each photo's thumbnail even when not on a terminal");
  on_command(chat_cmd, action, [contact, once, pictures, group](Profile& p, const Terminal& t) {
    return chat(p, t, *contact, *once, *pictures, *group);
  });

  auto* inbox_cmd = app.add_subcommand("inbox", "fetch what arrived and list the chats, the latest first");
  on_command(inbox_cmd, action, [](Profile& p, const Terminal& t) { return inbox(p, t); });
}

}  // namespace parley::cli
