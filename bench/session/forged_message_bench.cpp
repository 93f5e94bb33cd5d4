// The cost of the worst forged message (spec §5.5): a receiver holding a current session and
// kMaxArchivedSessions archived ones with a peer device gets a whisper message under a ratchet key
// none of them knows, at the largest counter allowed. Before a message is refused it may be tried
// on every session, each a DH ratchet step and a walk of the chain; the receive budget bounds the
// total. Names BM_forged_worst_message/parley (the same source builds against any Parley tree whose
// plan_receive_wire has this signature, so that a before-and-after is one program, built twice).
#include <benchmark/benchmark.h>

#include "parley/protocol/limits.h"
#include "parley/protocol/memory_prekey_store.h"
#include "parley/protocol/session.h"
#if __has_include("parley/wire/capnp_codec.h")
#include "parley/wire/capnp_codec.h"
using Codec = parley::wire::CapnpCodec;
#else
#include "parley/transport/capnp_codec.h"
using Codec = parley::transport::CapnpCodec;
#endif

namespace {

using namespace parley;

struct Receiver {
  crypto::StreamEntropy entropy{7};
  protocol::MemoryPreKeyStore keys;
  protocol::SessionRecord record;
  core::Bytes forged;
};

// Alice's record for Bob's device: 41 sessions, each from a prekey message of a fresh session of
// Bob's (a reinstall, or racing set-ups), the newest current.
Receiver& receiver() {
  static Receiver r = [] {
    Receiver out;
    const Codec codec;
    out.keys.identity_key = crypto::generate_x25519_key_pair(out.entropy).value();
    out.keys.registration = protocol::RegistrationId{1};
    auto spk = protocol::generate_signed_prekey(*out.keys.identity_key, protocol::SignedPreKeyId{1}, out.entropy).value();
    out.keys.signed_prekeys.emplace(1, spk);
    const auto bob = crypto::generate_x25519_key_pair(out.entropy).value();
    const protocol::PreKeyBundle alice{protocol::RegistrationId{1}, 1, out.keys.identity_key->public_key, spk.id,
                                       spk.key.public_key, spk.signature, std::nullopt, std::nullopt};
    for (std::size_t i = 0; i <= protocol::kMaxArchivedSessions; ++i) {
      protocol::SessionRecord bobs;
      (void)protocol::start_session(bobs, bob, protocol::RegistrationId{2}, alice, out.entropy);
      const auto m = protocol::session_encrypt(bobs, core::as_bytes("hello"), codec).value();
      auto plan = protocol::plan_receive_wire(out.record, m.type, m.wire, out.keys, codec, out.entropy).value();
      protocol::commit_receive(out.record, std::move(plan));
    }
    // A whisper message under a ratchet key nobody holds, kMaxForwardJump ahead, with any MAC.
    protocol::SignalMessage fake;
    fake.ratchet_key = crypto::generate_x25519_key_pair(out.entropy).value().public_key;
    fake.counter = protocol::kMaxForwardJump;
    fake.ciphertext = core::Bytes(32, 0x41);
    out.forged = codec.encode_signal_message(fake);
    out.forged.insert(out.forged.end(), protocol::kMacSize, 0x5a);
    return out;
  }();
  return r;
}

void BM_forged_worst_message(benchmark::State& state) {
  auto& r = receiver();
  const Codec codec;
  state.counters["sessions"] = static_cast<double>(r.record.archived.size() + 1);
  for (auto _ : state) {
    auto plan = protocol::plan_receive_wire(r.record, protocol::MessageType::whisper, r.forged, r.keys, codec, r.entropy);
    if (plan.ok()) state.SkipWithError("a forged message decrypted");
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(BM_forged_worst_message)->Name("BM_forged_worst_message/parley")->Unit(benchmark::kMicrosecond);

}  // namespace
