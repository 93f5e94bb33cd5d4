#include "parley/wire/protobuf.h"

#include <string>

namespace parley::wire::protobuf {

using core::Errc;

void write_varint(core::Bytes& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

void write_uint_field(core::Bytes& out, std::uint32_t field, std::uint64_t value) {
  write_varint(out, (static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint8_t>(WireType::varint));
  write_varint(out, value);
}

void write_bytes_field(core::Bytes& out, std::uint32_t field, core::BytesView value) {
  write_varint(out, (static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint8_t>(WireType::length_delimited));
  write_varint(out, value.size());
  core::append(out, value);
}

core::Result<core::BytesView> bytes_of(const Field& f) {
  if (f.type != WireType::length_delimited)
    return core::make_error(Errc::malformed, "field " + std::to_string(f.number) + " is not bytes");
  return f.bytes;
}

core::Result<std::uint32_t> uint32_of(const Field& f) {
  if (f.type != WireType::varint)
    return core::make_error(Errc::malformed, "field " + std::to_string(f.number) + " is not a varint");
  return static_cast<std::uint32_t>(f.varint);
}

core::Result<std::uint64_t> Reader::read_varint() {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= in_.size()) return core::make_error(Errc::malformed, "truncated varint");
    const std::uint8_t byte = in_[pos_++];
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return core::make_error(Errc::malformed, "varint longer than 10 bytes");
}

core::Result<Field> Reader::next() {
  PARLEY_TRY(const std::uint64_t key, read_varint());
  Field f;
  if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff) return core::make_error(Errc::malformed, "bad field number");
  f.number = static_cast<std::uint32_t>(key >> 3);
  switch (key & 7) {
    case 0: {
      f.type = WireType::varint;
      PARLEY_TRY(f.varint, read_varint());
      return f;
    }
    case 2: {
      f.type = WireType::length_delimited;
      PARLEY_TRY(const std::uint64_t len, read_varint());
      if (len > in_.size() - pos_) return core::make_error(Errc::malformed, "field length beyond the message");
      f.bytes = in_.subspan(pos_, static_cast<std::size_t>(len));
      pos_ += static_cast<std::size_t>(len);
      return f;
    }
    case 1:
    case 5: {
      const std::size_t width = (key & 7) == 1 ? 8 : 4;
      if (width > in_.size() - pos_) return core::make_error(Errc::malformed, "truncated fixed field");
      f.type = (key & 7) == 1 ? WireType::fixed64 : WireType::fixed32;
      f.bytes = in_.subspan(pos_, width);
      pos_ += width;
      return f;
    }
    default:
      return core::make_error(Errc::malformed, "unsupported protobuf wire type");
  }
}

}  // namespace parley::wire::protobuf
