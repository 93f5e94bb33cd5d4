// Alice, on an established session, receives a message (spec §5.3).
// Mode byte even: the rest is a SignalMessage as is. Odd: a real message from Bob carrying the
// input's first 32 bytes as plaintext, with the bits the rest names flipped.
// Properties: no flipped message is accepted (the MAC covers every byte), an unflipped one decrypts
// to its plaintext, and a failure leaves Alice's record exactly as it was.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "session_setup.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley;
  if (size == 0) return 0;
  const auto& fixed = fuzz::fixed_parties();
  const bool structured = data[0] & 1;
  ++data, --size;

  core::Bytes wire(data, data + size);
  core::Bytes plaintext;
  bool flipped = false;
  if (structured) {
    const std::size_t n = size < 32 ? size : 32;
    plaintext.assign(data, data + n);
    protocol::SessionRecord bob = fixed.bob_session;
    wire = protocol::session_encrypt(bob, plaintext, fixed.codec).value().wire;
    const core::Bytes original = wire;
    fuzz::flip_bits(wire, data + n, size - n);
    flipped = wire != original;
  }

  protocol::SessionRecord record = fixed.established;
  protocol::MemoryPreKeyStore no_keys;
  crypto::ScriptedEntropy entropy(core::Bytes(32, 0x24));
  auto plan = protocol::plan_receive_wire(record, protocol::MessageType::whisper, wire, no_keys, fixed.codec, entropy);
  if (!plan) {
    PARLEY_FUZZ_CHECK(plan.code() != core::Errc::internal);
    PARLEY_FUZZ_CHECK(!(structured && !flipped));
    PARLEY_FUZZ_CHECK(record == fixed.established);
    return 0;
  }
  PARLEY_FUZZ_CHECK(!flipped);
  if (structured) PARLEY_FUZZ_CHECK(plan->plaintext() == plaintext);
  protocol::commit_receive(record, std::move(plan).value());
  return 0;
}
