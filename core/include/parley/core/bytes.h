// Byte strings used across every layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace parley::core {

using Bytes = std::vector<std::uint8_t>;
using BytesView = std::span<const std::uint8_t>;

inline BytesView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline Bytes to_bytes(BytesView v) { return {v.begin(), v.end()}; }

// Appends every view to `out`, in order; used to build fixed layouts (KDF inputs, signed bytes).
inline void append(Bytes& out, BytesView v) { out.insert(out.end(), v.begin(), v.end()); }

template <typename... Views>
Bytes concat(const Views&... views) {
  Bytes out;
  out.reserve((std::size_t{0} + ... + BytesView(views).size()));
  (append(out, BytesView(views)), ...);
  return out;
}

}  // namespace parley::core
