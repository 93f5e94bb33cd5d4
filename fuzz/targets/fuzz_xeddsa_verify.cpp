// fuzz_xeddsa_verify: XEdDSA verification (spec §3.2) and public key parsing on hostile input,
// plus sign/verify agreement on keys the fuzzer chooses.
//
// Input layout (byte 0 selects the mode by its low bit; missing bytes read as zero):
//   verify mode (even):  mode | serialized public key (33: 0x05 || u) | signature (up to 64) | message
//   sign mode   (odd):   mode | private key (32) | random Z (64) | flip selector (2) | message
//
// Verify mode: parse_public_key on the 33 bytes succeeds exactly for a 0x05 type byte, and
// xeddsa_verify on u (whatever the type byte) returns ok or a typed error: `malformed` exactly when
// the signature is not 64 bytes, otherwise `bad_signature`. Bit 255 of u is ignored, as libsignal
// ignores it, so flipping it never changes the outcome.
// Sign mode: a signature made with xeddsa_sign verifies, and one flipped bit (in the signature,
// the message or the public key, chosen by the selector) makes it fail.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_bytes.h"
#include "parley/crypto/x25519.h"
#include "parley/crypto/xeddsa.h"

namespace {

using parley::core::BytesView;
using parley::core::Errc;
namespace crypto = parley::crypto;

// Splits the input from the front; a short input yields zero-filled fields, so that every input,
// however short, exercises the full path.
class Reader {
 public:
  explicit Reader(BytesView in) : in_(in) {}

  template <std::size_t N>
  std::array<std::uint8_t, N> fixed() {
    std::array<std::uint8_t, N> out{};
    const BytesView got = take(N);
    std::copy(got.begin(), got.end(), out.begin());
    return out;
  }
  // Up to n bytes, no padding: lets verify mode see short signatures.
  BytesView take(std::size_t n) {
    const std::size_t k = std::min(n, in_.size());
    const BytesView got = in_.first(k);
    in_ = in_.subspan(k);
    return got;
  }
  BytesView rest() { return take(in_.size()); }

 private:
  BytesView in_;
};

bool is_typed_verify_error(const parley::core::Result<void>& r, std::size_t signature_size) {
  if (signature_size != crypto::kSignatureSize) return r.code() == Errc::malformed;
  return r.code() == Errc::bad_signature;
}

void verify_mode(Reader& in) {
  const auto serialized = in.fixed<crypto::kSerializedPublicKeySize>();
  const BytesView signature = in.take(crypto::kSignatureSize);
  const BytesView message = in.rest();

  const auto parsed = crypto::parse_public_key(serialized);
  PARLEY_FUZZ_CHECK(parsed.ok() == (serialized[0] == crypto::kDjbKeyType));
  if (!parsed.ok()) PARLEY_FUZZ_CHECK(parsed.code() == Errc::bad_key);
  // A bare 32-byte u, the usual mix-up between the two encodings, is refused whatever its bytes.
  const auto short_parse = crypto::parse_public_key(BytesView(serialized).first(32));
  PARLEY_FUZZ_CHECK(!short_parse.ok() && short_parse.code() == Errc::bad_key);

  crypto::X25519PublicKey u;
  std::copy(serialized.begin() + 1, serialized.end(), u.begin());
  if (parsed.ok()) PARLEY_FUZZ_CHECK(*parsed == u);

  const auto verdict = crypto::xeddsa_verify(u, message, signature);
  if (!verdict.ok()) PARLEY_FUZZ_CHECK(is_typed_verify_error(verdict, signature.size()));

  crypto::X25519PublicKey u_top_flipped = u;
  u_top_flipped[31] ^= 0x80;
  const auto verdict_flipped = crypto::xeddsa_verify(u_top_flipped, message, signature);
  PARLEY_FUZZ_CHECK(verdict_flipped.ok() == verdict.ok());
}

void sign_mode(Reader& in) {
  const auto private_bytes = in.fixed<crypto::kX25519KeySize>();
  const auto random = in.fixed<crypto::kSignatureRandomSize>();
  const auto selector = in.fixed<2>();
  const parley::core::Bytes message = parley::core::to_bytes(in.rest());

  // Clamping makes every 32-byte string a valid, non-zero private key, so nothing here may fail.
  auto pair = crypto::x25519_key_pair_from_private(private_bytes);
  PARLEY_FUZZ_CHECK(pair.ok());
  const auto signature = crypto::xeddsa_sign(pair->private_key, message, random);
  PARLEY_FUZZ_CHECK(signature.ok());
  PARLEY_FUZZ_CHECK(crypto::xeddsa_verify(pair->public_key, message, *signature).ok());

  // One flipped bit anywhere in what the signature binds must be caught. Bit 255 of u is left
  // out: the verifier ignores it by design (checked in verify mode).
  constexpr std::size_t kSignatureBits = crypto::kSignatureSize * 8;
  constexpr std::size_t kKeyBits = 255;
  const std::size_t message_bits = message.size() * 8;
  const std::size_t bit =
      (std::size_t{selector[0]} << 8 | selector[1]) % (kSignatureBits + kKeyBits + message_bits);

  crypto::Signature bad_signature = *signature;
  crypto::X25519PublicKey bad_key = pair->public_key;
  parley::core::Bytes bad_message = message;
  const auto flip = [](std::uint8_t* bytes, std::size_t i) {
    bytes[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
  };
  if (bit < kSignatureBits) {
    flip(bad_signature.data(), bit);
  } else if (bit < kSignatureBits + kKeyBits) {
    flip(bad_key.data(), bit - kSignatureBits);
  } else {
    flip(bad_message.data(), bit - kSignatureBits - kKeyBits);
  }
  const auto tampered = crypto::xeddsa_verify(bad_key, bad_message, bad_signature);
  PARLEY_FUZZ_CHECK(!tampered.ok());
  PARLEY_FUZZ_CHECK(tampered.code() == Errc::bad_signature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(BytesView(data, size));
  const auto mode = in.fixed<1>()[0];
  if ((mode & 1) == 0) {
    verify_mode(in);
  } else {
    sign_mode(in);
  }
  return 0;
}
