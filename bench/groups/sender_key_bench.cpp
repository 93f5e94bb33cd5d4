// Sender keys (spec §11.1): group encrypt and decrypt per message against the sum of the primitives
// each calls (two HMACs, an HKDF, AES-256-CBC, and an XEdDSA signature or verification), so the
// ratio shows what the state machine and the codec add; and, when the tree has the peer, against
// libsignal-protocol-c's group cipher on the same message size (its older layout, spec §11.1).
// Names BM_group_<operation>/<impl>, impl parley, primitives or libsignal_c.
#include <benchmark/benchmark.h>

#include <vector>

#include "parley/crypto/cipher.h"
#include "parley/crypto/hkdf.h"
#include "parley/crypto/hmac.h"
#include "parley/crypto/xeddsa.h"
#include "parley/protocol/groups/group_cipher.h"
#include "parley/wire/sender_key_codec.h"
#ifdef PARLEY_BENCH_LIBSIGNAL_C
#include "parley/testing/libsignal_c_peer.h"
#endif

namespace {

using namespace parley;
namespace groups = protocol::groups;

constexpr std::size_t kPlaintextSize = 100;  // a short chat message
constexpr std::size_t kBatch = 4096;
const groups::DistributionId kId{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

struct Group {
  Group() {
    auto made = groups::create_distribution(std::nullopt, kId, entropy);
    sender = made->record;
    groups::process_distribution(receiver, made->message);
  }
  crypto::StreamEntropy entropy{42};
  wire::LibsignalSenderKeyCodec codec;
  groups::SenderKeyRecord sender, receiver;
  core::Bytes plaintext = core::Bytes(kPlaintextSize, 0x61);
};

void BM_group_encrypt_parley(benchmark::State& state) {
  Group g;
  for (auto _ : state) {
    auto sent = groups::group_encrypt(g.sender, kId, g.plaintext, g.codec, g.entropy);
    groups::apply(g.sender, sent->update);
    benchmark::DoNotOptimize(sent->message.data());
  }
}
BENCHMARK(BM_group_encrypt_parley)->Name("BM_group_encrypt/parley");

void BM_group_decrypt_parley(benchmark::State& state) {
  Group g;
  std::vector<groups::ReceivedSenderKeyMessage> messages;
  for (std::size_t i = 0; i < kBatch; ++i) {
    auto sent = groups::group_encrypt(g.sender, kId, g.plaintext, g.codec, g.entropy);
    groups::apply(g.sender, sent->update);
    messages.push_back(*g.codec.decode_message(sent->message));
  }
  const auto start = g.receiver;
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == kBatch) {
      state.PauseTiming();
      g.receiver = start;
      next = 0;
      state.ResumeTiming();
    }
    auto got = groups::group_decrypt(&g.receiver, messages[next++]);
    groups::apply(g.receiver, got->update);
    benchmark::DoNotOptimize(got->plaintext.data());
  }
}
BENCHMARK(BM_group_decrypt_parley)->Name("BM_group_decrypt/parley");

// The primitives of one message, called directly: chain step and message seed, the HKDF of the
// message keys, the cipher, and the signature (encrypt) or its verification (decrypt).
struct Primitives {
  core::Bytes chain_key = core::Bytes(32, 7);
  core::SecretBytes signing_private = core::SecretBytes(core::Bytes(32, 9));
  crypto::X25519PublicKey signing_public =
      crypto::x25519_key_pair_from_private(signing_private.view())->public_key;
  core::Bytes plaintext = core::Bytes(kPlaintextSize, 0x61);
  core::Bytes random = core::Bytes(64, 3);
  core::Bytes salt = core::Bytes(32, 0);
};

core::Bytes keys_and_cipher(const Primitives& p, const core::Bytes& body, bool encrypt) {
  static constexpr std::uint8_t one = 1, two = 2;
  const auto seed = crypto::hmac_sha256(p.chain_key, core::BytesView(&one, 1));
  benchmark::DoNotOptimize(crypto::hmac_sha256(p.chain_key, core::BytesView(&two, 1)));
  const auto okm = crypto::hkdf_sha256(seed, p.salt, core::as_bytes("WhisperGroup"), 48);
  const auto key = okm->view().subspan(16, 32), iv = okm->view().subspan(0, 16);
  return encrypt ? *crypto::aes256_cbc_encrypt(key, iv, body) : *crypto::aes256_cbc_decrypt(key, iv, body);
}

void BM_group_encrypt_primitives(benchmark::State& state) {
  Primitives p;
  for (auto _ : state) {
    auto ciphertext = keys_and_cipher(p, p.plaintext, true);
    benchmark::DoNotOptimize(crypto::xeddsa_sign(p.signing_private, ciphertext, p.random));
  }
}
BENCHMARK(BM_group_encrypt_primitives)->Name("BM_group_encrypt/primitives");

void BM_group_decrypt_primitives(benchmark::State& state) {
  Primitives p;
  const auto ciphertext = keys_and_cipher(p, p.plaintext, true);
  const auto signature = *crypto::xeddsa_sign(p.signing_private, ciphertext, p.random);
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::xeddsa_verify(p.signing_public, ciphertext, signature));
    benchmark::DoNotOptimize(keys_and_cipher(p, ciphertext, false));
  }
}
BENCHMARK(BM_group_decrypt_primitives)->Name("BM_group_decrypt/primitives");

#ifdef PARLEY_BENCH_LIBSIGNAL_C
void BM_group_encrypt_libsignal_c(benchmark::State& state) {
  testing::LibsignalCPeer peer(42);
  const core::Bytes plaintext(kPlaintextSize, 0x61);
  if (!peer.group_distribution().ok()) state.SkipWithError("no sender key");
  for (auto _ : state) benchmark::DoNotOptimize(peer.group_encrypt(plaintext));
}
BENCHMARK(BM_group_encrypt_libsignal_c)->Name("BM_group_encrypt/libsignal_c");

// libsignal-c decrypts messages Parley made in its layout; a fresh peer for each batch (untimed),
// since a message decrypts once.
void BM_group_decrypt_libsignal_c(benchmark::State& state) {
  crypto::StreamEntropy entropy(43);
  const wire::LibsignalCSenderKeyCodec codec(kId);
  auto made = groups::create_distribution(std::nullopt, kId, entropy).value();
  const auto distribution = codec.encode_distribution(made.message);
  std::vector<core::Bytes> messages;
  const core::Bytes plaintext(kPlaintextSize, 0x61);
  for (std::size_t i = 0; i < kBatch; ++i) {
    auto sent = groups::group_encrypt(made.record, kId, plaintext, codec, entropy).value();
    groups::apply(made.record, sent.update);
    messages.push_back(sent.message);
  }
  std::unique_ptr<testing::LibsignalCPeer> peer;
  std::size_t next = kBatch;
  std::uint64_t seed = 44;
  for (auto _ : state) {
    if (next == kBatch) {
      state.PauseTiming();
      peer = std::make_unique<testing::LibsignalCPeer>(seed++);
      if (!peer->group_process_distribution(distribution).ok()) state.SkipWithError("distribution refused");
      next = 0;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(peer->group_decrypt(messages[next++]));
  }
}
BENCHMARK(BM_group_decrypt_libsignal_c)->Name("BM_group_decrypt/libsignal_c");
#endif

}  // namespace

BENCHMARK_MAIN();
