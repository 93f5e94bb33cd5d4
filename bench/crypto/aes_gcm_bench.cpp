// AES-256-GCM seal and open of 1 KiB with empty associated data (a Noise transport message):
// our wrapper against Botan 2 used directly, one fresh mode object per message as both do.
#include <benchmark/benchmark.h>
#include <botan/aes.h>
#include <botan/gcm.h>
#include <botan/secmem.h>

#include <cstdint>

#include "crypto/bench_support.h"
#include "parley/crypto/cipher.h"

namespace {

namespace crypto = parley::crypto;

constexpr std::size_t kPlaintextSize = 1024;

struct Inputs {
  parley::core::Bytes key = parley::bench::random_bytes(crypto::kAes256KeySize);
  parley::core::Bytes nonce = parley::bench::random_bytes(crypto::kAeadNonceSize);
  parley::core::Bytes ad;
  parley::core::Bytes plaintext = parley::bench::random_bytes(kPlaintextSize);
};

// Throws Botan::Invalid_Authentication_Tag on a bad tag; the inputs here always authenticate.
Botan::secure_vector<std::uint8_t> botan_gcm(Botan::AEAD_Mode& mode, const Inputs& in,
                                             const parley::core::Bytes& input) {
  mode.set_key(in.key.data(), in.key.size());
  mode.set_associated_data(in.ad.data(), in.ad.size());
  mode.start(in.nonce.data(), in.nonce.size());
  Botan::secure_vector<std::uint8_t> buf(input.begin(), input.end());
  mode.finish(buf);
  return buf;
}

void gcm_seal_parley(benchmark::State& state) {
  const Inputs in;
  for (auto _ : state) {
    auto sealed = crypto::aead_seal(crypto::Aead::aes256_gcm, in.key, in.nonce, in.ad, in.plaintext);
    if (!sealed.ok()) state.SkipWithError("seal failed");
    benchmark::DoNotOptimize(sealed->data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPlaintextSize));
}

void gcm_seal_botan(benchmark::State& state) {
  const Inputs in;
  for (auto _ : state) {
    Botan::GCM_Encryption mode(new Botan::AES_256, crypto::kAeadTagSize);
    auto sealed = botan_gcm(mode, in, in.plaintext);
    benchmark::DoNotOptimize(sealed.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPlaintextSize));
  state.SetLabel(parley::bench::kBackendLabel);
}

void gcm_open_parley(benchmark::State& state) {
  const Inputs in;
  const auto sealed =
      crypto::aead_seal(crypto::Aead::aes256_gcm, in.key, in.nonce, in.ad, in.plaintext).value();
  for (auto _ : state) {
    auto opened = crypto::aead_open(crypto::Aead::aes256_gcm, in.key, in.nonce, in.ad, sealed);
    if (!opened.ok()) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(opened->data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPlaintextSize));
}

void gcm_open_botan(benchmark::State& state) {
  const Inputs in;
  const auto sealed =
      crypto::aead_seal(crypto::Aead::aes256_gcm, in.key, in.nonce, in.ad, in.plaintext).value();
  for (auto _ : state) {
    Botan::GCM_Decryption mode(new Botan::AES_256, crypto::kAeadTagSize);
    auto opened = botan_gcm(mode, in, sealed);
    benchmark::DoNotOptimize(opened.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPlaintextSize));
  state.SetLabel(parley::bench::kBackendLabel);
}

BENCHMARK(gcm_seal_parley)->Name("BM_aes256_gcm_seal_1k/parley");
BENCHMARK(gcm_seal_botan)->Name("BM_aes256_gcm_seal_1k/botan");
BENCHMARK(gcm_open_parley)->Name("BM_aes256_gcm_open_1k/parley");
BENCHMARK(gcm_open_botan)->Name("BM_aes256_gcm_open_1k/botan");

}  // namespace
