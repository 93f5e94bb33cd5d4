// Crash atomicity of the engine (spec §8.6), by failure injection rather than by reasoning: a
// scripted conversation of sends, receipts, a link and a retry runs once to count its store writes;
// then once for every k, with the k-th write failing (the engine reloads from its store and
// reconnects) and once more with the device dying at it (thrown away, loaded again from its store).
// After each, the conversation completes, and every message is shown exactly once on every device
// that should show it.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim_network.h"

namespace parley::client::testing {
namespace {

// Flips a byte of the next message delivered to one device: it cannot be read, so the device asks for
// it again (spec §8.5).
class CorruptNext final : public Tap {
 public:
  std::string device;
  std::vector<wire::Frame> to_device(const std::string& name, wire::Frame frame) override {
    if (auto* d = std::get_if<wire::Deliver>(&frame.body); d != nullptr && name == device && !d->ciphertext.empty()) {
      d->ciphertext[d->ciphertext.size() / 2] ^= 0x40;
      device.clear();
    }
    return {std::move(frame)};
  }
};

struct Expected {
  std::string text;
  std::set<std::string> on;  // the devices that must show it, once
};

struct Outcome {
  std::uint64_t writes = 0;
  bool relinked = false;  // the first link did not finish: the person scanned again
  std::vector<std::string> problems;
};

// The conversation; `fault` (if any) is the write that fails, counted from the first write after the
// two phones registered.
Outcome converse(std::optional<std::uint64_t> fault, FaultMode mode) {
  SimNetwork net({}, DeviceStores::memory);
  CorruptNext corrupt;
  net.set_tap(&corrupt);
  const auto a = net.register_account("alice-phone").engine->identity().account;
  const auto b = net.register_account("bob-phone").engine->identity().account;
  net.faults.writes = 0;
  if (fault) net.faults.fail_write(*fault, mode);

  net.send("alice-phone", b, "m1");
  net.mark_read("bob-phone", a);
  net.send("bob-phone", a, "m2");
  // A device that died in the middle of a link forgot it (a link is a minute's conversation, kept in
  // memory): the person sees no linked laptop and scans a new code.
  std::string laptop = "alice-laptop";
  net.link_companion("alice-phone", laptop);
  for (int attempt = 2; !net.link_finished("alice-phone", laptop) && attempt < 5; ++attempt) {
    laptop = "alice-laptop-" + std::to_string(attempt);
    net.link_companion("alice-phone", laptop);
  }
  net.send(laptop, b, "m3");
  corrupt.device = "bob-phone";
  net.send("alice-phone", b, "m4");  // unreadable at first: Bob asks, Alice sends it again
  net.mark_read(laptop, b);
  net.send("bob-phone", a, "m5");
  net.mark_read("alice-phone", b);

  Outcome outcome{net.faults.writes, false, {}};
  outcome.relinked = laptop != "alice-laptop";
  // The people carry on: every device starts again (what the outbox holds goes out) until quiet.
  for (int round = 0; round < 2; ++round)
    for (const auto& name : {std::string("alice-phone"), std::string("bob-phone"), laptop}) net.restart(name);
  const std::vector<Expected> expected = {
      {"m1", {"alice-phone", "bob-phone"}},
      {"m2", {"alice-phone", "bob-phone"}},
      {"m3", {"alice-phone", laptop, "bob-phone"}},
      {"m4", {"alice-phone", laptop, "bob-phone"}},
      {"m5", {"alice-phone", laptop, "bob-phone"}},
  };
  for (const auto& e : expected)
    for (const auto& name : {std::string("alice-phone"), std::string("bob-phone"), laptop}) {
      const auto chat = name.starts_with("alice") ? b : a;
      const auto messages = net.device(name).store->messages(chat);
      std::size_t n = 0;
      if (messages.ok())
        for (const auto& m : *messages) n += m.body == e.text;
      const std::size_t want = e.on.contains(name) ? 1 : 0;
      if (n != want)
        outcome.problems.push_back(e.text + " shown " + std::to_string(n) + " times on " + name + " (want " + std::to_string(want) + ")");
    }
  if (fault && net.faults.fired == 0) outcome.problems.push_back("the fault never fired");
  return outcome;
}

TEST(FailureInjection, EveryWriteOfAConversationCanFailOrCrashAndNothingIsLostOrDoubled) {
  const auto clean = converse(std::nullopt, FaultMode::error);
  ASSERT_TRUE(clean.problems.empty()) << clean.problems.front();
  ASSERT_GT(clean.writes, 50u);  // the script does write: sends, receipts, a link, a retry
  std::size_t runs = 0, relinks = 0;
  for (const auto mode : {FaultMode::error, FaultMode::crash})
    for (std::uint64_t k = 1; k <= clean.writes; ++k) {
      const auto run = converse(k, mode);
      ++runs;
      relinks += run.relinked;
      for (const auto& p : run.problems)
        ADD_FAILURE() << (mode == FaultMode::crash ? "crash" : "failure") << " at write " << k << " of " << clean.writes << ": " << p;
    }
  RecordProperty("writes", static_cast<int>(clean.writes));
  RecordProperty("runs", static_cast<int>(runs));
  // Only a fault inside the link itself (a minute's conversation held in memory) makes the person
  // link again; a handful of writes at most, never a lost message.
  EXPECT_LT(relinks, runs / 10);
  std::printf("%zu runs over %llu writes, %zu of them linked again\n", runs, static_cast<unsigned long long>(clean.writes), relinks);
}

}  // namespace
}  // namespace parley::client::testing
