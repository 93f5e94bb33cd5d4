// Fixed-layout big-endian fields (spec §2.1): how Parley's to-be-signed bytes, QR payloads and
// parley-load's payloads are written and read. A reader never reads past its end: a short read
// marks it failed and returns zeros, and the caller checks ok() once at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "parley/core/bytes.h"

namespace parley::core {

template <typename T>
  requires std::is_unsigned_v<T>
void append_be(Bytes& out, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * (sizeof(T) - 1 - i))));
}

class BigEndianReader {
 public:
  explicit BigEndianReader(BytesView in) : in_(in) {}

  template <typename T>
    requires std::is_unsigned_v<T>
  T read() {
    if (in_.size() - at_ < sizeof(T) || failed_) {
      failed_ = true;
      return 0;
    }
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) value = static_cast<T>((value << 8) | in_[at_ + i]);
    at_ += sizeof(T);
    return value;
  }
  // The next n bytes, or an empty view (and failed) if fewer remain.
  BytesView bytes(std::size_t n) {
    if (in_.size() - at_ < n || failed_) {
      failed_ = true;
      return {};
    }
    const auto out = in_.subspan(at_, n);
    at_ += n;
    return out;
  }

  bool ok() const { return !failed_; }
  std::size_t remaining() const { return in_.size() - at_; }
  // Every byte read, none short.
  bool done() const { return ok() && remaining() == 0; }

 private:
  BytesView in_;
  std::size_t at_ = 0;
  bool failed_ = false;
};

}  // namespace parley::core
