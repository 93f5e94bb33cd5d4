// Laws of the membership log (spec §11.2), checked by RapidCheck: every member device reaches the
// same membership from any order of delivery, repeats included; an entry refused changes nothing.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <random>

#include "membership_fixture.h"

namespace parley::protocol::groups {
namespace {

using testing::Accounts;

// A random history of valid changes after a creation by account 1 with members 2 and 3, applied to
// `log` as it is made; the entries after the creation, in order.
std::vector<core::Bytes> random_history(Accounts& accounts, MembershipLog& log, const AccountKeys& keys) {
  std::vector<core::Bytes> entries;
  std::uint64_t newcomer = 4;
  const auto steps = *rc::gen::inRange<std::size_t>(1, 40);
  for (std::size_t i = 0; i < steps && !log.state().members.empty(); ++i) {
    const auto& s = log.state();
    std::vector<std::uint64_t> admins, plain, all;
    for (const auto& [account, role] : s.members) {
      all.push_back(account);
      (role == GroupRole::admin ? admins : plain).push_back(account);
    }
    const auto pick = [](const std::vector<std::uint64_t>& from) { return from[*rc::gen::inRange<std::size_t>(0, from.size())]; };
    const auto author = pick(admins);  // a group with members always has an admin
    std::vector<std::uint64_t> others;
    for (const auto a : all)
      if (a != author) others.push_back(a);
    std::vector<std::uint64_t> other_admins;
    for (const auto a : admins)
      if (a != author) other_admins.push_back(a);
    core::Bytes entry;
    switch (*rc::gen::inRange(0, 6)) {
      case 0: entry = accounts.change(s, MembershipChange::add, author, {newcomer++}); break;
      case 1:
        if (others.empty()) continue;
        entry = accounts.change(s, MembershipChange::remove, author, {pick(others)});
        break;
      case 2: entry = accounts.change(s, MembershipChange::leave, pick(all)); break;
      case 3:
        if (plain.empty()) continue;
        entry = accounts.change(s, MembershipChange::promote, author, {pick(plain)}, "", *rc::gen::arbitrary<bool>());
        break;
      case 4:
        if (other_admins.empty()) continue;
        entry = accounts.change(s, MembershipChange::demote, author, {pick(other_admins)});
        break;
      default: entry = accounts.change(s, MembershipChange::subject, author, {}, "subject " + std::to_string(i)); break;
    }
    RC_ASSERT(log.apply(entry, keys).ok());
    entries.push_back(std::move(entry));
  }
  return entries;
}

RC_GTEST_PROP(MembershipProperties, AnyDeliveryOrderWithRepeatsReachesTheSameMembership, ()) {
  Accounts accounts(*rc::gen::arbitrary<std::uint32_t>());
  const auto keys = accounts.keys();
  const auto creation = accounts.creation(1, 1, {2, 3});
  auto log = MembershipLog::create(creation, keys).value();
  const auto entries = random_history(accounts, log, keys);

  auto delivered = entries;
  for (const auto& e : entries)
    if (*rc::gen::inRange(0, 4) == 0) delivered.push_back(e);  // some twice
  std::mt19937 shuffle(*rc::gen::arbitrary<std::uint32_t>());
  std::shuffle(delivered.begin(), delivered.end(), shuffle);
  auto member = MembershipLog::create(creation, keys).value();
  std::size_t applied = 0;
  for (const auto& e : delivered) {
    const auto got = member.receive(e, keys);
    RC_ASSERT(got.ok());
    applied += *got;
  }
  RC_ASSERT(applied == entries.size());
  RC_ASSERT(member.held() == 0u);
  RC_ASSERT(member.state() == log.state());
  RC_ASSERT(member.entries() == log.entries());
}

RC_GTEST_PROP(MembershipProperties, ARefusedEntryChangesNothing, ()) {
  Accounts accounts(*rc::gen::arbitrary<std::uint32_t>());
  const auto keys = accounts.keys();
  const auto creation = accounts.creation(1, 1, {2, 3});
  auto log = MembershipLog::create(creation, keys).value();
  auto entries = random_history(accounts, log, keys);
  auto member = MembershipLog::create(creation, keys).value();
  const auto upto = *rc::gen::inRange<std::size_t>(0, entries.size());
  for (std::size_t i = 0; i < upto; ++i) RC_ASSERT(member.apply(entries[i], keys).ok());
  // Any entry of the history, one byte changed.
  auto bent = entries[*rc::gen::inRange<std::size_t>(0, entries.size())];
  const auto at = *rc::gen::inRange<std::size_t>(0, bent.size());
  bent[at] ^= *rc::gen::inRange<std::uint8_t>(1, 255);
  const auto before = member.state();
  const auto held = member.held();
  const auto got = member.receive(bent, keys);
  RC_ASSERT(!got.ok());
  RC_ASSERT(member.state() == before);
  RC_ASSERT(member.held() == held);
}

}  // namespace
}  // namespace parley::protocol::groups
