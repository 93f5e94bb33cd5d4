// The few pieces of the protobuf wire format that libsignal's two session messages need
// (proto2 semantics). Small enough that a second dependency would cost more than it saves.
#pragma once

#include <cstdint>
#include <optional>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::wire::protobuf {

enum class WireType : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

void write_varint(core::Bytes& out, std::uint64_t value);
void write_uint_field(core::Bytes& out, std::uint32_t field, std::uint64_t value);
void write_bytes_field(core::Bytes& out, std::uint32_t field, core::BytesView value);

struct Field {
  std::uint32_t number = 0;
  WireType type = WireType::varint;
  std::uint64_t varint = 0;  // for varint
  core::BytesView bytes;     // for length-delimited (a view into the input)
};

// A length-delimited field's bytes; another wire type is `malformed`.
core::Result<core::BytesView> bytes_of(const Field& f);
// A varint field as protobuf's uint32 reads it (the low 32 bits, as prost and protobuf-c do);
// another wire type is `malformed`.
core::Result<std::uint32_t> uint32_of(const Field& f);

// Reads fields one at a time; every length is checked against what is left, a varint longer than
// 10 bytes or a field number of 0 is `malformed`, and groups (wire types 3, 4) are refused.
class Reader {
 public:
  explicit Reader(core::BytesView input) : in_(input) {}
  bool done() const { return pos_ == in_.size(); }
  core::Result<Field> next();

 private:
  core::Result<std::uint64_t> read_varint();
  core::BytesView in_;
  std::size_t pos_ = 0;
};

}  // namespace parley::wire::protobuf
