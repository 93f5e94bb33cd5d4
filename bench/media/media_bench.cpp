// The media cipher (spec §12.1, §12.2) against the sum of the primitives it needs over the same
// bytes on the same thread: AES-256-CBC, HMAC-SHA256 over IV || ct, SHA-256 of the plaintext and
// of the uploaded file, and with the sidecar one more HMAC pass. Botan's calls, made directly, are
// the floor (label "peer"); the target is at least 0.8 of the floor's throughput, so
// max_ratio = 1.25 in time. Both sides work in 1 MiB pieces, as client/media does with files.
#include <benchmark/benchmark.h>
#include <botan/aes.h>
#include <botan/cbc.h>
#include <botan/hmac.h>
#include <botan/mode_pad.h>
#include <botan/sha2_32.h>

#include "crypto/bench_support.h"
#include "parley/protocol/media/media_decryptor.h"
#include "parley/protocol/media/media_encryptor.h"

namespace {

namespace pm = parley::protocol::media;
using parley::core::Bytes;

constexpr std::size_t kPiece = 1 << 20;
constexpr double kMaxRatio = 1.25;

struct Inputs {
  explicit Inputs(std::size_t size) : plaintext(parley::bench::random_bytes(size)) {}
  Bytes media_key = parley::bench::random_bytes(32);
  pm::MediaKeys keys = pm::derive_media_keys(media_key, "WhatsApp Video Keys").value();
  Bytes plaintext;
};

// Every primitive pass the scheme makes, one after another over the same bytes, in pieces.
void primitives(const Inputs& in, bool decrypt, bool sidecar, Bytes& buffer) {
  std::unique_ptr<Botan::Cipher_Mode> cbc;
  if (decrypt)
    cbc = std::make_unique<Botan::CBC_Decryption>(new Botan::AES_256, new Botan::Null_Padding);
  else
    cbc = std::make_unique<Botan::CBC_Encryption>(new Botan::AES_256, new Botan::Null_Padding);
  cbc->set_key(in.keys.cipher_key.data(), 32);
  cbc->start(in.keys.iv.data(), 16);
  Botan::HMAC mac(new Botan::SHA_256), side(new Botan::SHA_256);
  mac.set_key(in.keys.mac_key.data(), 32);
  side.set_key(in.keys.mac_key.data(), 32);
  Botan::SHA_256 plain_hash, enc_hash;
  const std::size_t whole = in.plaintext.size() / 16 * 16;
  for (std::size_t at = 0; at < whole; at += kPiece) {
    const std::size_t n = std::min(kPiece, whole - at);
    std::copy_n(in.plaintext.data() + at, n, buffer.data());
    if (!decrypt) plain_hash.update(buffer.data(), n);
    cbc->process(buffer.data(), n);
    mac.update(buffer.data(), n);
    if (decrypt) plain_hash.update(buffer.data(), n);
    enc_hash.update(buffer.data(), n);
    if (sidecar) side.update(buffer.data(), n);
  }
  benchmark::DoNotOptimize(mac.final());
  benchmark::DoNotOptimize(plain_hash.final());
  benchmark::DoNotOptimize(enc_hash.final());
  if (sidecar) benchmark::DoNotOptimize(side.final());
}

void set_counters(benchmark::State& state, std::size_t size, const char* label) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  if (label != nullptr) {
    state.SetLabel(label);
    state.counters[parley::bench::kMaxRatioCounter] = kMaxRatio;
  }
}

void media_encrypt_parley(benchmark::State& state, bool sidecar) {
  const Inputs in(static_cast<std::size_t>(state.range(0)));
  Bytes out;
  out.reserve(kPiece + 64);
  for (auto _ : state) {
    auto enc = pm::MediaEncryptor::start(in.keys, sidecar).value();
    for (std::size_t at = 0; at < in.plaintext.size(); at += kPiece) {
      out.clear();
      if (!enc.update(parley::core::BytesView(in.plaintext).subspan(at, std::min(kPiece, in.plaintext.size() - at)), out).ok())
        state.SkipWithError("encrypt failed");
    }
    out.clear();
    auto summary = enc.finish(out);
    benchmark::DoNotOptimize(summary->file_enc_sha256);
  }
  set_counters(state, in.plaintext.size(), nullptr);
}

void media_decrypt_parley(benchmark::State& state) {
  const Inputs in(static_cast<std::size_t>(state.range(0)));
  const auto [file, summary] = pm::encrypt_media(in.keys, in.plaintext, false).value();
  Bytes out;
  out.reserve(kPiece + 64);
  for (auto _ : state) {
    auto dec = pm::MediaDecryptor::start(in.keys, {summary.file_sha256, summary.file_enc_sha256}).value();
    for (std::size_t at = 0; at < file.size(); at += kPiece) {
      out.clear();
      if (!dec.update(parley::core::BytesView(file).subspan(at, std::min(kPiece, file.size() - at)), out).ok())
        state.SkipWithError("decrypt failed");
    }
    out.clear();
    if (!dec.finish(out).ok()) state.SkipWithError("verification failed");
  }
  set_counters(state, in.plaintext.size(), nullptr);
}

void media_primitives(benchmark::State& state, bool decrypt, bool sidecar) {
  const Inputs in(static_cast<std::size_t>(state.range(0)));
  Bytes buffer(kPiece);
  for (auto _ : state) primitives(in, decrypt, sidecar, buffer);
  set_counters(state, in.plaintext.size(), parley::bench::kPeerLabel);
}

constexpr std::int64_t kSize = 16 << 20;

}  // namespace

BENCHMARK_CAPTURE(media_encrypt_parley, plain, false)->Name("BM_media_encrypt/parley")->Arg(kSize)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(media_primitives, encrypt, false, false)->Name("BM_media_encrypt/primitives")->Arg(kSize)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(media_encrypt_parley, sidecar, true)->Name("BM_media_encrypt_sidecar/parley")->Arg(kSize)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(media_primitives, encrypt_sidecar, false, true)->Name("BM_media_encrypt_sidecar/primitives")->Arg(kSize)->Unit(benchmark::kMillisecond);
BENCHMARK(media_decrypt_parley)->Name("BM_media_decrypt/parley")->Arg(kSize)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(media_primitives, decrypt, true, false)->Name("BM_media_decrypt/primitives")->Arg(kSize)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
