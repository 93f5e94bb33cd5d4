#include "parley/load/payload.h"

#include <algorithm>

#include "parley/core/big_endian.h"

namespace parley::load {

namespace {

constexpr std::uint8_t kMagic[4] = {'P', 'L', 'D', 1};

}  // namespace

core::Bytes encode_load_payload(const LoadPayload& payload, std::size_t size) {
  core::Bytes out(std::begin(kMagic), std::end(kMagic));
  out.reserve(std::max(size, kLoadPayloadHeader));
  core::append_be(out, payload.sender);
  core::append_be(out, payload.receiver);
  core::append_be(out, payload.message);
  core::append_be(out, payload.sent_ns);
  out.resize(std::max(size, kLoadPayloadHeader), 0);
  return out;
}

core::Result<LoadPayload> decode_load_payload(core::BytesView bytes) {
  core::BigEndianReader in(bytes);
  const auto magic = in.bytes(sizeof kMagic);
  LoadPayload p;
  p.sender = in.read<std::uint32_t>();
  p.receiver = in.read<std::uint32_t>();
  p.message = in.read<std::uint64_t>();
  p.sent_ns = in.read<std::uint64_t>();
  if (!in.ok() || !std::equal(magic.begin(), magic.end(), std::begin(kMagic)))
    return core::make_error(core::Errc::malformed, "not a parley-load payload");
  return p;
}

}  // namespace parley::load
