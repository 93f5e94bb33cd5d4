#include "parley/transport/channel/payloads.h"

#include <string>

#include "parley/transport/channel/limits.h"

namespace parley::transport::channel {

using core::Errc;

namespace {

template <typename T>
void put_be(core::Bytes& out, T value) {
  for (std::size_t i = sizeof(T); i-- > 0;) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

template <typename T>
T get_be(core::BytesView bytes, std::size_t offset) {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) value = static_cast<T>((value << 8) | bytes[offset + i]);
  return value;
}

core::Result<std::uint16_t> check_version(std::uint16_t version) {
  if (version != kFrameProtocolVersion)
    return core::make_error(Errc::unsupported_version, "peer speaks frame protocol version " + std::to_string(version));
  return version;
}

core::Error wrong_length(const char* what, std::size_t size) {
  return core::make_error(Errc::malformed, std::string(what) + " payload of " + std::to_string(size) + " bytes");
}

}  // namespace

core::Bytes encode(const ClientPayload& payload) {
  core::Bytes out;
  out.reserve(kClientPayloadSize);
  put_be(out, payload.version);
  put_be(out, payload.device.account_id);
  put_be(out, payload.device.device_id);
  return out;
}

core::Bytes encode(const ServerPayload& payload) {
  core::Bytes out;
  put_be(out, payload.version);
  return out;
}

core::Result<ClientPayload> decode_client_payload(core::BytesView bytes) {
  if (bytes.size() != kClientPayloadSize) return wrong_length("client", bytes.size());
  ClientPayload payload;
  PARLEY_TRY(payload.version, check_version(get_be<std::uint16_t>(bytes, 0)));
  payload.device.account_id = get_be<std::uint64_t>(bytes, 2);
  payload.device.device_id = get_be<std::uint32_t>(bytes, 10);
  return payload;
}

core::Result<ServerPayload> decode_server_payload(core::BytesView bytes) {
  if (bytes.size() != kServerPayloadSize) return wrong_length("server", bytes.size());
  ServerPayload payload;
  PARLEY_TRY(payload.version, check_version(get_be<std::uint16_t>(bytes, 0)));
  return payload;
}

}  // namespace parley::transport::channel
