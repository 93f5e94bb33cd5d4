// Noise handshakes per second (spec §6.5-6.6): both sides of a full Noise_XX_25519_AESGCM_SHA256
// and Noise_IK_25519_AESGCM_SHA256 handshake in memory, from Initialize to Split. Their peer is the
// X25519 work the handshake cannot avoid, done with libsodium directly: one key generation per e
// token and, per DH token, one agreement on each side, counted from the pattern table itself (XX:
// 2 key generations and 6 agreements; IK: 2 and 8). The ratio is what Noise's hashing, HKDF and
// AEAD calls and Parley's commit-on-success copies cost on top (the target: within 1.5x).
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "crypto/bench_support.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/transport/noise/handshake_state.h"
#include "parley/transport/noise/pattern.h"

namespace {

using namespace parley;
namespace noise = transport::noise;

// The budget for a handshake over its X25519 operations.
constexpr double kMaxRatio = 1.5;

struct Statics {
  crypto::X25519KeyPair initiator;
  crypto::X25519KeyPair responder;
};

// Long-term keys exist before any handshake, so they are made once, outside the timed loop.
const Statics& statics() {
  static const Statics keys = [] {
    crypto::StreamEntropy entropy(6);
    return Statics{crypto::generate_x25519_key_pair(entropy).value(),
                   crypto::generate_x25519_key_pair(entropy).value()};
  }();
  return keys;
}

noise::HandshakeConfig config(noise::PatternId pattern, noise::Role role) {
  noise::HandshakeConfig c;
  c.protocol = {pattern, crypto::Aead::aes256_gcm, crypto::NoiseHash::sha256};
  c.role = role;
  c.prologue = core::to_bytes(core::as_bytes("parley bench"));
  const bool initiator = role == noise::Role::initiator;
  c.local_static = initiator ? statics().initiator : statics().responder;
  if (pattern == noise::PatternId::ik && initiator) c.remote_static = statics().responder.public_key;
  return c;
}

// One whole handshake, both sides, ending with both splits; false if any step failed.
bool handshake(noise::PatternId pattern, crypto::Entropy& entropy) {
  auto initiator = noise::HandshakeState::initialize(config(pattern, noise::Role::initiator));
  auto responder = noise::HandshakeState::initialize(config(pattern, noise::Role::responder));
  if (!initiator || !responder) return false;
  noise::HandshakeState* writer = &*initiator;
  noise::HandshakeState* reader = &*responder;
  while (!writer->is_finished()) {
    auto message = writer->write_message({}, entropy);
    if (!message || !reader->read_message(*message)) return false;
    std::swap(writer, reader);
  }
  return initiator->split().ok() && responder->split().ok();
}

void handshake_parley(benchmark::State& state, noise::PatternId pattern) {
  bench::ensure_sodium();
  crypto::SystemEntropy entropy;  // libsodium's randombytes, as the peer draws its keys
  for (auto _ : state) {
    if (!handshake(pattern, entropy)) state.SkipWithError("handshake failed");
  }
  state.SetItemsProcessed(state.iterations());
}

struct X25519Work {
  int keygens = 0;
  int agreements = 0;
};

// Each e token is a key generation by its sender; each DH token an agreement on either side.
X25519Work x25519_work(noise::PatternId pattern) {
  X25519Work work;
  for (const auto& message : noise::handshake_pattern(pattern).messages) {
    for (const noise::Token token : message) {
      if (token == noise::Token::e) {
        ++work.keygens;
      } else if (token != noise::Token::s) {
        work.agreements += 2;
      }
    }
  }
  return work;
}

void x25519_cost_sodium(benchmark::State& state, noise::PatternId pattern) {
  bench::ensure_sodium();
  const X25519Work work = x25519_work(pattern);
  std::vector<std::array<std::uint8_t, 32>> secrets(static_cast<std::size_t>(work.keygens));
  std::vector<std::array<std::uint8_t, 32>> publics(secrets.size());
  const auto& peer = statics().responder.public_key;
  std::array<std::uint8_t, 32> shared;
  for (auto _ : state) {
    for (std::size_t i = 0; i < secrets.size(); ++i) {
      randombytes_buf(secrets[i].data(), secrets[i].size());
      benchmark::DoNotOptimize(crypto_scalarmult_curve25519_base(publics[i].data(), secrets[i].data()));
    }
    // Constant time: the agreements cost the same whichever keys they combine.
    for (int i = 0; i < work.agreements; ++i) {
      const auto& secret = secrets[static_cast<std::size_t>(i) % secrets.size()];
      benchmark::DoNotOptimize(crypto_scalarmult_curve25519(shared.data(), secret.data(), peer.data()));
      benchmark::DoNotOptimize(shared);
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(bench::kPeerLabel);
  state.counters["keygens"] = work.keygens;
  state.counters["agreements"] = work.agreements;
  state.counters[bench::kMaxRatioCounter] = kMaxRatio;
}

BENCHMARK_CAPTURE(handshake_parley, xx, noise::PatternId::xx)->Name("BM_noise_handshake_xx/parley");
BENCHMARK_CAPTURE(x25519_cost_sodium, xx, noise::PatternId::xx)->Name("BM_noise_handshake_xx/x25519_sodium");
BENCHMARK_CAPTURE(handshake_parley, ik, noise::PatternId::ik)->Name("BM_noise_handshake_ik/parley");
BENCHMARK_CAPTURE(x25519_cost_sodium, ik, noise::PatternId::ik)->Name("BM_noise_handshake_ik/x25519_sodium");

}  // namespace
