// AES-256-CBC with PKCS#7 on 112 bytes (a short text message after padding overhead), encrypt and
// decrypt: our wrapper against Botan 2 used directly, one fresh mode object per message as both do.
#include <benchmark/benchmark.h>
#include <botan/aes.h>
#include <botan/cbc.h>
#include <botan/mode_pad.h>
#include <botan/secmem.h>

#include <cstdint>

#include "crypto/bench_support.h"
#include "parley/crypto/cipher.h"

namespace {

constexpr std::size_t kPlaintextSize = 112;

struct Inputs {
  parley::core::Bytes key = parley::bench::random_bytes(32);
  parley::core::Bytes iv = parley::bench::random_bytes(16);
  parley::core::Bytes plaintext = parley::bench::random_bytes(kPlaintextSize);
};

Botan::secure_vector<std::uint8_t> botan_cbc(Botan::Cipher_Mode& mode, const Inputs& in,
                                             const parley::core::Bytes& input) {
  mode.set_key(in.key.data(), in.key.size());
  mode.start(in.iv.data(), in.iv.size());
  Botan::secure_vector<std::uint8_t> buf(input.begin(), input.end());
  mode.finish(buf);
  return buf;
}

void cbc_encrypt_parley(benchmark::State& state) {
  const Inputs in;
  for (auto _ : state) {
    auto ciphertext = parley::crypto::aes256_cbc_encrypt(in.key, in.iv, in.plaintext);
    if (!ciphertext.ok()) state.SkipWithError("encrypt failed");
    benchmark::DoNotOptimize(ciphertext->data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPlaintextSize));
}

void cbc_encrypt_botan(benchmark::State& state) {
  const Inputs in;
  for (auto _ : state) {
    Botan::CBC_Encryption mode(new Botan::AES_256, new Botan::PKCS7_Padding);
    auto ciphertext = botan_cbc(mode, in, in.plaintext);
    benchmark::DoNotOptimize(ciphertext.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPlaintextSize));
  state.SetLabel(parley::bench::kBackendLabel);
}

void cbc_decrypt_parley(benchmark::State& state) {
  const Inputs in;
  const auto ciphertext = parley::crypto::aes256_cbc_encrypt(in.key, in.iv, in.plaintext).value();
  for (auto _ : state) {
    auto plaintext = parley::crypto::aes256_cbc_decrypt(in.key, in.iv, ciphertext);
    if (!plaintext.ok()) state.SkipWithError("decrypt failed");
    benchmark::DoNotOptimize(plaintext->data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPlaintextSize));
}

void cbc_decrypt_botan(benchmark::State& state) {
  const Inputs in;
  const auto ciphertext = parley::crypto::aes256_cbc_encrypt(in.key, in.iv, in.plaintext).value();
  for (auto _ : state) {
    Botan::CBC_Decryption mode(new Botan::AES_256, new Botan::PKCS7_Padding);
    auto plaintext = botan_cbc(mode, in, ciphertext);
    benchmark::DoNotOptimize(plaintext.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPlaintextSize));
  state.SetLabel(parley::bench::kBackendLabel);
}

BENCHMARK(cbc_encrypt_parley)->Name("BM_aes256_cbc_encrypt_112/parley");
BENCHMARK(cbc_encrypt_botan)->Name("BM_aes256_cbc_encrypt_112/botan");
BENCHMARK(cbc_decrypt_parley)->Name("BM_aes256_cbc_decrypt_112/parley");
BENCHMARK(cbc_decrypt_botan)->Name("BM_aes256_cbc_decrypt_112/botan");

}  // namespace
