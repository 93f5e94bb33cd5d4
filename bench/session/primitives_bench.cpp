// The floor under a burst message: the primitives one message of BM_session_burst_* needs, called
// through parley::crypto with nothing around them. bench/bench_table.py divides Parley's
// per-message burst time by these (the target: within 1.5x).
//
// Per message (spec §5.2, §5.4): HMAC(CK, 0x01) for the message key seed and HMAC(CK, 0x02) for
// the next chain key, HKDF to 80 bytes (cipher key, MAC key, IV), AES-256-CBC of the 100-byte
// payload, and HMAC-SHA256 truncated to 8 bytes over IK_sender || IK_receiver || the serialized
// message. The MAC input's length is taken from a real Parley message (counter mac_input_bytes).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

#include "parley/crypto/cipher.h"
#include "parley/crypto/hkdf.h"
#include "parley/crypto/hmac.h"
#include "session/parley_pair.h"
#include "session/session_workloads.h"

namespace parley::bench {
namespace {

constexpr std::array<std::uint8_t, 32> kZeroSalt{};
constexpr std::size_t kIdentityBytes = 2 * 33;

// The bytes a burst message's MAC covers: both serialized identity keys and the message without its MAC.
std::size_t burst_mac_input_size(benchmark::State& state) {
  ParleyPair p(kSeed);
  ParleyPair::Message m{};
  if (!detail::establish(state, p) || !detail::check(state, p.encrypt(Side::alice, payload(2), m), "encrypt"))
    return 0;
  return kIdentityBytes + m.wire.size() - 8;
}

// Chain keys that change every message, as in the ratchet: 256 of them in turn.
std::array<std::uint8_t, 32> chain_key(std::uint8_t index) {
  std::array<std::uint8_t, 32> key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 1);
  key[0] = index;
  return key;
}

// One message's key schedule: both chain HMACs and the 80 bytes of message keys.
core::SecretBytes message_keys(const std::array<std::uint8_t, 32>& chain) {
  const std::uint8_t seed_byte = 0x01, chain_byte = 0x02;
  const auto seed = crypto::hmac_sha256(chain, core::BytesView(&seed_byte, 1));
  const auto next = crypto::hmac_sha256(chain, core::BytesView(&chain_byte, 1));
  benchmark::DoNotOptimize(next.data());
  return crypto::hkdf_sha256(seed, kZeroSalt, core::as_bytes("WhisperMessageKeys"), 80).value();
}

void primitives_encrypt(benchmark::State& state) {
  const std::size_t mac_size = burst_mac_input_size(state);
  if (mac_size == 0) return;
  const core::Bytes plaintext = payload(0);
  const core::Bytes mac_input(mac_size, 0x5a);
  std::uint8_t index = 0;
  for (auto _ : state) {
    const auto keys = message_keys(chain_key(index++));
    const auto v = keys.view();
    auto ciphertext = crypto::aes256_cbc_encrypt(v.subspan(0, 32), v.subspan(64, 16), plaintext);
    const auto mac = crypto::hmac_sha256(v.subspan(32, 32), mac_input);
    benchmark::DoNotOptimize(ciphertext->data());
    benchmark::DoNotOptimize(mac.data());
  }
  state.counters["mac_input_bytes"] = static_cast<double>(mac_size);
}

// Decryption with keys that verify and unpad, as a real message does: 256 messages prepared under
// the 256 chain keys, received in turn.
void primitives_decrypt(benchmark::State& state) {
  const std::size_t mac_size = burst_mac_input_size(state);
  if (mac_size == 0) return;
  struct Sealed {
    core::Bytes ciphertext, tag;
  };
  std::vector<Sealed> sealed;
  const core::Bytes mac_input(mac_size, 0x5a);
  for (int i = 0; i < 256; ++i) {
    const auto keys = message_keys(chain_key(static_cast<std::uint8_t>(i)));
    const auto v = keys.view();
    const auto mac = crypto::hmac_sha256(v.subspan(32, 32), mac_input);
    sealed.push_back({crypto::aes256_cbc_encrypt(v.subspan(0, 32), v.subspan(64, 16), payload(0)).value(),
                      core::Bytes(mac.begin(), mac.begin() + 8)});
  }
  std::uint8_t index = 0;
  for (auto _ : state) {
    const Sealed& s = sealed[index];
    const auto keys = message_keys(chain_key(index++));
    const auto v = keys.view();
    if (!crypto::hmac_sha256_verify(v.subspan(32, 32), mac_input, s.tag).ok()) {
      state.SkipWithError("MAC check failed");
      break;
    }
    auto plaintext = crypto::aes256_cbc_decrypt(v.subspan(0, 32), v.subspan(64, 16), s.ciphertext);
    if (!plaintext.ok()) {
      state.SkipWithError("decrypt failed");
      break;
    }
    benchmark::DoNotOptimize(plaintext->data());
  }
  state.counters["mac_input_bytes"] = static_cast<double>(mac_size);
}

BENCHMARK(primitives_encrypt)->Name("BM_session_primitives_encrypt/parley");
BENCHMARK(primitives_decrypt)->Name("BM_session_primitives_decrypt/parley");

}  // namespace
}  // namespace parley::bench
