// parley: the reference client's command line (README). One profile directory is one device;
// several profiles on one machine are several devices (--profile).
#include "commands.h"

#include <iostream>

int main(int argc, char** argv) {
  using namespace parley::cli;
  CLI::App app{"parley: end-to-end encrypted messages over a Parley server (spec/protocol.md)"};
  app.require_subcommand(1);
  app.fallthrough();  // the global options may come after the command too
  Globals g;
  app.add_option("--profile", g.profile, "this device's directory (default: $PARLEY_PROFILE, else ~/.parley)");
  app.add_option("--color", g.colour, "auto, always or never")->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("-q,--quiet", g.quiet, "no progress lines");
  Action action;
  add_account_commands(app, action);
  add_chat_commands(app, action);
  add_safety_command(app, action);
  add_media_commands(app, action);
  add_group_commands(app, action);
  CLI11_PARSE(app, argc, argv);

  const Terminal term(g.colour, g.quiet);
  auto profile = Profile::load(g.profile.empty() ? default_profile_dir() : std::filesystem::path(g.profile));
  if (!profile.ok()) {
    term.error("cannot read the profile", profile.error());
    return 1;
  }
  return action ? action(*profile, term) : 2;
}
