// Bob, holding fixed keys and no session, receives a prekey message (spec §5.5).
// Mode byte even: the rest is the message as is. Odd: Alice's real first message carrying the
// input's first 32 bytes as plaintext, with the bits the rest names flipped.
// Properties: never a crash or an untyped failure; a failure changes neither the record nor the
// store; a success yields exactly Alice's plaintext (or, for raw input, any plaintext).
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
  if (structured) {
    const std::size_t n = size < 32 ? size : 32;
    plaintext.assign(data, data + n);
    protocol::SessionRecord alice = fixed.alice;
    wire = protocol::session_encrypt(alice, plaintext, fixed.codec).value().wire;
    fuzz::flip_bits(wire, data + n, size - n);
  }

  protocol::SessionRecord record;
  protocol::MemoryPreKeyStore keys = fixed.bob;
  crypto::ScriptedEntropy entropy(core::Bytes(32, 0x42));
  auto plan = protocol::plan_receive_wire(record, protocol::MessageType::prekey, wire, keys, fixed.codec, entropy);
  if (!plan) {
    PARLEY_FUZZ_CHECK(plan.code() != core::Errc::internal);
    PARLEY_FUZZ_CHECK(record == protocol::SessionRecord{});
    PARLEY_FUZZ_CHECK(keys.one_time_prekeys.size() == 1);
    return 0;
  }
  if (structured) PARLEY_FUZZ_CHECK(plan->plaintext() == plaintext);
  keys.apply(plan->actions);
  protocol::commit_receive(record, std::move(plan).value());
  PARLEY_FUZZ_CHECK(record.current.has_value());
  return 0;
}
