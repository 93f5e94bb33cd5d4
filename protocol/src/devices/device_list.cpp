#include "parley/protocol/devices/device_list.h"

#include <algorithm>

#include "parley/core/big_endian.h"
#include "parley/protocol/devices/device_identity.h"

namespace parley::protocol::devices {

using core::Errc;

namespace {

constexpr std::size_t kHeaderSize = 2 + 8 + 8 + 8 + 1;
constexpr std::size_t kEntrySize = 4 + 4 + 33;

core::Error bad(const std::string& what) { return core::make_error(Errc::malformed, "device list: " + what); }

core::Result<void> check_rules(const DeviceList& list) {
  if (list.version == 0) return bad("version 0");
  if (list.devices.empty() || list.devices.size() > kMaxDevicesPerAccount)
    return bad("holds " + std::to_string(list.devices.size()) + " devices");
  if (list.devices.front().device != kPrimaryDevice || list.devices.front().key_index != 0)
    return bad("the primary (device 1, key index 0) must come first");
  for (std::size_t i = 1; i < list.devices.size(); ++i)
    if (list.devices[i].device <= list.devices[i - 1].device) return bad("device ids not ascending and unique");
  return {};
}

}  // namespace

const DeviceListEntry* DeviceList::find(std::uint32_t device) const {
  const auto it = std::find_if(devices.begin(), devices.end(), [&](const DeviceListEntry& e) { return e.device == device; });
  return it == devices.end() ? nullptr : &*it;
}

core::Bytes encode_device_list(const DeviceList& list) {
  core::Bytes out(kDeviceListPrefix.begin(), kDeviceListPrefix.end());
  out.reserve(kHeaderSize + list.devices.size() * kEntrySize);
  core::append_be(out, list.account);
  core::append_be(out, list.version);
  core::append_be(out, list.timestamp_ms);
  out.push_back(static_cast<std::uint8_t>(list.devices.size()));
  for (const auto& d : list.devices) {
    core::append_be(out, d.device);
    core::append_be(out, d.key_index);
    core::append(out, crypto::serialize_public_key(d.identity_key));
  }
  return out;
}

core::Result<DeviceList> decode_device_list(core::BytesView bytes) {
  core::BigEndianReader in(bytes);
  const auto prefix = in.bytes(2);
  if (!in.ok() || !std::equal(prefix.begin(), prefix.end(), kDeviceListPrefix.begin())) return bad("wrong prefix");
  DeviceList list;
  list.account = in.read<std::uint64_t>();
  list.version = in.read<std::uint64_t>();
  list.timestamp_ms = in.read<std::uint64_t>();
  const auto count = in.read<std::uint8_t>();
  if (!in.ok() || in.remaining() != count * kEntrySize) return bad("length does not match its device count");
  for (std::size_t i = 0; i < count; ++i) {
    DeviceListEntry e;
    e.device = in.read<std::uint32_t>();
    e.key_index = in.read<std::uint32_t>();
    PARLEY_TRY(e.identity_key, crypto::parse_public_key(in.bytes(33)));
    list.devices.push_back(e);
  }
  PARLEY_CHECK(check_rules(list));
  return list;
}

core::Result<DeviceList> decode_signed_device_list(core::BytesView signed_list) {
  if (signed_list.size() < kHeaderSize + crypto::kSignatureSize) return bad("too short to be signed");
  return decode_device_list(signed_list.first(signed_list.size() - crypto::kSignatureSize));
}

core::Result<core::Bytes> sign_device_list(const DeviceList& list, const crypto::X25519KeyPair& primary_identity,
                                           crypto::Entropy& entropy) {
  PARLEY_CHECK(check_rules(list));
  if (list.devices.front().identity_key != primary_identity.public_key)
    return core::make_error(Errc::untrusted_identity, "device list: the primary entry is not the signing key");
  auto out = encode_device_list(list);
  PARLEY_TRY(const auto signature, crypto::xeddsa_sign(primary_identity.private_key, out, entropy));
  core::append(out, signature);
  return out;
}

core::Result<DeviceList> verify_device_list(core::BytesView signed_list, const DeviceListCheck& check) {
  PARLEY_TRY(auto list, decode_signed_device_list(signed_list));
  const auto body = signed_list.first(signed_list.size() - crypto::kSignatureSize);
  const auto signature = signed_list.last(crypto::kSignatureSize);
  if (list.account != check.account) return bad("for another account");
  if (list.devices.front().identity_key != check.primary_identity)
    return core::make_error(Errc::untrusted_identity, "device list: signed for another primary identity key");
  if (!crypto::xeddsa_verify(check.primary_identity, body, signature).ok())
    return core::make_error(Errc::bad_signature, "device list: the primary's signature does not verify");
  if (check.known_version && list.version < *check.known_version)
    return core::make_error(Errc::conflict, "device list: version " + std::to_string(list.version) +
                                                " rolls back " + std::to_string(*check.known_version));
  const auto age = check.now_ms > list.timestamp_ms ? check.now_ms - list.timestamp_ms : list.timestamp_ms - check.now_ms;
  if (age > kDeviceListMaxAgeMs) return core::make_error(Errc::expired, "device list: older than 35 days (or dated ahead)");
  return list;
}

}  // namespace parley::protocol::devices
