#include "parley/load/run.h"

#include "load_device.h"  // first: Asio

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "parley/core/hex.h"
#include "parley/transport/net/open_files.h"

namespace parley::load {

namespace {

using core::Errc;

core::Result<crypto::X25519PublicKey> read_server_key(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  if (!in || !std::getline(in, text)) return core::make_error(Errc::not_found, "cannot read " + file.string());
  auto bytes = core::from_hex(text);
  crypto::X25519PublicKey key{};
  if (!bytes.ok() || bytes->size() != key.size())
    return core::make_error(Errc::malformed, file.string() + ": expected 64 hex characters");
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

// VmRSS of a process, in bytes; 0 if it cannot be read.
std::uint64_t resident_bytes(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

// One event loop per thread; devices are spread over them round-robin.
class Loops {
 public:
  explicit Loops(std::uint32_t count) : contexts_(count) {
    for (auto& io : contexts_) {
      guards_.emplace_back(io.get_executor());
      threads_.emplace_back([&io] { io.run(); });
    }
  }
  ~Loops() { join(); }
  // Lets each loop run out of work and waits for its thread. The devices' timers must be destroyed
  // after this and before the loops themselves (a timer outliving its io_context is a use after
  // free), hence an explicit step rather than only the destructor.
  void join() {
    guards_.clear();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  asio::io_context& at(std::size_t i) { return contexts_[i % contexts_.size()]; }

 private:
  std::vector<asio::io_context> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

// Runs `job(device, i)` for devices [first, last), device i on loop i % loop_count (where its
// connection then lives for the whole run), at most `parallel` at once per loop, and waits for all
// of them: thousands of handshakes at once would race the server's handshake timeout.
template <typename Job>
void for_each_device(Loops& loops, std::uint32_t loop_count, std::uint32_t first, std::uint32_t last,
                     std::uint32_t parallel, Job job) {
  std::atomic<std::uint32_t> running{0};
  for (std::uint32_t l = 0; l < loop_count; ++l) {
    // The first index in range that belongs to loop l; each loop's workers share its cursor.
    auto cursor = std::make_shared<std::uint32_t>(first + (l + loop_count - first % loop_count) % loop_count);
    for (std::uint32_t p = 0; p < parallel; ++p) {
      ++running;
      asio::co_spawn(
          loops.at(l),
          [&, cursor, loop_count]() -> asio::awaitable<void> {
            while (*cursor < last) {
              const std::uint32_t i = *cursor;
              *cursor += loop_count;
              co_await job(i);
            }
          },
          [&](std::exception_ptr) { --running; });
    }
  }
  while (running > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace

core::Result<RunReport> run_load(const LoadSettings& settings) {
  PARLEY_TRY(const auto server_key, read_server_key(settings.server_key));
  boost::system::error_code bad;
  const auto address = asio::ip::make_address(settings.server_host, bad);
  if (bad) return core::make_error(Errc::malformed, "bad server address " + settings.server_host);
  const std::uint32_t total = settings.devices + settings.idle_connections;
  transport::net::raise_open_file_limit(total + 256);

  Ledger ledger(settings.messages);
  RunContext context{settings, {address, settings.server_port}, server_key, ledger, std::vector<DirectoryEntry>(total)};
  Loops loops(settings.threads);
  std::vector<std::unique_ptr<LoadDevice>> devices;
  for (std::uint32_t i = 0; i < total; ++i) devices.push_back(std::make_unique<LoadDevice>(i, context));
  // On every way out: the loops finish first, then the devices go, then the loops.
  struct JoinFirst {
    Loops& loops;
    ~JoinFirst() { loops.join(); }
  } join_first{loops};
  std::vector<std::string> failures;
  std::mutex failures_mutex;
  auto register_range = [&](std::uint32_t first, std::uint32_t last) {
    for_each_device(loops, settings.threads, first, last, 64, [&](std::uint32_t i) -> asio::awaitable<void> {
      std::optional<asio::ip::address> source;
      if (i >= settings.devices && settings.source_addresses > 1)
        source = asio::ip::make_address_v4(0x7f000001u + (i % settings.source_addresses));
      auto registered = co_await devices[i]->register_account(source);
      if (!registered.ok()) {
        std::lock_guard lock(failures_mutex);
        failures.push_back(core::to_string(registered.error()));
      }
    });
  };
  register_range(0, settings.devices);
  if (!failures.empty()) return core::make_error(Errc::connection_closed, "registration failed: " + failures.front());

  RunReport report;
  std::atomic<std::uint32_t> idle_open{0};
  if (settings.idle_connections > 0) {
    IdleMemory idle;
    idle.connections = settings.idle_connections;
    if (settings.server_pid) idle.server_rss_before = resident_bytes(*settings.server_pid);
    register_range(settings.devices, total);
    if (!failures.empty()) return core::make_error(Errc::connection_closed, "idle registration failed: " + failures.front());
    for (std::uint32_t i = settings.devices; i < total; ++i) {
      ++idle_open;
      asio::co_spawn(loops.at(i % settings.threads), devices[i]->idle(), [&](std::exception_ptr) { --idle_open; });
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));  // let the server's allocator settle
    if (settings.server_pid) {
      idle.server_rss_after = resident_bytes(*settings.server_pid);
      idle.bytes_per_connection =
          static_cast<double>(idle.server_rss_after - std::min(idle.server_rss_after, idle.server_rss_before)) /
          settings.idle_connections;
    }
    report.idle = idle;
  }

  // The plan: message m from device m % N to another device, chosen by the seed.
  std::mt19937_64 random(settings.seed);
  for (std::uint64_t m = 0; m < settings.messages; ++m) {
    const auto sender = static_cast<std::uint32_t>(m % settings.devices);
    auto receiver = static_cast<std::uint32_t>(random() % (settings.devices - 1));
    if (receiver >= sender) ++receiver;
    devices[sender]->plan(m, receiver);
  }

  const auto start = Steady::now();
  context.epoch = start;
  std::atomic<std::uint32_t> running{0};
  for (std::uint32_t i = 0; i < settings.devices; ++i) {
    ++running;
    asio::co_spawn(loops.at(i % settings.threads), devices[i]->run(), [&](std::exception_ptr) { --running; });
  }

  // Done when every acknowledged message is delivered (and every message acknowledged or refused
  // for good); given up when nothing moves for the reconnect window plus the drain timeout.
  std::uint64_t last_acked = 0, last_delivered = 0;
  auto last_progress = start;
  const auto patience = settings.reconnect_for + settings.drain_timeout;
  while (!ledger.complete() && context.gave_up < settings.devices) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto acked = ledger.acked_count(), delivered = ledger.delivered_count();
    if (acked != last_acked || delivered != last_delivered) {
      last_acked = acked;
      last_delivered = delivered;
      last_progress = Steady::now();
    } else if (Steady::now() - last_progress > patience) {
      break;
    }
  }
  const auto end = ledger.complete() ? Steady::now() : last_progress;
  context.stopping = true;
  for (std::uint32_t i = 0; i < settings.devices; ++i)
    asio::post(loops.at(i % settings.threads), [&, i] { devices[i]->wake(); });
  while (running > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  if (settings.hold.count() > 0) std::this_thread::sleep_for(settings.hold);
  for (std::uint32_t i = settings.devices; i < total; ++i)
    asio::co_spawn(loops.at(i % settings.threads), devices[i]->close(), asio::detached);
  while (idle_open > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  report.tally = ledger.tally();
  report.duration_s = std::chrono::duration<double>(end - start).count();
  report.msgs_per_s = report.duration_s > 0 ? static_cast<double>(report.tally.delivered) / report.duration_s : 0;
  report.reconnects = context.reconnects;
  report.gave_up = context.gave_up;
  return report;
}

namespace {

nlohmann::json percentiles_json(const Percentiles& p) { return {{"p50", p.p50}, {"p99", p.p99}, {"p999", p.p999}}; }

}  // namespace

std::string report_json(const RunReport& r, const LoadSettings& s) {
  const auto& t = r.tally;
  nlohmann::json j = {
      {"devices", s.devices},
      {"messages", t.messages},
      {"size", s.size},
      {"rate", s.rate},
      {"window", s.window},
      {"acked", t.acked},
      {"delivered", t.delivered},
      {"lost", t.lost},
      {"redelivered", t.redelivered},
      {"duplicated", t.duplicated},
      {"reordered", t.reordered},
      {"misdelivered", t.misdelivered},
      {"refused", t.refused},
      {"failed", t.failed},
      {"reconnects", r.reconnects},
      {"gave_up", r.gave_up},
      {"duration_s", r.duration_s},
      {"msgs_per_s", r.msgs_per_s},
      {"latency_ms", {{"send_to_ack", percentiles_json(t.send_to_ack_ms)}, {"end_to_end", percentiles_json(t.end_to_end_ms)}}},
  };
  if (r.idle)
    j["idle_connections"] = {{"count", r.idle->connections},
                             {"server_rss_before_bytes", r.idle->server_rss_before},
                             {"server_rss_after_bytes", r.idle->server_rss_after},
                             {"bytes_per_connection", r.idle->bytes_per_connection}};
  return j.dump();
}

std::string report_text(const RunReport& r) {
  const auto& t = r.tally;
  std::ostringstream out;
  out << t.acked << " of " << t.messages << " acknowledged, " << t.delivered << " delivered in " << r.duration_s
      << " s (" << static_cast<std::uint64_t>(r.msgs_per_s) << " msgs/s)\n"
      << "lost " << t.lost << ", duplicated " << t.duplicated << ", reordered " << t.reordered << ", misdelivered "
      << t.misdelivered << "; redelivered " << t.redelivered << ", refused " << t.refused << ", failed " << t.failed
      << ", reconnects " << r.reconnects << "\n"
      << "send to ack ms p50/p99/p999: " << t.send_to_ack_ms.p50 << " / " << t.send_to_ack_ms.p99 << " / "
      << t.send_to_ack_ms.p999 << "\nend to end ms p50/p99/p999: " << t.end_to_end_ms.p50 << " / "
      << t.end_to_end_ms.p99 << " / " << t.end_to_end_ms.p999 << "\n";
  if (r.idle)
    out << r.idle->connections << " idle connections: " << static_cast<std::uint64_t>(r.idle->bytes_per_connection)
        << " bytes of server memory each\n";
  return out.str();
}

int exit_status(const RunReport& r) {
  const auto& t = r.tally;
  if (t.lost != 0 || t.duplicated != 0 || t.reordered != 0 || t.misdelivered != 0) return 1;
  if (t.acked != t.messages) return 3;
  return 0;
}

}  // namespace parley::load
