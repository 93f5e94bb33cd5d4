// The `parley` commands (README), each registered on the command line by its file: account
// (init, link, devices, whoami, contacts, trust, settings), chat (send, forward, chat, inbox) and the
// safety number, and media (attachments). A command is an Action the main function runs after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "profile.h"
#include "terminal.h"

namespace parley::cli {

struct Globals {
  std::string profile;  // empty: default_profile_dir()
  std::string colour = "auto";
  bool quiet = false;
};

using Action = std::function<int(Profile&, const Terminal&)>;

void add_account_commands(CLI::App& app, Action& action);
void add_chat_commands(CLI::App& app, Action& action);
void add_safety_command(CLI::App& app, Action& action);
void add_media_commands(CLI::App& app, Action& action);

}  // namespace parley::cli
