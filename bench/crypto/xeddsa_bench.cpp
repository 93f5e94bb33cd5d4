// XEdDSA sign and verify through our wrapper, against the libsodium Ed25519 calls XEdDSA rests on
// (sign and verify with an Edwards key), so the cost of working from an X25519 key is visible:
// signing computes A = kB each time, verifying maps u to the Edwards y first.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <array>
#include <cstdint>

#include "crypto/bench_support.h"
#include "parley/core/bytes.h"
#include "parley/crypto/ed25519.h"
#include "parley/crypto/x25519.h"
#include "parley/crypto/xeddsa.h"

namespace {

namespace crypto = parley::crypto;
using parley::bench::random_array;
using parley::bench::random_bytes;

// What Parley signs most: a serialized public key (a signed prekey, a device list entry).
constexpr std::size_t kMessageSize = crypto::kSerializedPublicKeySize;

void xeddsa_sign_parley(benchmark::State& state) {
  auto pair = crypto::x25519_key_pair_from_private(random_array<32>());
  const auto message = random_bytes(kMessageSize);
  const auto random = random_bytes(crypto::kSignatureRandomSize);
  for (auto _ : state) {
    auto signature = crypto::xeddsa_sign(pair->private_key, message, random);
    if (!signature.ok()) state.SkipWithError("sign failed");
    benchmark::DoNotOptimize(signature->data());
  }
}

// With the signing key prepared once (its Edwards public key computed), as Ed25519's secret key
// carries its public key: the like-for-like comparison with libsodium's signing.
void xeddsa_sign_parley_prepared(benchmark::State& state) {
  auto pair = crypto::x25519_key_pair_from_private(random_array<32>());
  const auto key = crypto::make_xeddsa_signing_key(pair->private_key);
  const auto message = random_bytes(kMessageSize);
  const auto random = random_bytes(crypto::kSignatureRandomSize);
  for (auto _ : state) {
    auto signature = crypto::xeddsa_sign(*key, message, random);
    if (!signature.ok()) state.SkipWithError("sign failed");
    benchmark::DoNotOptimize(signature->data());
  }
}

// A fresh libsodium Ed25519 key pair, a message and its signature: the backend side of both pairs.
struct SodiumSigned {
  std::array<std::uint8_t, crypto_sign_ed25519_PUBLICKEYBYTES> public_key;
  std::array<std::uint8_t, crypto_sign_ed25519_SECRETKEYBYTES> secret_key;
  parley::core::Bytes message = random_bytes(kMessageSize);
  std::array<std::uint8_t, crypto_sign_ed25519_BYTES> signature;
  SodiumSigned() {
    parley::bench::ensure_sodium();
    crypto_sign_ed25519_keypair(public_key.data(), secret_key.data());
    crypto_sign_ed25519_detached(signature.data(), nullptr, message.data(), message.size(), secret_key.data());
  }
};

void ed25519_sign_sodium(benchmark::State& state) {
  SodiumSigned s;
  for (auto _ : state) {
    crypto_sign_ed25519_detached(s.signature.data(), nullptr, s.message.data(), s.message.size(),
                                 s.secret_key.data());
    benchmark::DoNotOptimize(s.signature);
  }
  state.SetLabel(parley::bench::kBackendLabel);
}

void xeddsa_verify_parley(benchmark::State& state) {
  auto pair = crypto::x25519_key_pair_from_private(random_array<32>());
  const auto message = random_bytes(kMessageSize);
  const auto signature =
      crypto::xeddsa_sign(pair->private_key, message, random_bytes(crypto::kSignatureRandomSize));
  for (auto _ : state) {
    auto verdict = crypto::xeddsa_verify(pair->public_key, message, *signature);
    if (!verdict.ok()) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(verdict);
  }
}

// With the verifying key prepared once per peer identity (the Montgomery-to-Edwards map done).
void xeddsa_verify_parley_prepared(benchmark::State& state) {
  auto pair = crypto::x25519_key_pair_from_private(random_array<32>());
  const auto key = crypto::make_xeddsa_verifying_key(pair->public_key);
  const auto message = random_bytes(kMessageSize);
  const auto signature =
      crypto::xeddsa_sign(pair->private_key, message, random_bytes(crypto::kSignatureRandomSize));
  for (auto _ : state) {
    auto verdict = crypto::xeddsa_verify(*key, message, *signature);
    if (!verdict.ok()) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(verdict);
  }
}

void ed25519_verify_sodium(benchmark::State& state) {
  SodiumSigned s;
  for (auto _ : state) {
    const int rc = crypto_sign_ed25519_verify_detached(s.signature.data(), s.message.data(), s.message.size(),
                                                       s.public_key.data());
    if (rc != 0) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(rc);
  }
  state.SetLabel(parley::bench::kBackendLabel);
}

// The two steps XEdDSA adds to Ed25519, timed alone so the table explains the ratios above:
// verification maps u to Edwards y first; signing derives A = kB from the X25519 key every time.
void montgomery_to_edwards_parley(benchmark::State& state) {
  const auto u = crypto::x25519_key_pair_from_private(random_array<32>())->public_key;
  for (auto _ : state) {
    auto y = crypto::montgomery_to_edwards(u, false);
    if (!y.ok()) state.SkipWithError("map failed");
    benchmark::DoNotOptimize(y->data());
  }
}

void edwards_base_mult_sodium(benchmark::State& state) {
  parley::bench::ensure_sodium();
  auto scalar = random_array<32>();
  scalar[31] &= 0x7f;
  std::array<std::uint8_t, 32> point;
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto_scalarmult_ed25519_base_noclamp(point.data(), scalar.data()));
    benchmark::DoNotOptimize(point);
  }
}

BENCHMARK(xeddsa_sign_parley)->Name("BM_xeddsa_sign/parley");
BENCHMARK(xeddsa_sign_parley_prepared)->Name("BM_xeddsa_sign/parley_prepared");
BENCHMARK(ed25519_sign_sodium)->Name("BM_xeddsa_sign/sodium");
BENCHMARK(xeddsa_verify_parley)->Name("BM_xeddsa_verify/parley");
BENCHMARK(xeddsa_verify_parley_prepared)->Name("BM_xeddsa_verify/parley_prepared");
BENCHMARK(ed25519_verify_sodium)->Name("BM_xeddsa_verify/sodium");
BENCHMARK(montgomery_to_edwards_parley)->Name("BM_xeddsa_step_u_to_edwards/parley");
BENCHMARK(edwards_base_mult_sodium)->Name("BM_xeddsa_step_edwards_base_mult/sodium");

}  // namespace
