// One Cap'n Proto message in the standard unpacked stream encoding with exactly one segment: the
// form in which Parley sends messages and stores records (spec §5.7, §5.8).
//
// Reading never casts the input: received bytes have no alignment guarantee (a Parley frame puts
// the message at offset 1), so the segment is copied into aligned words first. Every walk is
// bounded (transport/limits.h), the whole message is checked once before it is converted, and a
// kj::Exception never leaves this layer: it becomes `malformed`. Both directions wipe their word
// buffers, which hold key material when the message is a session record.
#pragma once

#include <capnp/any.h>
#include <capnp/message.h>
#include <kj/array.h>
#include <kj/exception.h>

#include <cstring>
#include <utility>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::wire::flat_message {

// Segment count minus one, then the segment's size in words: two little-endian uint32.
inline constexpr std::size_t kSegmentTableSize = 8;

// Aligned, zero-initialized words, wiped when they go away.
class Words {
 public:
  explicit Words(std::size_t count);
  ~Words();
  Words(const Words&) = delete;
  Words& operator=(const Words&) = delete;
  kj::ArrayPtr<capnp::word> ptr() { return words_; }

 private:
  kj::Array<capnp::word> words_;
};

inline core::BytesView as_view(capnp::Data::Reader data) { return {data.begin(), data.size()}; }
inline capnp::Data::Reader as_data(core::BytesView bytes) { return {bytes.data(), bytes.size()}; }

// The segment's size in words when `flat` is exactly one single-segment message with a non-empty
// segment; anything else (a length that is not whole words, several segments, a table that does
// not match the length) is `malformed`.
core::Result<std::size_t> check_single_segment(core::BytesView flat);

capnp::ReaderOptions reader_options(std::size_t segment_words);

// Walks every object under the reader's limits (throwing kj::Exception on a bounds, nesting or
// traversal violation) so that unknown fields are bounded too; false when the message holds a
// capability pointer, which has no meaning outside RPC.
bool walk_whole_message(capnp::MessageReader& reader);

core::Error malformed(const kj::Exception& e);

// Reads `flat` and returns `convert(root)`, a core::Result. A Cap'n Proto exception anywhere,
// conversion included, is `malformed`.
template <typename Root, typename Convert>
auto read(core::BytesView flat, Convert&& convert)
    -> decltype(convert(std::declval<typename Root::Reader>())) {
  PARLEY_TRY(const std::size_t size, check_single_segment(flat));
  Words segment(size);
  std::memcpy(segment.ptr().begin(), flat.data() + kSegmentTableSize, size * sizeof(capnp::word));
  try {
    const kj::ArrayPtr<const capnp::word> segments[1] = {segment.ptr()};
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1), reader_options(size));
    if (!walk_whole_message(reader)) return core::make_error(core::Errc::malformed, "capability pointer");
    return convert(reader.getRoot<Root>());
  } catch (const kj::Exception& e) {
    return malformed(e);
  }
}

// Appends the flat single-segment form of the builder's message to `out`, then wipes every segment
// the builder used (Cap'n Proto frees its own without wiping). A message that outgrew its first
// segment is copied into one segment of the exact size: Parley never sends or stores several.
void append_single_segment(core::Bytes& out, capnp::MessageBuilder& builder);

// Builds a message with `fill(root builder)` and appends its flat form to `out`. `estimate_words`
// sizes the first segment; an underestimate costs a copy, never a second segment.
template <typename Root, typename Fill>
void write(core::Bytes& out, std::size_t estimate_words, Fill&& fill) {
  Words first(estimate_words);
  capnp::MallocMessageBuilder builder(first.ptr());
  std::forward<Fill>(fill)(builder.initRoot<Root>());
  append_single_segment(out, builder);
}

}  // namespace parley::wire::flat_message
