// Decoding of Parley's Cap'n Proto SignalMessage and PreKeySignalMessage frames (spec §5.7) on
// arbitrary bytes: a typed error or a value, never a crash or a read outside the input. A decoded
// value re-encodes to a frame that decodes to the same value, and the encoder is deterministic, so
// re-encoding that value gives the same bytes again (the input's own bytes may differ: Cap'n Proto
// is not canonical across writers, which is why the MAC covers the bytes received).
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/wire/capnp_codec.h"

namespace {

bool typed(parley::core::Errc code) {
  using parley::core::Errc;
  return code == Errc::malformed || code == Errc::unsupported_version || code == Errc::bad_key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley;
  const wire::CapnpCodec codec;
  const core::BytesView input(data, size);

  if (auto m = codec.decode_signal_message(input)) {
    PARLEY_FUZZ_CHECK(m->mac_input == core::to_bytes(input.first(size - protocol::kMacSize)));
    const auto body = codec.encode_signal_message(m->fields);
    auto wire = body;
    wire.insert(wire.end(), m->mac.begin(), m->mac.end());
    auto again = codec.decode_signal_message(wire);
    PARLEY_FUZZ_CHECK(again.ok());
    PARLEY_FUZZ_CHECK(again->fields == m->fields);
    PARLEY_FUZZ_CHECK(again->mac == m->mac);
    PARLEY_FUZZ_CHECK(again->mac_input == body);
    PARLEY_FUZZ_CHECK(codec.encode_signal_message(again->fields) == body);
  } else {
    PARLEY_FUZZ_CHECK(typed(m.code()));
  }

  if (auto p = codec.decode_prekey_message(input)) {
    const auto wire = codec.encode_prekey_message(*p);
    auto again = codec.decode_prekey_message(wire);
    PARLEY_FUZZ_CHECK(again.ok());
    PARLEY_FUZZ_CHECK(*again == *p);
    PARLEY_FUZZ_CHECK(codec.encode_prekey_message(*again) == wire);
  } else {
    PARLEY_FUZZ_CHECK(typed(p.code()));
  }
  return 0;
}
