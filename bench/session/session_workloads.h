// The session workloads (spec §5), written once and run on every implementation.
//
// An implementation is a class `Pair` holding two devices, alice and bob, with their long-term
// keys and bob's published prekeys (a one-time key included), and offering:
//   using Message;                       one message on the wire
//   static constexpr const char* kName;  the <impl> part of the benchmark names
//   explicit Pair(std::uint64_t seed);   deterministic keys
//   void reset();                        forget both sessions, keep the keys
//   Status start();                      alice: a session from bob's bundle (or identity + one-time key)
//   Status encrypt(Side from, core::BytesView plaintext, Message& out);
//   Status decrypt(Side to, const Message& m, core::Bytes& plaintext);  bob's first one sets his session up
//   static std::size_t wire_size(const Message&);
//   std::optional<std::size_t> state_size(Side);  serialized session state; nullopt: not available
//   static constexpr const char* kStateSizeMissing;  why, when it is nullopt
//
// Names: BM_session_<workload>/<impl>. bench/bench_table.py compares parley with every other impl.
// Setup and the message batches a workload starts from run with the timer paused.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/core/bytes.h"

namespace parley::bench {

enum class Side { alice, bob };

struct Status {
  std::string error;  // empty: success
  bool ok() const { return error.empty(); }
};

inline constexpr std::size_t kPayloadSize = 100;
inline constexpr int kBurstMessages = 10000;
inline constexpr int kPingPongMessages = 2000;
inline constexpr int kReverseMessages = 1000;
inline constexpr std::uint64_t kSeed = 3;

// 100 bytes of text-like payload, different for every message index.
inline core::Bytes payload(std::uint32_t index) {
  core::Bytes p(kPayloadSize);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>('a' + (i + index) % 26);
  return p;
}

namespace detail {

inline bool check(benchmark::State& state, const Status& s, const char* what) {
  if (s.ok()) return true;
  state.SkipWithError((std::string(what) + ": " + s.error).c_str());
  return false;
}

// Per-message counters: msgs (per iteration, for the table), msgs_per_s and per_msg (seconds).
inline void message_counters(benchmark::State& state, int per_iteration) {
  const double total = static_cast<double>(state.iterations()) * per_iteration;
  state.counters["msgs"] = per_iteration;
  state.counters["msgs_per_s"] = benchmark::Counter(total, benchmark::Counter::kIsRate);
  state.counters["per_msg"] =
      benchmark::Counter(total, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// A session both sides have sent on: alice's first (prekey) message and bob's reply are through,
// so what follows are ordinary messages in both directions.
template <class Pair>
bool establish(benchmark::State& state, Pair& p) {
  p.reset();
  typename Pair::Message m{};
  core::Bytes out;
  return check(state, p.start(), "start") &&
         check(state, p.encrypt(Side::alice, payload(0), m), "first encrypt") &&
         check(state, p.decrypt(Side::bob, m, out), "first decrypt") &&
         check(state, p.encrypt(Side::bob, payload(1), m), "reply encrypt") &&
         check(state, p.decrypt(Side::alice, m, out), "reply decrypt");
}

template <class Pair>
bool encrypt_batch(benchmark::State& state, Pair& p, int n, std::vector<typename Pair::Message>& out) {
  out.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    if (!check(
            state,
            p.encrypt(Side::alice, payload(static_cast<std::uint32_t>(i)), out[static_cast<std::size_t>(i)]),
            "encrypt"))
      return false;
  return true;
}

}  // namespace detail

// Bundle to first decrypted message, both sides: alice starts a session and encrypts, bob sets his
// side up from the prekey message and decrypts it.
template <class Pair>
void bm_setup(benchmark::State& state) {
  Pair p(kSeed);
  const core::Bytes plaintext = payload(0);
  typename Pair::Message m{};
  core::Bytes out;
  for (auto _ : state) {
    state.PauseTiming();
    p.reset();
    state.ResumeTiming();
    if (!detail::check(state, p.start(), "start") ||
        !detail::check(state, p.encrypt(Side::alice, plaintext, m), "encrypt") ||
        !detail::check(state, p.decrypt(Side::bob, m, out), "decrypt"))
      break;
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["prekey_msg_bytes"] = static_cast<double>(Pair::wire_size(m));
}

// kBurstMessages messages from alice on an established session, encryption alone.
template <class Pair>
void bm_burst_encrypt(benchmark::State& state) {
  Pair p(kSeed);
  std::vector<core::Bytes> plaintexts;
  for (int i = 0; i < kBurstMessages; ++i) plaintexts.push_back(payload(static_cast<std::uint32_t>(i)));
  typename Pair::Message m{};
  for (auto _ : state) {
    state.PauseTiming();
    const bool ready = detail::establish(state, p);
    state.ResumeTiming();
    if (!ready) break;
    for (const auto& plaintext : plaintexts) {
      if (!detail::check(state, p.encrypt(Side::alice, plaintext, m), "encrypt")) break;
      benchmark::DoNotOptimize(m);
    }
    if (state.error_occurred()) break;
  }
  detail::message_counters(state, kBurstMessages);
  state.counters["msg_bytes"] = static_cast<double>(Pair::wire_size(m));
}

// The same burst received by bob in order, decryption alone (the first message of the burst is a
// DH step: alice's sending chain is new to bob).
template <class Pair>
void bm_burst_decrypt(benchmark::State& state) {
  Pair p(kSeed);
  std::vector<typename Pair::Message> messages;
  core::Bytes out;
  for (auto _ : state) {
    state.PauseTiming();
    const bool ready =
        detail::establish(state, p) && detail::encrypt_batch(state, p, kBurstMessages, messages);
    state.ResumeTiming();
    if (!ready) break;
    for (const auto& m : messages) {
      if (!detail::check(state, p.decrypt(Side::bob, m, out), "decrypt")) break;
      benchmark::DoNotOptimize(out.data());
    }
    if (state.error_occurred()) break;
  }
  detail::message_counters(state, kBurstMessages);
}

// kPingPongMessages messages alternating alice, bob, alice, ...: every message carries a new
// ratchet key, so every receive is a DH ratchet step. Encrypt and decrypt both timed.
template <class Pair>
void bm_pingpong(benchmark::State& state) {
  Pair p(kSeed);
  std::vector<core::Bytes> plaintexts;
  for (int i = 0; i < kPingPongMessages; ++i) plaintexts.push_back(payload(static_cast<std::uint32_t>(i)));
  typename Pair::Message m{};
  core::Bytes out;
  for (auto _ : state) {
    state.PauseTiming();
    const bool ready = detail::establish(state, p);
    state.ResumeTiming();
    if (!ready) break;
    for (int i = 0; i < kPingPongMessages; ++i) {
      const Side from = i % 2 == 0 ? Side::alice : Side::bob;
      const Side to = i % 2 == 0 ? Side::bob : Side::alice;
      if (!detail::check(state, p.encrypt(from, plaintexts[static_cast<std::size_t>(i)], m), "encrypt") ||
          !detail::check(state, p.decrypt(to, m, out), "decrypt"))
        break;
      benchmark::DoNotOptimize(out.data());
    }
    if (state.error_occurred()) break;
  }
  detail::message_counters(state, kPingPongMessages);
}

// kReverseMessages messages from alice received by bob last first: the first receive skips
// kReverseMessages - 1 keys, every later one needs a stored key. Failures are counted as `lost`;
// Parley must lose none (its bound, kMaxSkippedMessageKeys, is 2000).
template <class Pair>
void bm_reverse(benchmark::State& state) {
  Pair p(kSeed);
  std::vector<typename Pair::Message> messages;
  core::Bytes out;
  std::int64_t lost = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const bool ready =
        detail::establish(state, p) && detail::encrypt_batch(state, p, kReverseMessages, messages);
    state.ResumeTiming();
    if (!ready) break;
    lost = 0;
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
      if (!p.decrypt(Side::bob, *it, out).ok()) ++lost;
      benchmark::DoNotOptimize(out.data());
    }
  }
  detail::message_counters(state, kReverseMessages);
  state.counters["lost"] = static_cast<double>(lost);
  if (lost > 0 && std::string(Pair::kName) == "parley")
    state.SkipWithError(("parley lost " + std::to_string(lost) + " of " + std::to_string(kReverseMessages) +
                         " messages received in reverse order")
                            .c_str());
}

// The serialized size of bob's session state (no time comparison: only the counters matter):
// state_bytes on a just-established session, state_bytes_gap after he received the last of
// kReverseMessages messages first, so that he holds every skipped key his implementation keeps.
template <class Pair>
void bm_state_size(benchmark::State& state) {
  Pair p(kSeed);
  std::vector<typename Pair::Message> messages;
  core::Bytes out;
  std::optional<std::size_t> fresh, gap;
  for (auto _ : state) {
    if (!detail::establish(state, p)) break;
    fresh = p.state_size(Side::bob);
    if (!fresh) {
      state.SkipWithError(Pair::kStateSizeMissing);
      break;
    }
    if (!detail::encrypt_batch(state, p, kReverseMessages, messages) ||
        !detail::check(state, p.decrypt(Side::bob, messages.back(), out), "decrypt"))
      break;
    gap = p.state_size(Side::bob);
  }
  if (fresh) state.counters["state_bytes"] = static_cast<double>(*fresh);
  if (gap) state.counters["state_bytes_gap"] = static_cast<double>(*gap);
}

// Registers every workload for one implementation.
template <class Pair>
void register_session_workloads() {
  const std::string impl = Pair::kName;
  auto name = [&](const char* workload) { return "BM_session_" + std::string(workload) + "/" + impl; };
  benchmark::RegisterBenchmark(name("setup").c_str(), bm_setup<Pair>)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(name("burst_encrypt").c_str(), bm_burst_encrypt<Pair>)
      ->Iterations(5)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(name("burst_decrypt").c_str(), bm_burst_decrypt<Pair>)
      ->Iterations(5)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(name("pingpong").c_str(), bm_pingpong<Pair>)
      ->Iterations(2)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(name("reverse").c_str(), bm_reverse<Pair>)
      ->Iterations(5)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(name("state_size").c_str(), bm_state_size<Pair>)->Iterations(1);
}

}  // namespace parley::bench
