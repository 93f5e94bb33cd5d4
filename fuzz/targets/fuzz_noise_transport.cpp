// The Noise transport phase (spec §6.8-6.9) after an XX handshake completed with fixed keys: an
// arbitrary sequence of transport messages to the receiving CipherState, the chunks it decrypts to
// a Reassembler, and the frames that completes to wire::decode_frame.
//
// Layout: a mode byte (bit 0: ChaChaPoly instead of AESGCM), then records of an op byte, a 2-byte
// little-endian length (cut to what is left) and that many bytes. Ops (op & 7):
//   0, 1, 6, 7  genuine: the bytes are a chunk, which the sender encrypts; 1 and 7 reassemble
//               with accept() (the frame copied out), 0 and 6 with accept_view()
//   2           arbitrary bytes as a transport message
//   3           tampered: 2 bytes of a bit index, then a chunk that a copy of the sender encrypts
//               at the current nonce before the bit is flipped
//   4           the last genuine message again (a replay)
//   5           both sides rekey
// Properties: never a crash or an `internal` error; every forged, tampered or replayed message is
// `decrypt_failed`, hands out no plaintext and leaves the CipherState equal to a copy taken before;
// every genuine message decrypts to its chunk whatever came before it; reassembly errors are typed
// and leave the reassembler idle; decode errors are typed.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "noise_fixture.h"
#include "parley/crypto/entropy.h"
#include "parley/transport/channel/chunks.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/noise/handshake_state.h"
#include "parley/wire/frames/frame.h"

namespace {

using namespace parley;
namespace noise = transport::noise;
namespace keys = fuzz::noise_keys;

struct Channel {
  noise::CipherState sender;    // the initiator's send cipher
  noise::CipherState receiver;  // the responder's receive cipher
};

Channel handshake(crypto::Aead aead) {
  auto config = [&](noise::Role role) {
    noise::HandshakeConfig c;
    c.protocol = {noise::PatternId::xx, aead, crypto::NoiseHash::sha256};
    c.role = role;
    c.prologue = keys::hex(keys::kPrologue);
    c.local_static =
        keys::key_pair(role == noise::Role::initiator ? keys::kInitiatorStatic : keys::kResponderStatic);
    return c;
  };
  auto initiator = noise::HandshakeState::initialize(config(noise::Role::initiator)).value();
  auto responder = noise::HandshakeState::initialize(config(noise::Role::responder)).value();
  crypto::ScriptedEntropy initiator_entropy(keys::hex(keys::kInitiatorEphemeral));
  crypto::ScriptedEntropy responder_entropy(keys::hex(keys::kResponderEphemeral));
  PARLEY_FUZZ_CHECK(responder.read_message(initiator.write_message({}, initiator_entropy).value()).ok());
  PARLEY_FUZZ_CHECK(initiator.read_message(responder.write_message({}, responder_entropy).value()).ok());
  PARLEY_FUZZ_CHECK(responder.read_message(initiator.write_message({}, initiator_entropy).value()).ok());
  return {initiator.split().value().send, responder.split().value().receive};
}

const Channel& channel(crypto::Aead aead) {
  static const Channel aes = handshake(crypto::Aead::aes256_gcm);
  static const Channel chacha = handshake(crypto::Aead::chacha20_poly1305);
  return aead == crypto::Aead::aes256_gcm ? aes : chacha;
}

void check_decoded(core::BytesView frame) {
  PARLEY_FUZZ_CHECK(!frame.empty() && frame.size() <= transport::channel::kMaxFrameSize);
  auto decoded = wire::decode_frame(frame);
  if (decoded) return;
  const auto code = decoded.code();
  PARLEY_FUZZ_CHECK(code == core::Errc::malformed || code == core::Errc::unsupported_version ||
                    code == core::Errc::unsupported || code == core::Errc::limit_exceeded);
}

// A chunk that decrypted: into the reassembler, and a frame it completes into the decoder.
void reassemble(transport::channel::Reassembler& reassembler, core::BytesView chunk, bool owning) {
  if (owning) {
    auto out = reassembler.accept(chunk);
    if (out && *out) check_decoded(**out);
    if (out) return;
    PARLEY_FUZZ_CHECK(out.code() == core::Errc::malformed || out.code() == core::Errc::limit_exceeded);
  } else {
    auto out = reassembler.accept_view(chunk);
    if (out && *out) check_decoded(**out);
    if (out) return;
    PARLEY_FUZZ_CHECK(out.code() == core::Errc::malformed || out.code() == core::Errc::limit_exceeded);
  }
  PARLEY_FUZZ_CHECK(reassembler.idle());
}

// A message that must not decrypt: rejected as a forgery, nothing handed out, nothing changed.
void check_rejected(noise::CipherState& receiver, core::BytesView message, core::Bytes& plain) {
  const noise::CipherState before = receiver;
  auto opened = receiver.decrypt_with_ad({}, message, plain);
  PARLEY_FUZZ_CHECK(!opened.ok());
  PARLEY_FUZZ_CHECK(opened.code() == core::Errc::decrypt_failed);
  PARLEY_FUZZ_CHECK(plain.empty());
  PARLEY_FUZZ_CHECK(receiver == before);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto aead = (data[0] & 1) != 0 ? crypto::Aead::chacha20_poly1305 : crypto::Aead::aes256_gcm;
  core::BytesView input(data + 1, size - 1);

  Channel c = channel(aead);
  transport::channel::Reassembler reassembler;
  core::Bytes wire, last_genuine, plain;
  while (input.size() >= 3) {
    const std::uint8_t op = input[0] & 7;
    const std::size_t length = std::min<std::size_t>(input[1] | std::size_t{input[2]} << 8, input.size() - 3);
    const core::BytesView body = input.subspan(3, length);
    input = input.subspan(3 + length);

    if (op == 2) {
      check_rejected(c.receiver, body, plain);
    } else if (op == 3) {
      const std::size_t bit = body.size() >= 2 ? (body[0] | std::size_t{body[1]} << 8) : 0;
      const core::BytesView chunk = body.size() >= 2 ? body.subspan(2) : body;
      noise::CipherState forger = c.sender;  // the real sender's nonce stays for the next genuine message
      if (!forger.encrypt_with_ad({}, chunk, wire)) continue;
      wire[(bit / 8) % wire.size()] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      check_rejected(c.receiver, wire, plain);
    } else if (op == 4) {
      if (!last_genuine.empty()) check_rejected(c.receiver, last_genuine, plain);
    } else if (op == 5) {
      PARLEY_FUZZ_CHECK(c.sender.rekey().ok());
      PARLEY_FUZZ_CHECK(c.receiver.rekey().ok());
    } else {
      const noise::CipherState before = c.sender;
      auto sealed = c.sender.encrypt_with_ad({}, body, wire);
      if (!sealed) {
        PARLEY_FUZZ_CHECK(sealed.code() == core::Errc::limit_exceeded &&
                          body.size() > noise::kMaxPlaintextLength);
        PARLEY_FUZZ_CHECK(c.sender == before);
        continue;
      }
      auto opened = c.receiver.decrypt_with_ad({}, wire, plain);
      PARLEY_FUZZ_CHECK(opened.ok());
      PARLEY_FUZZ_CHECK(core::BytesView(plain).size() == body.size() &&
                        std::equal(plain.begin(), plain.end(), body.begin()));
      PARLEY_FUZZ_CHECK(c.receiver.nonce() == c.sender.nonce());
      last_genuine = wire;
      reassemble(reassembler, plain, op == 1 || op == 7);
    }
  }
  return 0;
}
