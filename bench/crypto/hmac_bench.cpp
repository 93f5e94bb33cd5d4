// HMAC-SHA256 with a fresh key on every call, as the ratchet uses it (each chain step keys a new
// HMAC with the chain key): our wrapper, Botan 2 (its backend) and libsodium.
// Arg: message bytes; 1 is the chain step HMAC(CK, 0x01), 256 a typical message MAC input.
#include <benchmark/benchmark.h>
#include <botan/hmac.h>
#include <botan/sha2_32.h>
#include <sodium.h>

#include <array>
#include <cstdint>

#include "crypto/bench_support.h"
#include "parley/crypto/hmac.h"

namespace {

using parley::bench::random_array;
using parley::bench::random_bytes;

// The key changes on every iteration, so no implementation can keep a keyed state between calls.
void next_key(std::array<std::uint8_t, 32>& key) { ++key[0]; }

void hmac_parley(benchmark::State& state) {
  auto key = random_array<32>();
  const auto data = random_bytes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    next_key(key);
    auto tag = parley::crypto::hmac_sha256(key, data);
    benchmark::DoNotOptimize(tag);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void hmac_botan(benchmark::State& state) {
  auto key = random_array<32>();
  const auto data = random_bytes(static_cast<std::size_t>(state.range(0)));
  std::array<std::uint8_t, 32> tag;
  for (auto _ : state) {
    next_key(key);
    Botan::HMAC mac(new Botan::SHA_256);  // takes ownership
    mac.set_key(key.data(), key.size());
    mac.update(data.data(), data.size());
    mac.final(tag.data());
    benchmark::DoNotOptimize(tag);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetLabel(parley::bench::kBackendLabel);
}

void hmac_sodium(benchmark::State& state) {
  auto key = random_array<32>();
  const auto data = random_bytes(static_cast<std::size_t>(state.range(0)));
  std::array<std::uint8_t, crypto_auth_hmacsha256_BYTES> tag;
  for (auto _ : state) {
    next_key(key);
    crypto_auth_hmacsha256(tag.data(), data.data(), data.size(), key.data());
    benchmark::DoNotOptimize(tag);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

BENCHMARK(hmac_parley)->Name("BM_hmac_sha256/parley")->Arg(1)->Arg(256);
BENCHMARK(hmac_botan)->Name("BM_hmac_sha256/botan")->Arg(1)->Arg(256);
BENCHMARK(hmac_sodium)->Name("BM_hmac_sha256/sodium")->Arg(1)->Arg(256);

}  // namespace
