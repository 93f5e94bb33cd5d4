// Group commands (spec §11.3): `parley group create|add|remove|leave|promote|demote|info` and
// `parley groups`. A group is named by its subject on this device (a contact may share the name:
// `parley send --group` and `parley chat --group` say which is meant); a MEMBER is a contact's name
// or an account number, as everywhere.
#include "command_run.h"  // first: Asio

#include <iostream>

#include "commands.h"
#include "render.h"

namespace parley::cli {

using core::Errc;
using protocol::groups::MembershipChange;

namespace {

struct GroupArgs {
  std::string name;
  std::vector<std::string> members;
};

core::Result<std::vector<std::uint64_t>> accounts_of(const Profile& profile, const std::vector<std::string>& members) {
  std::vector<std::uint64_t> out;
  for (const auto& m : members) {
    PARLEY_TRY(const auto account, profile.resolve(m));
    out.push_back(account);
  }
  return out;
}

// Each group this device knows, with its verified membership (none while its log is not verified).
std::vector<std::pair<client::StoredGroup, std::optional<protocol::groups::GroupMembership>>> known_groups(client::Client& c) {
  std::vector<std::pair<client::StoredGroup, std::optional<protocol::groups::GroupMembership>>> out;
  auto groups = c.store().groups();
  if (!groups.ok()) return out;
  for (auto& g : *groups) {
    auto membership = c.engine().group_membership(g.chat);
    out.emplace_back(std::move(g), membership.ok() ? *membership : std::nullopt);
  }
  return out;
}

std::string role_list(const Profile& profile, const protocol::groups::GroupMembership& m, std::uint64_t self) {
  std::string out;
  for (const auto& [account, role] : m.members)
    out += (out.empty() ? "" : ", ") + (account == self ? std::string("you") : profile.name_of(account)) +
           (role == protocol::groups::GroupRole::admin ? " (admin)" : "");
  return out;
}

asio::awaitable<int> create(Profile& profile, const Terminal& term, GroupArgs args) {
  auto members = accounts_of(profile, args.members);
  if (!members.ok()) {
    term.error("cannot create the group", members.error());
    co_return 1;
  }
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect_and_catch_up()) co_return 1;
  term.progress("creating " + args.name);
  auto chat = co_await s.client->create_group(args.name, *members);
  if (!chat.ok()) {
    term.error("the group was not created", chat.error());
    co_return 1;
  }
  std::cout << "created group " << term.bold(args.name) << " with " << members->size() << " member"
            << (members->size() == 1 ? "" : "s") << " besides you\n";
  co_await s.finish();
  co_return 0;
}

asio::awaitable<int> change(Profile& profile, const Terminal& term, GroupArgs args, MembershipChange what, std::string verb) {
  auto targets = accounts_of(profile, args.members);
  if (!targets.ok()) {
    term.error("cannot " + verb, targets.error());
    co_return 1;
  }
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect_and_catch_up()) co_return 1;
  auto chat = group_chat(*s.client, args.name);
  if (!chat.ok()) {
    term.error("cannot " + verb, chat.error());
    co_return 1;
  }
  auto changed = co_await s.client->change_group(*chat, what, *targets);
  if (!changed.ok()) {
    term.error("could not " + verb, changed.error());
    co_return 1;
  }
  std::cout << "done: " << verb << " (" << args.name << ")\n";
  co_await s.finish();
  co_return 0;
}

asio::awaitable<int> info(Profile& profile, const Terminal& term, std::string name) {
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect_and_catch_up()) co_return 1;
  auto chat = group_chat(*s.client, name);
  if (!chat.ok()) {
    term.error("no such group", chat.error());
    co_return 1;
  }
  auto membership = co_await s.client->refresh_group(*chat);
  co_await s.finish();
  if (!membership.ok()) {
    term.error("the group's membership could not be verified", membership.error());
    co_return 1;
  }
  std::cout << term.bold(membership->subject) << " (group)\n"
            << "  members: " << role_list(profile, *membership, s.client->identity().account) << "\n"
            << "  membership version: " << membership->version << "\n";
  auto messages = s.client->store().messages(*chat);
  if (messages.ok() && !messages->empty())
    std::cout << "  last message: " << render_message(*s.client, messages->back(), profile, term) << "\n";
  std::cout << std::flush;
  co_return 0;
}

