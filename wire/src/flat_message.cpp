#include "flat_message.h"

#include <string>

#include "parley/core/secret_bytes.h"
#include "parley/wire/limits.h"

namespace parley::wire::flat_message {

using core::Errc;

namespace {

std::uint32_t read_le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

void write_le32(core::Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void wipe(kj::ArrayPtr<const capnp::word> segment) {
  // The builder hands out its segments read-only, but they are its own heap memory.
  core::secure_zero(const_cast<capnp::word*>(segment.begin()), segment.size() * sizeof(capnp::word));
}

void append_segment(core::Bytes& out, kj::ArrayPtr<const capnp::word> segment) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(segment.begin());
  const std::size_t size = segment.size() * sizeof(capnp::word);
  // Reserved up front so that the output never reallocates and leaves a copy of a record's keys behind.
  out.reserve(out.size() + kSegmentTableSize + size);
  write_le32(out, 0);
  write_le32(out, static_cast<std::uint32_t>(segment.size()));
  out.insert(out.end(), bytes, bytes + size);
}

}  // namespace

Words::Words(std::size_t count) : words_(kj::heapArray<capnp::word>(count)) {
  std::memset(words_.begin(), 0, words_.size() * sizeof(capnp::word));
}

Words::~Words() { core::secure_zero(words_.begin(), words_.size() * sizeof(capnp::word)); }

core::Result<std::size_t> check_single_segment(core::BytesView flat) {
  if (flat.size() < kSegmentTableSize + sizeof(capnp::word) || flat.size() % sizeof(capnp::word) != 0)
    return core::make_error(Errc::malformed, "not a whole number of words");
  if (read_le32(flat.data()) != 0) return core::make_error(Errc::malformed, "more than one segment");
  const std::size_t words = (flat.size() - kSegmentTableSize) / sizeof(capnp::word);
  if (read_le32(flat.data() + 4) != words)
    return core::make_error(Errc::malformed, "segment size does not match the message length");
  return words;
}

capnp::ReaderOptions reader_options(std::size_t segment_words) {
  capnp::ReaderOptions options;
  // A walk reads each word of the segment at most once, and Cap'n Proto's limiter stops one word
  // short of the limit: hence the + 1.
  options.traversalLimitInWords = kCapnpTraversalFactor * (segment_words + 1);
  options.nestingLimit = kCapnpNestingLimit;
  return options;
}

bool walk_whole_message(capnp::MessageReader& reader) {
  return reader.getRoot<capnp::AnyPointer>().targetSize().capCount == 0;
}

core::Error malformed(const kj::Exception& e) {
  return core::make_error(Errc::malformed, std::string("Cap'n Proto: ") + e.getDescription().cStr());
}

void append_single_segment(core::Bytes& out, capnp::MessageBuilder& builder) {
  const auto segments = builder.getSegmentsForOutput();
  if (segments.size() == 1) {
    append_segment(out, segments[0]);
  } else {
    const auto root = builder.getRoot<capnp::AnyPointer>().asReader();
    // The root pointer plus the objects it reaches, with no far pointers once in one segment.
    Words exact(1 + root.targetSize().wordCount);
    capnp::MallocMessageBuilder copy(exact.ptr());
    copy.getRoot<capnp::AnyPointer>().set(root);
    const auto copied = copy.getSegmentsForOutput();
    KJ_ASSERT(copied.size() == 1, "a copy sized to its content must fit one segment");
    append_segment(out, copied[0]);
    for (auto segment : copied) wipe(segment);
  }
  for (auto segment : segments) wipe(segment);
}

}  // namespace parley::wire::flat_message
