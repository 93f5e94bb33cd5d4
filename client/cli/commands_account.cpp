// Account and device commands: init (a new account, or a companion linked by QR code), link (the
// primary scans a companion's code), devices, whoami, contacts, trust and settings.
#include "command_run.h"  // first: Asio

#include <fstream>
#include <iostream>

#include "commands.h"
#include "parley/client/qr_code.h"
#include "parley/core/hex.h"
#include "parley/protocol/devices/device_identity.h"
#include "parley/protocol/devices/device_list.h"

namespace parley::cli {

using core::Errc;
using namespace std::chrono_literals;

namespace {

// The server's Noise key: 64 hex digits, or a file holding them (the server's server.pub).
core::Result<crypto::X25519PublicKey> read_server_key(const std::string& given) {
  std::string hex = given;
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    std::ifstream in(given);
    if (!in) return core::make_error(Errc::not_found, "no such file: " + given + " (give the server's server.pub or its 64 hex digits)");
    in >> hex;
  }
  auto bytes = core::from_hex(hex);
  crypto::X25519PublicKey key{};
  if (!bytes.ok() || bytes->size() != key.size()) return core::make_error(Errc::bad_key, "not a server key: " + given);
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

// Opens the device without connecting (for what needs only the store).
core::Result<std::unique_ptr<client::Client>> open_offline(const Profile& profile) {
  if (!profile.has_device())
    return core::make_error(Errc::not_found, "no device in " + profile.dir.string() + ": run `parley init` first");
  return client::Client::open(profile.dir, {});
}

struct InitArgs {
  std::string server = "127.0.0.1:7600", server_key, qr_png;
  bool link = false;
  int timeout_s = 120;
};

asio::awaitable<int> init(Profile& profile, const Terminal& term, InitArgs args) {
  if (profile.has_device()) {
    auto existing = open_offline(profile);
    if (existing.ok() && (*existing)->engine().registered()) {
      term.error("cannot init " + profile.dir.string(),
                 core::make_error(Errc::conflict, "it already holds account " + std::to_string((*existing)->identity().account)));
      co_return 1;
    }
    // A link that never finished: start over with a fresh device.
    std::filesystem::remove(profile.dir / "device.sqlite3");
  }
  auto key = read_server_key(args.server_key);
  if (!key.ok()) {
    term.error("no server key", key.error());
    co_return 1;
  }
  auto endpoint = co_await resolve_server(args.server);
  if (!endpoint.ok()) {
    term.error("bad --server", endpoint.error());
    co_return 1;
  }
  profile.server = args.server;
  if (auto saved = profile.save(); !saved.ok()) {
    term.error("cannot write the profile", saved.error());
    co_return 1;
  }
  auto opened = client::Client::open(profile.dir, *key);
  if (!opened.ok()) {
    term.error("cannot create the device in " + profile.dir.string(), opened.error());
    co_return 1;
  }
  auto& c = **opened;
  if (!args.link) {
    term.progress("registering a new account at " + args.server);
    if (auto connected = co_await c.connect(*endpoint); !connected.ok()) {
      term.error("cannot reach the server at " + args.server, connected.error());
      co_return 1;
    }
    std::cout << "Registered account " << c.identity().account << "; this device is its primary (device "
              << c.identity().device << ").\nGive your account number, " << c.identity().account
              << ", to the people who will write to you." << std::endl;
    co_await c.close();
    co_return 0;
  }
  term.progress("connecting to " + args.server);
  auto qr_text = co_await c.start_link(*endpoint);
  if (!qr_text.ok()) {
    term.error("cannot reach the server at " + args.server, qr_text.error());
    co_return 1;
  }
  auto qr = client::QrCode::encode(*qr_text);
  if (!qr.ok()) {
    term.error("cannot draw the QR code", qr.error());
    co_return 1;
  }
  // The PNG first: a script that waits for the PAYLOAD line finds the picture complete.
  if (!args.qr_png.empty())
    if (auto written = qr->write_png(args.qr_png); !written.ok()) term.error("cannot write " + args.qr_png, written.error());
  std::cout << "Scan this code with your primary device (or run there: parley link " << *qr_text << ")\n\n"
            << qr->text() << "\nPAYLOAD " << *qr_text << std::endl;
  term.progress("waiting for your primary device to scan it (up to " + std::to_string(args.timeout_s) + " s)");
  if (auto linked = co_await c.wait_linked(std::chrono::seconds(args.timeout_s)); !linked.ok()) {
    term.error("the device was not linked", linked.error());
    co_return 1;
  }
  std::cout << "Linked: this device is device " << c.identity().device << " of account " << c.identity().account << "."
            << std::endl;
  co_await c.close();
  co_return 0;
}

asio::awaitable<int> link(Profile& profile, const Terminal& term, std::string payload, int timeout_s) {
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect()) co_return 1;
  if (s.client->identity().device != protocol::devices::kPrimaryDevice) {
    term.error("cannot link", core::make_error(Errc::unsupported, "only the account's primary device links companions"));
    co_return 1;
  }
  term.progress("linking the device whose code this is");
  auto started = co_await s.client->link(payload);
  if (started.ok()) {
    term.progress("waiting for the new device to confirm (up to " + std::to_string(timeout_s) + " s)");
    started = co_await s.client->wait_for_link(std::chrono::seconds(timeout_s));
  }
  if (!started.ok()) {
    term.error("the device was not linked", started.error());
    co_return 1;
  }
  for (const auto& e : s.client->events())
    if (const auto* l = std::get_if<client::LinkedEvent>(&e))
      std::cout << "Linked device " << l->device << " to account " << l->account << "." << std::endl;
  co_await s.finish();
  co_return 0;
}

asio::awaitable<int> devices(Profile& profile, const Terminal& term, std::uint32_t remove) {
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect()) co_return 1;
  const auto me = s.client->identity();
  if (remove != 0) {
    if (me.device != protocol::devices::kPrimaryDevice || remove == protocol::devices::kPrimaryDevice) {
      term.error("cannot remove device " + std::to_string(remove),
                 core::make_error(Errc::unsupported, "the primary device removes companions; the primary stays"));
      co_return 1;
    }
    term.progress("removing device " + std::to_string(remove));
    if (auto removed = co_await s.client->remove_device(remove); !removed.ok()) {
      term.error("cannot remove device " + std::to_string(remove), removed.error());
      co_return 1;
    }
    co_await s.client->wait_idle(10s);
  }
  auto list = co_await s.client->device_list(me.account);
  if (!list.ok()) {
    term.error("cannot fetch this account's devices", list.error());
    co_return 1;
  }
  auto body = protocol::devices::decode_signed_device_list(list->signed_list);
  if (!body.ok()) {
    term.error("the account's device list does not read", body.error());
    co_return 1;
  }
  std::cout << "Account " << me.account << " (device list version " << body->version << "):\n";
  for (const auto& d : body->devices) {
    const auto key = core::to_hex(core::BytesView(d.identity_key.data(), 8));
    std::cout << "  device " << d.device << (d.device == protocol::devices::kPrimaryDevice ? "  primary  " : "  companion")
              << "  key " << key << "…" << (d.device == me.device ? "  ← this device" : "") << "\n";
  }
  std::cout << std::flush;
  co_await s.finish();
  co_return 0;
}

