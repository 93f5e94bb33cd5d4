// Client-server frames (spec §6.9) on arbitrary bytes, twice:
//  - the whole input as one frame: a typed error, or a value that re-encodes to a frame that
//    decodes to the same value;
//  - the input as a sequence of chunks (each prefixed by a 16-bit little-endian length) fed to one
//    Reassembler: a typed error that leaves it idle, or frames within kMaxFrameSize that split and
//    reassemble to themselves.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/transport/channel/chunks.h"
#include "parley/wire/frames/frame.h"

namespace {

using namespace parley;

void check_frame(core::BytesView input) {
  auto frame = wire::decode_frame(input);
  if (!frame) {
    const auto code = frame.code();
    PARLEY_FUZZ_CHECK(code == core::Errc::malformed || code == core::Errc::unsupported_version ||
                      code == core::Errc::unsupported || code == core::Errc::limit_exceeded);
    return;
  }
  // The value re-encodes to a frame that decodes to the same value (the input may have shared or
  // left out what the encoder spells out, so only the values are compared, not the bytes), unless
  // spelling it out no longer fits a frame.
  auto again = wire::encode_frame(*frame);
  if (!again) {
    PARLEY_FUZZ_CHECK(again.code() == core::Errc::limit_exceeded);
    return;
  }
  auto decoded = wire::decode_frame(*again);
  PARLEY_FUZZ_CHECK(decoded.ok());
  PARLEY_FUZZ_CHECK(*decoded == *frame);
  // The encoder is deterministic.
  PARLEY_FUZZ_CHECK(wire::encode_frame(*decoded).value() == *again);
}

void check_chunks(core::BytesView input) {
  transport::channel::Reassembler reassembler;
  while (input.size() >= 2) {
    std::size_t length = input[0] | std::size_t{input[1]} << 8;
    input = input.subspan(2);
    if (length > input.size()) length = input.size();
    auto out = reassembler.accept(input.first(length));
    input = input.subspan(length);
    if (!out) {
      PARLEY_FUZZ_CHECK(out.code() == core::Errc::malformed || out.code() == core::Errc::limit_exceeded);
      PARLEY_FUZZ_CHECK(reassembler.idle());
      continue;
    }
    if (!*out) continue;
    PARLEY_FUZZ_CHECK(reassembler.idle());
    const core::Bytes& frame = **out;
    PARLEY_FUZZ_CHECK(!frame.empty() && frame.size() <= transport::channel::kMaxFrameSize);
    auto chunks = transport::channel::split_frame(frame);
    PARLEY_FUZZ_CHECK(chunks.ok());
    transport::channel::Reassembler again;
    for (std::size_t i = 0; i < chunks->size(); ++i) {
      auto part = again.accept((*chunks)[i]);
      PARLEY_FUZZ_CHECK(part.ok());
      PARLEY_FUZZ_CHECK(part->has_value() == (i + 1 == chunks->size()));
      if (*part) PARLEY_FUZZ_CHECK(**part == frame);
    }
    check_frame(frame);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const core::BytesView input(data, size);
  check_frame(input);
  check_chunks(input);
  return 0;
}
