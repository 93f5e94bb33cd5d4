// A Noise XX responder with fixed keys reads an arbitrary first and third handshake message
// (spec §6.5). Layout: mode byte (bits 0-1: SHA256, SHA512, BLAKE2s, BLAKE2b; bit 2: AESGCM or
// ChaChaPoly), 2-byte big-endian length of the first message, the first message, then the third.
// The keys, prologue and second payload are the cacophony XX vectors' responder's, so the seeds
// (the vectors' real messages) complete the handshake and the fuzzer starts from deep states.
// Properties: never a crash or an `internal` error; a failed read leaves every key and hash as
// they were and makes the state refuse further use; a finished handshake splits.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/core/hex.h"
#include "parley/transport/noise/handshake_state.h"

namespace {

using namespace parley;
namespace noise = transport::noise;

core::Bytes hex(std::string_view s) { return core::from_hex(s).value(); }

noise::HandshakeState make_responder(std::uint8_t mode) {
  static const auto responder_static =
      crypto::x25519_key_pair_from_private(
          hex("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893"))
          .value();
  constexpr crypto::NoiseHash kHashes[] = {crypto::NoiseHash::sha256, crypto::NoiseHash::sha512,
                                           crypto::NoiseHash::blake2s, crypto::NoiseHash::blake2b};
  noise::HandshakeConfig config;
  config.protocol = {noise::PatternId::xx,
                     (mode & 4) != 0 ? crypto::Aead::chacha20_poly1305 : crypto::Aead::aes256_gcm,
                     kHashes[mode & 3]};
  config.role = noise::Role::responder;
  config.prologue = hex("4a6f686e2047616c74");  // "John Galt"
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t mode = data[0];
  const std::size_t first_length = (std::size_t{data[1]} << 8) | data[2];
  data += 3, size -= 3;
  if (first_length > size) return 0;
  const core::BytesView first(data, first_length);
  const core::BytesView third(data + first_length, size - first_length);

  noise::HandshakeState responder = make_responder(mode);
  const noise::HandshakeState initial = responder;
  auto read1 = responder.read_message(first);
  if (!read1) {
    check_failed_read(read1, responder, initial);
    return 0;
  }

  crypto::ScriptedEntropy ephemeral(hex("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b"));
  auto second = responder.write_message(hex("4d757272617920526f746862617264"), ephemeral);
  if (!second) {
    // Only a small-order initiator ephemeral can stop the write (the ee DH).
    PARLEY_FUZZ_CHECK(second.code() == core::Errc::bad_key);
    return 0;
  }

  const noise::HandshakeState before_third = responder;
  auto read3 = responder.read_message(third);
  if (!read3) {
    check_failed_read(read3, responder, before_third);
    return 0;
  }
  PARLEY_FUZZ_CHECK(responder.is_finished());
  PARLEY_FUZZ_CHECK(responder.remote_static().has_value());
  PARLEY_FUZZ_CHECK(responder.split().ok());
  return 0;
}
