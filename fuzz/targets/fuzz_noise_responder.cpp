// A Noise responder with fixed keys reads arbitrary handshake messages (spec §6.5-6.7): the first
// and third messages of XX, or the first message of IK and, when that fails to decrypt, the Noise
// Pipes switch to XXfallback and the initiator's reply in it.
//
// Layout: mode byte (bits 0-1: SHA256, SHA512, BLAKE2s, BLAKE2b; bit 2: AESGCM or ChaChaPoly;
// bit 3: IK instead of XX; bit 4: noise-c's prologue "Prologue123" instead of cacophony's), 2-byte
// big-endian length of the first message, the first message, then the rest: XX's third message,
// or after an IK message that fails to decrypt, the initiator's XXfallback message.
// The keys, prologues and the responder's payload are those of the cacophony vectors and of
// noise-c's fallback vector, so the seeds (the vectors' real messages) complete each handshake and
// the fuzzer starts from deep states.
// Properties: never a crash or an `internal` error; a failed read leaves every key and hash as
// they were and makes the state refuse further use; an IK message that fails to decrypt always
// allows the fallback; a finished handshake splits.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "noise_fixture.h"
#include "parley/transport/noise/handshake_state.h"

namespace {

using namespace parley;
namespace noise = transport::noise;
namespace keys = fuzz::noise_keys;

constexpr std::uint8_t kModeIk = 8;
constexpr std::uint8_t kModeNoiseCPrologue = 16;

noise::HandshakeState make_responder(std::uint8_t mode) {
  static const auto responder_static = keys::key_pair(keys::kResponderStatic);
  constexpr crypto::NoiseHash kHashes[] = {crypto::NoiseHash::sha256, crypto::NoiseHash::sha512,
                                           crypto::NoiseHash::blake2s, crypto::NoiseHash::blake2b};
  noise::HandshakeConfig config;
  config.protocol = {(mode & kModeIk) != 0 ? noise::PatternId::ik : noise::PatternId::xx,
                     (mode & 4) != 0 ? crypto::Aead::chacha20_poly1305 : crypto::Aead::aes256_gcm,
                     kHashes[mode & 3]};
  config.role = noise::Role::responder;
  config.prologue = (mode & kModeNoiseCPrologue) != 0 ? core::to_bytes(core::as_bytes("Prologue123"))
                                                      : keys::hex(keys::kPrologue);
  config.local_static = responder_static;
  return noise::HandshakeState::initialize(config).value();
}

// A read failed: typed, fatal, and nothing but the failure flag changed.
void check_failed_read(const core::Result<core::Bytes>& read, noise::HandshakeState& after,
                       const noise::HandshakeState& before) {
  PARLEY_FUZZ_CHECK(read.code() != core::Errc::internal);
  PARLEY_FUZZ_CHECK(after.is_failed());
  PARLEY_FUZZ_CHECK(after.handshake_hash() == before.handshake_hash());
  PARLEY_FUZZ_CHECK(after.remote_static() == before.remote_static());
  crypto::ScriptedEntropy none(core::Bytes{});
  PARLEY_FUZZ_CHECK(!after.write_message({}, none).ok());
}

// The responder's own message (XX's second, IK's second, XXfallback's first), then, when the
// pattern has one, the initiator's last message from `rest`.
void write_then_read(noise::HandshakeState& responder, core::BytesView rest) {
  crypto::ScriptedEntropy ephemeral(keys::hex(keys::kResponderEphemeral));
  auto written = responder.write_message(keys::hex(keys::kResponderPayload), ephemeral);
  if (!written) {
    // Only a small-order initiator ephemeral can stop the write (the ee DH).
    PARLEY_FUZZ_CHECK(written.code() == core::Errc::bad_key);
    return;
  }
  if (!responder.is_finished()) {
    const noise::HandshakeState before = responder;
    auto read = responder.read_message(rest);
    if (!read) {
      check_failed_read(read, responder, before);
      return;
    }
  }
  PARLEY_FUZZ_CHECK(responder.is_finished());
  PARLEY_FUZZ_CHECK(responder.remote_static().has_value());
  PARLEY_FUZZ_CHECK(responder.split().ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t mode = data[0];
  const std::size_t first_length = (std::size_t{data[1]} << 8) | data[2];
  data += 3, size -= 3;
  if (first_length > size) return 0;
  const core::BytesView first(data, first_length);
  const core::BytesView rest(data + first_length, size - first_length);

  noise::HandshakeState responder = make_responder(mode);
  const noise::HandshakeState initial = responder;
  auto read1 = responder.read_message(first);
  if (read1) {
    write_then_read(responder, rest);
    return 0;
  }
  check_failed_read(read1, responder, initial);
  if ((mode & kModeIk) == 0 || read1.code() != core::Errc::decrypt_failed) return 0;

  // Noise Pipes (§10.2): Bob could not decrypt Alice's IK message, so he answers in XXfallback,
  // as its initiator, with her IK ephemeral as the pre-message. Decrypting came after her e, so the
  // message is long enough to take it from.
  auto fallback = responder.fallback(first);
  PARLEY_FUZZ_CHECK(fallback.ok());
  PARLEY_FUZZ_CHECK(fallback->role() == noise::Role::initiator && fallback->is_my_turn());
  write_then_read(*fallback, rest);
  return 0;
}
