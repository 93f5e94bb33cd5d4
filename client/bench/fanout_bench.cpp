// The cost of client fan-out (spec §8.4): one message from an account with N devices to
// an account with N devices, end to end through the in-memory network (the sender's engine plans,
// encrypts once per device and sends one frame per account; the real server frame handler queues
// and delivers; every receiving engine decrypts, stores, acknowledges and sends its delivered
// receipt (spec §10.2) to every device of the sender, which merge it into their ticks). Each
// device's SQLite store is synced on every write, as on a phone.
//
// Names: BM_fanout/<devices per account>. Counters per message: ciphertexts (encryptions made, the
// receipts' included), upstream_frames and upstream_bytes (every frame the devices wrote: sends,
// receipts and acks).
//
//   build/release/bin/parley-bench-fanout --benchmark_format=json
#include <benchmark/benchmark.h>

#include "sim_network.h"

namespace parley::client::testing {
namespace {

void BM_fanout(benchmark::State& state) {
  const auto per_account = static_cast<int>(state.range(0));
  SimNetwork net;
  net.register_account("a1");
  net.register_account("b1");
  for (int i = 2; i <= per_account; ++i) {
    net.link_companion("a1", "a" + std::to_string(i));
    net.link_companion("b1", "b" + std::to_string(i));
  }
  const auto b = net.device("b1").engine->identity().account;
  const auto a = net.device("a1").engine->identity().account;
  // Every session and list in place before the clock starts.
  for (int i = 1; i <= per_account; ++i) {
    net.send("a" + std::to_string(i), b, "warm up");
    net.send("b" + std::to_string(i), a, "warm up");
  }
  const auto frames_before = net.written.frames, bytes_before = net.written.bytes, ciphertexts_before = net.written.ciphertexts;
  std::uint64_t n = 0;
  for (auto _ : state) net.send("a1", b, "message " + std::to_string(n++));
  state.counters["ciphertexts"] =
      benchmark::Counter(static_cast<double>(net.written.ciphertexts - ciphertexts_before), benchmark::Counter::kAvgIterations);
  state.counters["upstream_frames"] =
      benchmark::Counter(static_cast<double>(net.written.frames - frames_before), benchmark::Counter::kAvgIterations);
  state.counters["upstream_bytes"] =
      benchmark::Counter(static_cast<double>(net.written.bytes - bytes_before), benchmark::Counter::kAvgIterations);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_fanout)->Arg(1)->Arg(5)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace parley::client::testing

BENCHMARK_MAIN();
