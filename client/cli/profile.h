// A `parley` profile (README): one device's directory. The device itself (keys, sessions,
// messages, receipts, settings) is the client library's SQLite store in it; beside it `cli.json`
// keeps what only the command line needs: the server's address and the person's contact names.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "parley/core/error.h"

namespace parley::cli {

struct Profile {
  std::filesystem::path dir;
  std::string server;                               // HOST:PORT, set by `parley init`
  std::map<std::string, std::uint64_t> contacts;    // name -> account

  // `dir`'s profile; an empty one when it has none yet.
  static core::Result<Profile> load(const std::filesystem::path& dir);
  core::Result<void> save() const;
  bool has_device() const { return std::filesystem::exists(dir / "device.sqlite3"); }

  // A contact's name or an account number; `not_found` with what to do about it.
  core::Result<std::uint64_t> resolve(const std::string& contact) const;
  // How to show an account: its contact name, else "account N".
  std::string name_of(std::uint64_t account) const;
};

// --profile, else $PARLEY_PROFILE, else ~/.parley.
std::filesystem::path default_profile_dir();

}  // namespace parley::cli
