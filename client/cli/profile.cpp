#include "profile.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

namespace parley::cli {

using core::Errc;

namespace {
constexpr const char* kFile = "cli.json";
}

std::filesystem::path default_profile_dir() {
  if (const char* env = std::getenv("PARLEY_PROFILE"); env != nullptr && *env != '\0') return env;
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return std::filesystem::path(home) / ".parley";
  return ".parley";
}

core::Result<Profile> Profile::load(const std::filesystem::path& dir) {
  Profile p;
  p.dir = dir;
  std::ifstream in(dir / kFile);
  if (!in) return p;
  try {
    const auto j = nlohmann::json::parse(in);
    p.server = j.value("server", "");
    const auto contacts = j.value("contacts", nlohmann::json::object());
    for (const auto& [name, account] : contacts.items()) p.contacts[name] = account.get<std::uint64_t>();
  } catch (const nlohmann::json::exception& e) {
    return core::make_error(Errc::malformed, (dir / kFile).string() + " is damaged: " + e.what());
  }
  return p;
}

core::Result<void> Profile::save() const {
  nlohmann::json j;
  j["server"] = server;
  j["contacts"] = contacts;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto tmp = dir / (std::string(kFile) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) return core::make_error(Errc::storage_failure, "cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, dir / kFile, ec);  // whole or not at all
  if (ec) return core::make_error(Errc::storage_failure, "cannot write " + (dir / kFile).string() + ": " + ec.message());
  return {};
}

core::Result<std::uint64_t> Profile::resolve(const std::string& contact) const {
  if (auto it = contacts.find(contact); it != contacts.end()) return it->second;
  if (!contact.empty() && contact.find_first_not_of("0123456789") == std::string::npos && contact.size() < 20) {
    const auto account = std::stoull(contact);
    if (account != 0) return account;
  }
  return core::make_error(Errc::not_found, "unknown contact '" + contact +
                                               "': add it with `parley contacts add " + contact + " ACCOUNT`, or give an account number");
}

std::string Profile::name_of(std::uint64_t account) const {
  for (const auto& [name, a] : contacts)
    if (a == account) return name;
  return "account " + std::to_string(account);
}

}  // namespace parley::cli