asio::awaitable<int> list(Profile& profile, const Terminal& term) {
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect_and_catch_up()) co_return 1;
  co_await s.finish();
  const auto groups = known_groups(*s.client);
  if (groups.empty()) std::cout << "(no groups yet)\n";
  for (const auto& [g, m] : groups) {
    if (!m) {
      std::cout << term.dim("(a group whose membership is not verified yet)") << "\n";
      continue;
    }
    std::cout << term.bold(m->subject) << "  " << m->members.size() << " members, version " << m->version
              << (m->is_member(s.client->identity().account) ? "" : term.dim("  (you are no longer a member)")) << "\n";
  }
  std::cout << std::flush;
  co_return 0;
}

}  // namespace

core::Result<std::uint64_t> group_chat(client::Client& c, const std::string& name) {
  std::optional<std::uint64_t> found;
  for (const auto& [g, m] : known_groups(c)) {
    if (!m || m->subject != name) continue;
    if (found) return core::make_error(Errc::conflict, "two groups are named " + name);
    found = g.chat;
  }
  if (!found) return core::make_error(Errc::not_found, "no group named " + name + " (see `parley groups`)");
  return *found;
}

void add_group_commands(CLI::App& app, Action& action) {
  auto* group = app.add_subcommand("group", "make and change groups (their members decide, spec §11)");
  group->require_subcommand(1);

  auto* create_cmd = group->add_subcommand("create", "a new group with you as its admin");
  auto create_args = std::make_shared<GroupArgs>();
  create_cmd->add_option("NAME", create_args->name, "the group's name (its subject)")->required();
  create_cmd->add_option("MEMBER", create_args->members, "contacts' names or account numbers");
  on_command(create_cmd, action, [create_args](Profile& p, const Terminal& t) { return create(p, t, *create_args); });

  const std::pair<const char*, MembershipChange> changes[] = {{"add", MembershipChange::add},
                                                              {"remove", MembershipChange::remove},
                                                              {"promote", MembershipChange::promote},
                                                              {"demote", MembershipChange::demote}};
  for (const auto& [verb, what] : changes) {
    auto* cmd = group->add_subcommand(verb, std::string(verb) + " members (admins only)");
    auto args = std::make_shared<GroupArgs>();
    cmd->add_option("NAME", args->name, "the group's name")->required();
    cmd->add_option("MEMBER", args->members, "contacts' names or account numbers")->required();
    on_command(cmd, action, [args, what = what, v = std::string(verb)](Profile& p, const Terminal& t) {
      return change(p, t, *args, what, v);
    });
  }
  auto* leave_cmd = group->add_subcommand("leave", "leave the group");
  auto leave_args = std::make_shared<GroupArgs>();
  leave_cmd->add_option("NAME", leave_args->name, "the group's name")->required();
  on_command(leave_cmd, action, [leave_args](Profile& p, const Terminal& t) {
    return change(p, t, *leave_args, MembershipChange::leave, "leave");
  });

  auto* info_cmd = group->add_subcommand("info", "members, admins, membership version and the last message");
  auto info_name = std::make_shared<std::string>();
  info_cmd->add_option("NAME", *info_name, "the group's name")->required();
  on_command(info_cmd, action, [info_name](Profile& p, const Terminal& t) { return info(p, t, *info_name); });

  auto* groups_cmd = app.add_subcommand("groups", "the groups this device knows");
  on_command(groups_cmd, action, [](Profile& p, const Terminal& t) { return list(p, t); });
}

}  // namespace parley::cli
