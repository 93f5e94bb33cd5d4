// The store's durable message path (spec §7.1): commit a batch of sends in one transaction, fetch
// each destination's mailbox, acknowledge the batch in one transaction. items_per_second is
// messages per second end to end through the store; with SQLite every commit is synced
// (WAL, synchronous=FULL), so this is the floor the server's group commit builds on.
//
// Names: BM_store_send_fetch_ack/<engine>/<batch size>; engine sqlite (durable, in $TMPDIR, which
// must be a real disk for the numbers to mean anything) or memory (the Store's own cost).
//
//   build/release/bin/parley-bench-store --benchmark_format=json
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <string_view>
#include <vector>

#include <filesystem>
#include <map>
#include <string>

#include "parley/server/store/memory_backend.h"
#include "parley/server/store/sqlite_backend.h"
#include "parley/server/store/store.h"

namespace parley::server {
namespace {

constexpr std::size_t kDestinations = 64;     // sends spread over this many single-device accounts
constexpr std::size_t kCiphertextSize = 200;  // a short text message with its Signal overhead

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/parley-store-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

DeviceKeys keys(std::uint32_t n) {
  DeviceKeys k{core::Bytes(kIdentityKeySize, 0x05), core::Bytes(kNoiseStaticKeySize, 0), n};
  for (int i = 0; i < 4; ++i) k.noise_static_key[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return k;
}

void run(benchmark::State& state, Store& store) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const auto sender = store.create_account(keys(0));
  std::vector<DeviceRecord> destinations;
  for (std::uint32_t i = 1; i <= kDestinations; ++i) {
    auto d = store.create_account(keys(i));
    if (!d.ok() || !sender.ok()) {
      state.SkipWithError(core::to_string(d.ok() ? sender.error() : d.error()).c_str());
      return;
    }
    destinations.push_back(*d);
  }
  std::vector<Send> sends(batch);
  std::vector<MessageAck> acks;
  std::uint64_t client_id = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) {
      const auto& to = destinations[(client_id + i) % kDestinations];
      sends[i] = Send{sender->account,
                      sender->device,
                      ClientMessageId{client_id + i},
                      to.account,
                      {{to.device, to.incarnation, core::Bytes(kCiphertextSize, 0xab)}}};
    }
    client_id += batch;
    for (const auto& outcome : store.commit_sends(sends))
      if (!outcome.ok()) state.SkipWithError(core::to_string(outcome.error()).c_str());
    acks.clear();
    for (std::size_t i = 0; i < std::min(batch, kDestinations); ++i) {
      const auto& to = destinations[(client_id - batch + i) % kDestinations];
      const MailboxAddress mailbox{to.account, to.device, to.incarnation};
      auto fetched = store.fetch(mailbox, ServerId{0}, store.settings().max_fetch);
      if (!fetched.ok()) state.SkipWithError(core::to_string(fetched.error()).c_str());
      for (const auto& m : *fetched) acks.push_back({mailbox, m.server_id});
    }
    if (acks.size() != batch) state.SkipWithError("fetched a different number of messages than sent");
    if (!store.acknowledge(acks).ok()) state.SkipWithError("acknowledge failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["batch"] = static_cast<double>(batch);
}

}  // namespace

void BM_store_send_fetch_ack_sqlite(benchmark::State& state) {
  TempDir dir;
  auto store = open_sqlite_store(dir.path() / "store.db", StoreSettings{}, system_clock());
  if (!store.ok()) {
    state.SkipWithError(core::to_string(store.error()).c_str());
    return;
  }
  state.SetLabel("durable: WAL, synchronous=FULL");
  run(state, store.value());
}

void BM_store_send_fetch_ack_memory(benchmark::State& state) {
  Store store = make_memory_store(StoreSettings{}, system_clock());
  run(state, store);
}

}  // namespace parley::server

// Batch sizes: 1, 16, 64 and 256, or the comma-separated list in PARLEY_STORE_BATCHES, so that
// scripts/bench-server.sh measures the floor at the batch size the server actually committed.
int main(int argc, char** argv) {
  using namespace parley::server;
  std::vector<std::int64_t> batches = {1, 16, 64, 256};
  if (const char* env = std::getenv("PARLEY_STORE_BATCHES"); env != nullptr && *env != 0) {
    batches.clear();
    for (std::string_view rest(env); !rest.empty();) {
      const auto comma = rest.find(',');
      batches.push_back(std::stoll(std::string(rest.substr(0, comma))));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  auto* sqlite = benchmark::RegisterBenchmark("BM_store_send_fetch_ack/sqlite", BM_store_send_fetch_ack_sqlite);
  auto* memory = benchmark::RegisterBenchmark("BM_store_send_fetch_ack/memory", BM_store_send_fetch_ack_memory);
  for (const auto b : batches) {
    sqlite->Arg(b);
    memory->Arg(b);
  }
  sqlite->UseRealTime();
  memory->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
