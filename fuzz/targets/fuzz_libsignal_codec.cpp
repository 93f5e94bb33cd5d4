// Decoding of libsignal's SignalMessage and PreKeySignalMessage (spec §5.6) on arbitrary bytes:
// a typed error or a value, never a crash; and a decoded value re-encodes to bytes that decode to
// the same value (the encoder writes canonical proto2, so bytes may differ, values may not).
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/wire/libsignal_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley;
  const wire::LibsignalCodec codec;
  const core::BytesView input(data, size);

  if (auto m = codec.decode_signal_message(input)) {
    auto body = codec.encode_signal_message(m->fields);
    body.insert(body.end(), m->mac.begin(), m->mac.end());
    auto again = codec.decode_signal_message(body);
    PARLEY_FUZZ_CHECK(again.ok());
    PARLEY_FUZZ_CHECK(again->fields == m->fields);
    PARLEY_FUZZ_CHECK(again->mac == m->mac);
  } else {
    const auto code = m.code();
    PARLEY_FUZZ_CHECK(code == core::Errc::malformed || code == core::Errc::unsupported_version ||
                      code == core::Errc::bad_key);
  }

  if (auto p = codec.decode_prekey_message(input)) {
    auto again = codec.decode_prekey_message(codec.encode_prekey_message(*p));
    PARLEY_FUZZ_CHECK(again.ok());
    PARLEY_FUZZ_CHECK(*again == *p);
  }
  return 0;
}
