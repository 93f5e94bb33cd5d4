// fuzz_content: what a peer device's message decrypts to (spec §8.6), and the device ciphertext a
// send carries, as a hostile peer or server could shape them.
//
// Input: the bytes, read as a device ciphertext and, after unpadding, as a Content. Every outcome
// is a typed error or a value whose encoding decodes back to the same value.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/wire/device_ciphertext.h"
#include "parley/protocol/padding.h"
#include "parley/wire/content.h"

namespace {

using parley::core::Errc;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const parley::core::BytesView input(data, size);
  const auto ciphertext = parley::wire::decode_device_ciphertext(input);
  if (ciphertext.ok()) {
    PARLEY_FUZZ_CHECK(parley::wire::encode_device_ciphertext(ciphertext->message, ciphertext->retry_of) ==
                      parley::core::Bytes(input.begin(), input.end()));
  } else {
    PARLEY_FUZZ_CHECK(ciphertext.code() == Errc::malformed);
  }
  const auto unpadded = parley::protocol::unpad_plaintext(input);
  const auto content = parley::wire::decode_content(unpadded.ok() ? parley::core::BytesView(*unpadded) : input);
  if (!content.ok()) {
    const auto code = content.code();
    PARLEY_FUZZ_CHECK(code == Errc::malformed || code == Errc::unsupported_version || code == Errc::unsupported ||
                      code == Errc::limit_exceeded);
    return 0;
  }
  const auto again = parley::wire::encode_content(*content);
  PARLEY_FUZZ_CHECK(again.ok());
  const auto back = parley::wire::decode_content(*again);
  PARLEY_FUZZ_CHECK(back.ok() && *back == *content);
  return 0;
}
