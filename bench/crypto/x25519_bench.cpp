// X25519 key generation and agreement: our wrapper, libsodium (its backend) and Botan 2's
// curve25519_donna, the alternative backend, to show why libsodium was chosen (spec §3.5).
#include <benchmark/benchmark.h>
#include <botan/curve25519.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "crypto/bench_support.h"
#include "parley/core/secret_bytes.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"

namespace {

namespace crypto = parley::crypto;
using parley::bench::random_array;

// Every variant draws its 32 random bytes from the same source (libsodium's randombytes, which
// SystemEntropy uses too), so the differences are the wrapper and the curve arithmetic, not the RNG.

void x25519_keygen_parley(benchmark::State& state) {
  parley::bench::ensure_sodium();
  crypto::SystemEntropy entropy;
  for (auto _ : state) {
    auto pair = crypto::generate_x25519_key_pair(entropy);
    if (!pair.ok()) state.SkipWithError("keygen failed");
    benchmark::DoNotOptimize(pair->public_key);
  }
}

void x25519_keygen_sodium(benchmark::State& state) {
  parley::bench::ensure_sodium();
  std::array<std::uint8_t, 32> secret;
  std::array<std::uint8_t, 32> public_key;
  for (auto _ : state) {
    randombytes_buf(secret.data(), secret.size());
    benchmark::DoNotOptimize(crypto_scalarmult_curve25519_base(public_key.data(), secret.data()));
    benchmark::DoNotOptimize(public_key);
  }
  state.SetLabel(parley::bench::kBackendLabel);
}

void x25519_keygen_botan(benchmark::State& state) {
  parley::bench::ensure_sodium();
  std::array<std::uint8_t, 32> secret;
  std::array<std::uint8_t, 32> public_key;
  for (auto _ : state) {
    randombytes_buf(secret.data(), secret.size());
    Botan::curve25519_basepoint(public_key.data(), secret.data());
    benchmark::DoNotOptimize(public_key);
  }
}

void x25519_agree_parley(benchmark::State& state) {
  auto pair = crypto::x25519_key_pair_from_private(random_array<32>());
  const auto peer = crypto::x25519_key_pair_from_private(random_array<32>())->public_key;
  for (auto _ : state) {
    auto shared = crypto::x25519_agree(pair->private_key, peer);
    if (!shared.ok()) state.SkipWithError("agreement failed");
    benchmark::DoNotOptimize(shared->data());
  }
}

void x25519_agree_sodium(benchmark::State& state) {
  parley::bench::ensure_sodium();
  const auto secret = random_array<32>();
  const auto peer_secret = random_array<32>();
  std::array<std::uint8_t, 32> peer;
  crypto_scalarmult_curve25519_base(peer.data(), peer_secret.data());
  std::array<std::uint8_t, 32> shared;
  for (auto _ : state) {
    // Returns -1 for an all-zero result, the small-order check the wrapper relies on.
    benchmark::DoNotOptimize(crypto_scalarmult_curve25519(shared.data(), secret.data(), peer.data()));
    benchmark::DoNotOptimize(shared);
  }
  state.SetLabel(parley::bench::kBackendLabel);
}

void x25519_agree_botan(benchmark::State& state) {
  parley::bench::ensure_sodium();
  const auto secret = random_array<32>();
  const auto peer_secret = random_array<32>();
  std::array<std::uint8_t, 32> peer;
  Botan::curve25519_basepoint(peer.data(), peer_secret.data());
  std::array<std::uint8_t, 32> shared;
  for (auto _ : state) {
    Botan::curve25519_donna(shared.data(), secret.data(), peer.data());
    // Botan 2 does not reject an all-zero secret (spec §3.1); a caller has to, so it is timed.
    const bool all_zero = std::all_of(shared.begin(), shared.end(), [](std::uint8_t b) { return b == 0; });
    benchmark::DoNotOptimize(all_zero);
    benchmark::DoNotOptimize(shared);
  }
}

BENCHMARK(x25519_keygen_parley)->Name("BM_x25519_keygen/parley");
BENCHMARK(x25519_keygen_sodium)->Name("BM_x25519_keygen/sodium");
BENCHMARK(x25519_keygen_botan)->Name("BM_x25519_keygen/botan");
BENCHMARK(x25519_agree_parley)->Name("BM_x25519_agree/parley");
BENCHMARK(x25519_agree_sodium)->Name("BM_x25519_agree/sodium");
BENCHMARK(x25519_agree_botan)->Name("BM_x25519_agree/botan");

}  // namespace
