// The `parley` commands (README), each registered on the command line by its file: account
// (init, link, devices, whoami, contacts, trust, settings), chat (send, forward, chat, inbox) and the
// safety number, media (attachments), and groups. A command is an Action the main function runs after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "parley/core/error.h"
#include "profile.h"
#include "terminal.h"

namespace parley::client {
class Client;
}

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
void add_group_commands(CLI::App& app, Action& action);

// The chat number of the group this device knows by `name` (its subject): `not_found`, or
// `conflict` when two groups share it (commands_groups.cpp).
core::Result<std::uint64_t> group_chat(client::Client& c, const std::string& name);

}  // namespace parley::cli
