// The cost of a group message (spec §11.3) against the same message as pairwise ciphertexts, end to
// end through the in-memory network (memory device stores: the engines' and the server's work, not
// the disks'): a group of N accounts with 2 devices each, one of them the sender.
//
// BM_group_message/<accounts>: one steady-state group message per iteration, settled (every member
// device decrypted and stored it). Counters per message: upstream_bytes (every frame the devices
// wrote, the sender's groupSend and every receiver's acks), sender_bytes (the sender's frames alone),
// deliveries (member devices reached), and, measured once before the clock starts:
// first_sender_bytes (the first message, with the sender key to every member device over pairwise
// sessions), pairwise_sender_bytes (the same text sent to every member account as a one-to-one
// message: 2N - 1 ciphertexts, what a client without groups uploads).
//
// BM_server_group_commit/<accounts>: the server's part alone, on its SQLite store: one groupSend of
// 2N - 1 copies committed (all or nothing, synced); items are copies queued.
//
//   build/release/bin/parley-bench-groups-fanout --benchmark_format=json
#include <benchmark/benchmark.h>

#include "../../reference_server/tests/store/store_fixture.h"
#include "sim_network.h"

namespace parley::client::testing {
namespace {

std::string member(int i) { return "m" + std::to_string(i); }

void BM_group_message(benchmark::State& state) {
  const auto accounts = static_cast<int>(state.range(0));
  SimNetwork net({}, DeviceStores::memory);
  std::vector<std::uint64_t> members;
  for (int i = 0; i < accounts; ++i) {
    net.clock_ms += 1000;  // people set up their phones over time: the server's registration limit holds
    members.push_back(net.register_account(member(i)).engine->identity().account);
    net.link_companion(member(i), member(i) + "-laptop");
  }
  auto& sender = net.device(member(0));
  auto created = sender.engine->create_group("bench", {members.begin() + 1, members.end()});
  if (!created.ok()) return state.SkipWithError(core::to_string(created.error()).c_str());
  const auto chat = created->first;
  net.run(member(0), [&] { return core::Result<EngineOutput>(std::move(created->second)); });
  const auto group_send = [&](const std::string& text) {
    net.run(member(0), [&]() -> core::Result<EngineOutput> {
      PARLEY_TRY(auto sent, sender.engine->send_group(chat, text));
      return std::move(sent.second);
    });
  };
  // What the sender alone uploads: its frames are written before anyone else's in each run.
  std::uint64_t sender_frames_bytes = 0;
  struct SenderTap : Tap {
    std::uint64_t* bytes;
    std::vector<wire::Frame> from_device(const std::string& device, wire::Frame frame) override {
      if (device == "m0") *bytes += wire::encode_frame(frame).value().size();
      return {std::move(frame)};
    }
  } tap;
  tap.bytes = &sender_frames_bytes;
  net.set_tap(&tap);
  group_send("the first message, with the key");
  if (const auto failures = sender.events_of<FailedEvent>(); !failures.empty())
    return state.SkipWithError(("the first message failed: " + core::to_string(failures.front().error)).c_str());
  const double first_sender_bytes = static_cast<double>(sender_frames_bytes);
  // The same text one-to-one to every member account (sessions are in place from the key's sends).
  sender_frames_bytes = 0;
  for (int i = 1; i < accounts; ++i) {
    net.clock_ms += 10;  // within the server's send rate per device
    net.send(member(0), members[static_cast<std::size_t>(i)], "the same message, pairwise");
  }
  const double pairwise_sender_bytes = static_cast<double>(sender_frames_bytes);
  sender_frames_bytes = 0;
  const auto bytes_before = net.written.bytes;
  std::uint64_t n = 0;
  for (auto _ : state) group_send("message " + std::to_string(n++));
  net.set_tap(nullptr);
  const auto deliveries = static_cast<double>(2 * accounts - 1);
  state.counters["upstream_bytes"] = benchmark::Counter(static_cast<double>(net.written.bytes - bytes_before), benchmark::Counter::kAvgIterations);
  state.counters["sender_bytes"] = benchmark::Counter(static_cast<double>(sender_frames_bytes), benchmark::Counter::kAvgIterations);
  state.counters["first_sender_bytes"] = first_sender_bytes;
  state.counters["pairwise_sender_bytes"] = pairwise_sender_bytes;
  state.counters["deliveries"] = deliveries;
  state.counters["deliveries_per_second"] =
      benchmark::Counter(deliveries * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_group_message)->Arg(16)->Arg(256)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_server_group_commit(benchmark::State& state) {
  using namespace server;
  using namespace server::testing;
  const auto accounts = static_cast<int>(state.range(0));
  SqliteEngine engine;
  FakeClock clock;
  StoreSettings settings;
  settings.max_queued_messages_per_device = 1'000'000;
  auto store = engine.open(settings, clock.clock());
  std::vector<std::vector<DeviceRecord>> devices;
  std::uint32_t key = 1;
  for (int i = 0; i < accounts; ++i) {
    const auto primary = store.create_account(device_keys(key++)).value();
    auto companion = store.link_device(primary.account, device_keys(key++)).value();
    companion.listed = true;
    const SignedDeviceList list{1, pattern(10, 1), std::vector<DeviceId>{primary.device, companion.device}};
    if (!store.put_device_list(primary.account, list).ok())
      return state.SkipWithError("no device list");
    devices.push_back({primary, companion});
  }
  const core::Bytes group(16, 7);
  const auto entry = group_entry(group, {}, mailbox(devices[0][0]), 1, "bench");
  if (!store.append_group_entry(group, entry, mailbox(devices[0][0])).ok()) return state.SkipWithError("no group");
  const core::Bytes ciphertext(180, 0x44);  // a short text's sender-key message
  std::uint64_t client_id = 1;
  std::size_t copies = 0;
  for (auto _ : state) {
    Send send{devices[0][0].account, devices[0][0].device, ClientMessageId{client_id++}, AccountId{}, {}};
    GroupFanout fanout{group, 1, {}};
    for (const auto& account : devices) {
      Destination to{account.front().account, {}};
      for (const auto& d : account)
        if (!(d.account == devices[0][0].account && d.device == devices[0][0].device))
          to.ciphertexts.push_back({d.device, d.incarnation, ciphertext});
      copies += to.ciphertexts.size();
      fanout.destinations.push_back(std::move(to));
    }
    send.group = std::move(fanout);
    const auto outcome = store.commit_send(send);
    if (!outcome.ok()) return state.SkipWithError(core::to_string(outcome.error()).c_str());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(copies));
  state.counters["copies"] = benchmark::Counter(static_cast<double>(copies), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_server_group_commit)->Arg(256)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace parley::client::testing
BENCHMARK_MAIN();
