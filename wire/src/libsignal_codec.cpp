#include "parley/wire/libsignal_codec.h"

#include <algorithm>

#include "parley/crypto/x25519.h"
#include "parley/protocol/limits.h"
#include "parley/wire/protobuf.h"

namespace parley::wire {

using core::Errc;
using protocol::kMacSize;

namespace {

core::Result<std::uint8_t> check_version(core::BytesView wire, std::size_t min_size) {
  if (wire.size() > kMaxLibsignalMessageSize) return core::make_error(Errc::malformed, "message too large");
  if (wire.size() < min_size) return core::make_error(Errc::malformed, "message too short");
  if ((wire[0] >> 4) != protocol::kSessionVersion)
    return core::make_error(Errc::unsupported_version, "version byte " + std::to_string(wire[0]));
  return wire[0];
}

core::Result<std::uint32_t> as_u32(const protobuf::Field& f) {
  if (f.type != protobuf::WireType::varint || f.varint > 0xffffffffu)
    return core::make_error(Errc::malformed, "field " + std::to_string(f.number) + " is not a uint32");
  return static_cast<std::uint32_t>(f.varint);
}

core::Result<crypto::X25519PublicKey> as_key(const protobuf::Field& f) {
  if (f.type != protobuf::WireType::length_delimited)
    return core::make_error(Errc::malformed, "field " + std::to_string(f.number) + " is not bytes");
  return crypto::parse_public_key(f.bytes);
}

core::Result<core::Bytes> as_bytes(const protobuf::Field& f) {
  if (f.type != protobuf::WireType::length_delimited)
    return core::make_error(Errc::malformed, "field " + std::to_string(f.number) + " is not bytes");
  return core::to_bytes(f.bytes);
}

core::Error missing(const char* what) { return core::make_error(Errc::malformed, std::string("missing ") + what); }

}  // namespace

core::Bytes LibsignalCodec::encode_signal_message(const protocol::SignalMessage& m) const {
  core::Bytes out;
  out.reserve(1 + 2 + 33 + 12 + 3 + m.ciphertext.size() + kMacSize);
  out.push_back(m.version_byte);
  protobuf::write_bytes_field(out, 1, crypto::serialize_public_key(m.ratchet_key));
  protobuf::write_uint_field(out, 2, m.counter);
  protobuf::write_uint_field(out, 3, m.previous_counter);
  protobuf::write_bytes_field(out, 4, m.ciphertext);
  return out;
}

core::Result<protocol::ReceivedSignalMessage> LibsignalCodec::decode_signal_message(core::BytesView wire) const {
  PARLEY_TRY(const std::uint8_t version, check_version(wire, 1 + kMacSize));
  protocol::ReceivedSignalMessage out;
  out.fields.version_byte = version;
  const core::BytesView body = wire.subspan(0, wire.size() - kMacSize);
  std::copy(wire.end() - kMacSize, wire.end(), out.mac.begin());
  bool have_key = false, have_counter = false, have_previous = false, have_ciphertext = false;
  protobuf::Reader reader(body.subspan(1));
  while (!reader.done()) {
    PARLEY_TRY(auto f, reader.next());
    switch (f.number) {
      case 1: { PARLEY_TRY(out.fields.ratchet_key, as_key(f)); have_key = true; break; }
      case 2: { PARLEY_TRY(out.fields.counter, as_u32(f)); have_counter = true; break; }
      case 3: { PARLEY_TRY(out.fields.previous_counter, as_u32(f)); have_previous = true; break; }
      case 4: { PARLEY_TRY(out.fields.ciphertext, as_bytes(f)); have_ciphertext = true; break; }
      default: break;  // unknown fields are skipped, as protobuf readers do; the MAC still covers them
    }
  }
  if (!have_key) return missing("ratchet key");
  if (!have_counter) return missing("counter");
  if (!have_previous) return missing("previous counter");
  if (!have_ciphertext) return missing("ciphertext");
  out.mac_input = core::to_bytes(body);
  return out;
}

core::Bytes LibsignalCodec::encode_prekey_message(const protocol::PreKeySignalMessage& m) const {
  core::Bytes out;
  out.reserve(1 + 6 + 2 * 35 + 3 + m.message.size() + 12);
  out.push_back(m.version_byte);
  if (m.prekey_id) protobuf::write_uint_field(out, 1, m.prekey_id->value);
  protobuf::write_bytes_field(out, 2, crypto::serialize_public_key(m.base_key));
  protobuf::write_bytes_field(out, 3, crypto::serialize_public_key(m.identity_key));
  protobuf::write_bytes_field(out, 4, m.message);
  protobuf::write_uint_field(out, 5, m.registration_id.value);
  protobuf::write_uint_field(out, 6, m.signed_prekey_id.value);
  return out;
}

core::Result<protocol::PreKeySignalMessage> LibsignalCodec::decode_prekey_message(core::BytesView wire) const {
  PARLEY_TRY(const std::uint8_t version, check_version(wire, 1));
  protocol::PreKeySignalMessage out;
  out.version_byte = version;
  bool have_base = false, have_identity = false, have_message = false, have_signed = false;
  protobuf::Reader reader(wire.subspan(1));
  while (!reader.done()) {
    PARLEY_TRY(auto f, reader.next());
    switch (f.number) {
      case 1: { PARLEY_TRY(auto id, as_u32(f)); out.prekey_id = protocol::PreKeyId{id}; break; }
      case 2: { PARLEY_TRY(out.base_key, as_key(f)); have_base = true; break; }
      case 3: { PARLEY_TRY(out.identity_key, as_key(f)); have_identity = true; break; }
      case 4: { PARLEY_TRY(out.message, as_bytes(f)); have_message = true; break; }
      case 5: { PARLEY_TRY(auto id, as_u32(f)); out.registration_id = protocol::RegistrationId{id}; break; }
      case 6: { PARLEY_TRY(auto id, as_u32(f)); out.signed_prekey_id = protocol::SignedPreKeyId{id}; have_signed = true; break; }
      default: break;
    }
  }
  if (!have_base) return missing("base key");
  if (!have_identity) return missing("identity key");
  if (!have_message) return missing("message");
  if (!have_signed) return missing("signed prekey id");
  return out;
}

}  // namespace parley::wire