int whoami(Profile& profile, const Terminal& term, bool account_only) {
  auto c = open_offline(profile);
  if (!c.ok()) {
    term.error("cannot open the device", c.error());
    return 1;
  }
  const auto& id = (*c)->identity();
  if (account_only) {
    std::cout << id.account << std::endl;
    return 0;
  }
  std::cout << "account " << id.account << ", device " << id.device
            << (id.device == protocol::devices::kPrimaryDevice ? " (primary)" : " (companion)") << ", server "
            << profile.server << ", profile " << profile.dir.string() << std::endl;
  return 0;
}

}  // namespace

void add_account_commands(CLI::App& app, Action& action) {
  auto* init_cmd = app.add_subcommand("init", "make this profile a device: a new account, or (--link) a companion of one");
  auto init_args = std::make_shared<InitArgs>();
  init_cmd->add_option("--server", init_args->server, "HOST:PORT of the Parley server")->capture_default_str();
  init_cmd->add_option("--server-key", init_args->server_key, "the server's key: its server.pub file, or 64 hex digits")->required();
  init_cmd->add_flag("--link", init_args->link, "link to an existing account: shows a QR code for its primary to scan");
  init_cmd->add_option("--qr-png", init_args->qr_png, "with --link: also write the QR code to this PNG file");
  init_cmd->add_option("--timeout", init_args->timeout_s, "with --link: seconds to wait for the scan")->capture_default_str();
  on_command(init_cmd, action, [init_args](Profile& p, const Terminal& t) { return init(p, t, *init_args); });

  auto* link_cmd = app.add_subcommand("link", "on the primary: link the device that shows this QR code's text");
  auto payload = std::make_shared<std::string>();
  auto link_timeout = std::make_shared<int>(60);
  link_cmd->add_option("PAYLOAD", *payload,
                       "the code's text (PARLEY-LINK:…); `-` or none: read from standard input, so that the link "
                       "secret is not in the command line other users can see");
  link_cmd->add_option("--timeout", *link_timeout, "seconds to wait for the new device")->capture_default_str();
  on_command(link_cmd, action, [payload, link_timeout](Profile& p, const Terminal& t) {
    std::string text = *payload;
    if (text.empty() || text == "-") std::getline(std::cin, text);
    return link(p, t, text, *link_timeout);
  });

  auto* devices_cmd = app.add_subcommand("devices", "list this account's devices (`devices remove N` on the primary)");
  auto* remove_cmd = devices_cmd->add_subcommand("remove", "remove a companion device from the account");
  auto removed = std::make_shared<std::uint32_t>(0);
  remove_cmd->add_option("DEVICE", *removed, "the device number (see `parley devices`)")->required();
  on_command(devices_cmd, action, [removed](Profile& p, const Terminal& t) { return devices(p, t, *removed); });

  auto* whoami_cmd = app.add_subcommand("whoami", "this device's account and device number");
  auto account_only = std::make_shared<bool>(false);
  whoami_cmd->add_flag("--account", *account_only, "print the account number alone");
  whoami_cmd->callback([&action, account_only] {
    action = [account_only](Profile& p, const Terminal& t) { return whoami(p, t, *account_only); };
  });

  auto* contacts_cmd = app.add_subcommand("contacts", "list contact names (`contacts add NAME ACCOUNT` to add one)");
  auto* add_cmd = contacts_cmd->add_subcommand("add", "name an account");
  auto name = std::make_shared<std::string>();
  auto account = std::make_shared<std::uint64_t>(0);
  add_cmd->add_option("NAME", *name)->required();
  add_cmd->add_option("ACCOUNT", *account, "the account number (`parley whoami` on their device)")->required()
      ->check(CLI::PositiveNumber);
  contacts_cmd->callback([&action, name, account, add_cmd] {
    const bool adding = add_cmd->parsed();
    action = [name, account, adding](Profile& p, const Terminal& t) {
      if (adding) {
        p.contacts[*name] = *account;
        if (auto saved = p.save(); !saved.ok()) {
          t.error("cannot save the contact", saved.error());
          return 1;
        }
      }
      for (const auto& [n, a] : p.contacts) std::cout << n << "  account " << a << "\n";
      if (p.contacts.empty()) std::cout << "(no contacts yet: parley contacts add NAME ACCOUNT)\n";
      std::cout << std::flush;
      return 0;
    };
  });

  auto* trust_cmd = app.add_subcommand("trust", "accept a contact device's new identity key (after checking the safety number)");
  auto trust_contact = std::make_shared<std::string>();
  auto trust_device = std::make_shared<std::uint32_t>(0);
  trust_cmd->add_option("CONTACT", *trust_contact)->required();
  trust_cmd->add_option("DEVICE", *trust_device, "the device whose key changed")->required()->check(CLI::PositiveNumber);
  trust_cmd->callback([&action, trust_contact, trust_device] {
    action = [trust_contact, trust_device](Profile& p, const Terminal& t) {
      auto who = p.resolve(*trust_contact);
      auto c = who.ok() ? open_offline(p) : core::Result<std::unique_ptr<client::Client>>(who.error());
      // What the held messages cause (their delivered receipts) waits in the outbox for the next
      // connection.
      auto accepted = c.ok() ? (*c)->engine().accept_identity(*who, *trust_device)
                             : core::Result<client::EngineOutput>(c.error());
      if (!accepted.ok()) {
        t.error("cannot accept the key", accepted.error());
        return 1;
      }
      std::cout << "Accepted the new key of " << *trust_contact << "'s device " << *trust_device << "." << std::endl;
      return 0;
    };
  });

  auto* settings_cmd = app.add_subcommand("settings", "show settings (`settings read-receipts on|off` to change)");
  auto* receipts_cmd = settings_cmd->add_subcommand("read-receipts", "send and show read receipts (blue ticks)");
  auto value = std::make_shared<std::string>();
  receipts_cmd->add_option("VALUE", *value)->required()->check(CLI::IsMember({"on", "off"}));
  settings_cmd->callback([&action, value, receipts_cmd] {
    const bool changing = receipts_cmd->parsed();
    action = [value, changing](Profile& p, const Terminal& t) {
      auto c = open_offline(p);
      if (c.ok() && changing) {
        if (auto set = (*c)->engine().set_read_receipts(*value == "on"); !set.ok()) c = set.error();
      }
      if (!c.ok()) {
        t.error("cannot change the settings", c.error());
        return 1;
      }
      std::cout << "read-receipts " << ((*c)->engine().read_receipts() ? "on" : "off") << std::endl;
      return 0;
    };
  });
}

}  // namespace parley::cli
