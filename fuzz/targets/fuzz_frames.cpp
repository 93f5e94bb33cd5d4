// Client-server frames (spec §6.9) on arbitrary bytes, twice:
//  - the whole input as one frame: a typed error or a frame whose fields read without an
//    exception escaping, and which re-encodes to a frame that decodes to the same content;
//  - the input as a sequence of chunks (each prefixed by a 16-bit little-endian length) fed to one
//    Reassembler: a typed error that leaves it idle, or frames within kMaxFrameSize that split and
//    reassemble to themselves.
#include <capnp/message.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "check.h"
#include "parley/transport/frame_chunks.h"
#include "parley/transport/frames.h"
#include "parley/transport/frames_capnp.h"
#include "parley/transport/limits.h"

namespace {

using namespace parley;

core::Result<std::string> text_of(const transport::DecodedFrame& frame) {
  return transport::read_frame(frame, [](wire::Frame::Reader r) -> core::Result<std::string> {
    return std::string(kj::str(r).cStr());
  });
}

void check_frame(core::BytesView input) {
  auto frame = transport::DecodedFrame::decode(input);
  if (!frame) {
    const auto code = frame.code();
    PARLEY_FUZZ_CHECK(code == core::Errc::malformed || code == core::Errc::unsupported_version ||
                      code == core::Errc::unsupported || code == core::Errc::limit_exceeded);
    return;
  }
  auto text = text_of(*frame);
  if (!text) {
    // Stringification reads some objects more than once, so it can exceed the budget sized for
    // one conversion; it must come back typed, never as an exception.
    PARLEY_FUZZ_CHECK(text.code() == core::Errc::malformed);
    return;
  }
  auto again = transport::read_frame(*frame, [](wire::Frame::Reader r) -> core::Result<core::Bytes> {
    capnp::MallocMessageBuilder builder;
    builder.setRoot(r);
    return transport::encode_frame(builder);
  });
  if (!again) return;  // a copy may be larger than the input (shared bytes are duplicated)
  auto decoded = transport::DecodedFrame::decode(*again);
  PARLEY_FUZZ_CHECK(decoded.ok());
  PARLEY_FUZZ_CHECK(decoded->kind() == frame->kind());
  PARLEY_FUZZ_CHECK(decoded->request_id() == frame->request_id());
  // The copy spells out what the input may have shared or left empty (a list of zero-sized
  // structs becomes real structs), and stringification reads some objects more than once, so
  // the copy may exceed its read budget; that must come back typed too.
  auto text_again = text_of(*decoded);
  if (text_again) {
    PARLEY_FUZZ_CHECK(*text_again == *text);
  } else {
    PARLEY_FUZZ_CHECK(text_again.code() == core::Errc::malformed);
  }
}

void check_chunks(core::BytesView input) {
  transport::Reassembler reassembler;
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
    PARLEY_FUZZ_CHECK(!frame.empty() && frame.size() <= transport::kMaxFrameSize);
    auto chunks = transport::split_frame(frame);
    PARLEY_FUZZ_CHECK(chunks.ok());
    transport::Reassembler again;
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
