// In-memory transport throughput (spec §6.8-6.9) for 1 KiB and 64 KiB frames: the whole path a
// frame takes between two connected sides, splitting into chunks, CipherState encryption of each
// chunk, decryption on the other side and reassembly, against its peer, AES-256-GCM from
// Botan keyed once, sealing and opening the frame's bytes as one message. The ratio is what
// chunking, the Noise nonce and Parley's buffers cost over the cipher (the target: within
// 1.5x). Both sides use Noise_*_AESGCM keys, as the handshake bench does.
#include <benchmark/benchmark.h>
#include <botan/aes.h>
#include <botan/gcm.h>
#include <botan/secmem.h>

#include <array>
#include <cstdint>

#include "crypto/bench_support.h"
#include "parley/core/secret_array.h"
#include "parley/crypto/cipher.h"
#include "parley/transport/channel/chunks.h"
#include "parley/transport/noise/cipher_state.h"

namespace {

using namespace parley;
namespace noise = transport::noise;

constexpr double kMaxRatio = 1.5;

// What a connection does with each frame: one reused buffer per stage (the chunk being sent, the
// Noise message, the received chunk), so the steady state allocates nothing; the frame comes out
// of the reassembler as a view, as a receiver that decodes it at once takes it.
void transport_parley(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const core::Bytes frame = bench::random_bytes(size);
  const core::Key32 key(bench::random_bytes(crypto::kAes256KeySize));
  noise::CipherState send(crypto::Aead::aes256_gcm);
  noise::CipherState receive(crypto::Aead::aes256_gcm);
  send.initialize_key(key);
  receive.initialize_key(key);
  transport::channel::Reassembler reassembler;
  core::Bytes chunk, wire, plain;
  for (auto _ : state) {
    auto splitter = transport::channel::FrameSplitter::create(frame);
    if (!splitter) state.SkipWithError("split failed");
    while (!splitter->done()) {
      splitter->next(chunk);
      if (!send.encrypt_with_ad({}, chunk, wire)) state.SkipWithError("encrypt failed");
      if (!receive.decrypt_with_ad({}, wire, plain)) state.SkipWithError("decrypt failed");
      auto done = reassembler.accept_view(plain);
      if (!done) state.SkipWithError("reassembly failed");
      if (*done) benchmark::DoNotOptimize((*done)->data());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void transport_botan(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const core::Bytes frame = bench::random_bytes(size);
  const core::Bytes key = bench::random_bytes(crypto::kAes256KeySize);
  Botan::GCM_Encryption seal(new Botan::AES_256, crypto::kAeadTagSize);
  Botan::GCM_Decryption open(new Botan::AES_256, crypto::kAeadTagSize);
  seal.set_key(key.data(), key.size());
  open.set_key(key.data(), key.size());
  std::array<std::uint8_t, crypto::kAeadNonceSize> nonce{};
  std::uint64_t n = 0;
  Botan::secure_vector<std::uint8_t> buffer;
  buffer.reserve(size + crypto::kAeadTagSize);
  for (auto _ : state) {
    for (std::size_t i = 0; i < 8; ++i) nonce[11 - i] = static_cast<std::uint8_t>(n >> (8 * i));
    ++n;
    buffer.assign(frame.begin(), frame.end());
    seal.set_associated_data(nullptr, 0);
    seal.start(nonce.data(), nonce.size());
    seal.finish(buffer);
    open.set_associated_data(nullptr, 0);
    open.start(nonce.data(), nonce.size());
    open.finish(buffer);  // throws on a bad tag; these always authenticate
    benchmark::DoNotOptimize(buffer.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  state.SetLabel(bench::kPeerLabel);
  state.counters[bench::kMaxRatioCounter] = kMaxRatio;
}

BENCHMARK(transport_parley)->Name("BM_noise_transport/parley")->Arg(1024)->Arg(64 * 1024);
BENCHMARK(transport_botan)->Name("BM_noise_transport/aes256_gcm_botan")->Arg(1024)->Arg(64 * 1024);

}  // namespace
