// HKDF-SHA256 producing 80 bytes, the message-key derivation of every ratchet message
// (ikm = MK, salt = 32 zeros, info "WhisperMessageKeys"): our wrapper against Botan 2's HKDF.
// libsodium 1.0.18 has no HKDF, so it has no row.
#include <benchmark/benchmark.h>
#include <botan/hkdf.h>
#include <botan/hmac.h>
#include <botan/sha2_32.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "crypto/bench_support.h"
#include "parley/core/bytes.h"
#include "parley/crypto/hkdf.h"

namespace {

constexpr std::size_t kLength = 80;
constexpr std::string_view kInfo = "WhisperMessageKeys";

void hkdf_parley(benchmark::State& state) {
  const auto ikm = parley::bench::random_bytes(32);
  const std::array<std::uint8_t, 32> salt{};
  for (auto _ : state) {
    auto okm = parley::crypto::hkdf_sha256(ikm, salt, parley::core::as_bytes(kInfo), kLength);
    if (!okm.ok()) state.SkipWithError("HKDF failed");
    benchmark::DoNotOptimize(okm->data());
  }
}

void hkdf_botan(benchmark::State& state) {
  const auto ikm = parley::bench::random_bytes(32);
  const std::array<std::uint8_t, 32> salt{};
  std::array<std::uint8_t, kLength> okm;
  for (auto _ : state) {
    // Built per call, as a one-shot caller (and the wrapper) does; HKDF keeps no state worth reusing.
    Botan::HKDF kdf(new Botan::HMAC(new Botan::SHA_256));
    const std::size_t produced =
        kdf.kdf(okm.data(), okm.size(), ikm.data(), ikm.size(), salt.data(), salt.size(),
                reinterpret_cast<const std::uint8_t*>(kInfo.data()), kInfo.size());
    if (produced != kLength) state.SkipWithError("HKDF short output");  // Botan 2 may return fewer bytes than asked
    benchmark::DoNotOptimize(okm);
  }
  state.SetLabel(parley::bench::kBackendLabel);
}

BENCHMARK(hkdf_parley)->Name("BM_hkdf_sha256_80/parley");
BENCHMARK(hkdf_botan)->Name("BM_hkdf_sha256_80/botan");

}  // namespace
