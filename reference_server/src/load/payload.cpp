#include "parley/server/load/payload.h"

#include <algorithm>

namespace parley::server::load {

namespace {

constexpr std::uint8_t kMagic[4] = {'P', 'L', 'D', 1};

template <typename T>
void put(core::Bytes& out, std::size_t at, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) out[at + i] = static_cast<std::uint8_t>(value >> (8 * (sizeof(T) - 1 - i)));
}

template <typename T>
T get(core::BytesView in, std::size_t at) {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) value = static_cast<T>((value << 8) | in[at + i]);
  return value;
}

}  // namespace

core::Bytes encode_load_payload(const LoadPayload& payload, std::size_t size) {
  core::Bytes out(std::max(size, kLoadPayloadHeader), 0);
  std::copy(std::begin(kMagic), std::end(kMagic), out.begin());
  put(out, 4, payload.sender);
  put(out, 8, payload.receiver);
  put(out, 12, payload.message);
  put(out, 20, payload.sent_ns);
  return out;
}

core::Result<LoadPayload> decode_load_payload(core::BytesView bytes) {
  if (bytes.size() < kLoadPayloadHeader || !std::equal(std::begin(kMagic), std::end(kMagic), bytes.begin()))
    return core::make_error(core::Errc::malformed, "not a parley-load payload");
  return LoadPayload{get<std::uint32_t>(bytes, 4), get<std::uint32_t>(bytes, 8), get<std::uint64_t>(bytes, 12),
                     get<std::uint64_t>(bytes, 20)};
}

}  // namespace parley::server::load
