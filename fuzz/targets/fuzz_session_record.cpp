// Restoring a stored session record (spec §5.8) from arbitrary bytes: a typed error or a record,
// never a crash. A restored record serializes to bytes that restore to an equal record, and
// serializing that again gives the same bytes (the serializer is deterministic).
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/wire/session_record_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley;
  using core::Errc;

  auto record = wire::session_record_deserialize(core::BytesView(data, size));
  if (!record) {
    const auto code = record.code();
    PARLEY_FUZZ_CHECK(code == Errc::malformed || code == Errc::unsupported_version || code == Errc::bad_key ||
                      code == Errc::limit_exceeded);
    return 0;
  }
  const auto stored = wire::session_record_serialize(*record);
  auto again = wire::session_record_deserialize(stored);
  PARLEY_FUZZ_CHECK(again.ok());
  PARLEY_FUZZ_CHECK(*again == *record);
  PARLEY_FUZZ_CHECK(wire::session_record_serialize(*again) == stored);
  return 0;
}
