#include "parley/wire/capnp_codec.h"

#include <algorithm>
#include <string>

#include "flat_message.h"
#include "parley/crypto/x25519.h"
#include "parley/protocol/limits.h"
#include "parley/wire/limits.h"
#include "parley/wire/schema/session.capnp.h"

namespace parley::wire {

using core::Errc;
using protocol::kMacSize;

static_assert(kWireLayoutVersion == schema::WIRE_LAYOUT_VERSION, "capnp_codec.h and session.capnp disagree");

namespace {

// Words of a message besides its variable-length payload: root pointer, root struct, two 33-byte
// keys and slack. Only a first-segment size: an underestimate costs a copy (flat_message.h).
constexpr std::size_t kFixedWords = 24;

std::size_t words_for(std::size_t bytes) { return (bytes + sizeof(capnp::word) - 1) / sizeof(capnp::word); }

// The frame byte, checked as in the libsignal layout (spec §5.6) before anything is parsed.
core::Result<std::uint8_t> check_frame(core::BytesView wire, std::size_t min_size) {
  if (wire.size() > kMaxCapnpMessageSize) return core::make_error(Errc::malformed, "message too large");
  if (wire.size() < min_size) return core::make_error(Errc::malformed, "message too short");
  if ((wire[0] >> 4) != protocol::kSessionVersion)
    return core::make_error(Errc::unsupported_version, "version byte " + std::to_string(wire[0]));
  return wire[0];
}

core::Result<void> check_layout(std::uint8_t layout) {
  if (layout != kWireLayoutVersion)
    return core::make_error(Errc::unsupported_version, "wire layout version " + std::to_string(layout));
  return {};
}

core::Result<crypto::X25519PublicKey> read_key(bool present, capnp::Data::Reader key, const char* what) {
  if (!present) return core::make_error(Errc::malformed, std::string("missing ") + what);
  return crypto::parse_public_key(flat_message::as_view(key));
}

core::Result<core::Bytes> read_bytes(bool present, capnp::Data::Reader bytes, const char* what) {
  if (!present) return core::make_error(Errc::malformed, std::string("missing ") + what);
  return core::to_bytes(flat_message::as_view(bytes));
}

}  // namespace

core::Bytes CapnpCodec::encode_signal_message(const protocol::SignalMessage& m) const {
  core::Bytes out{m.version_byte};
  const std::size_t estimate = kFixedWords + words_for(m.ciphertext.size());
  flat_message::write<schema::SignalMessage>(out, estimate, [&](schema::SignalMessage::Builder b) {
    b.setLayoutVersion(kWireLayoutVersion);
    b.setRatchetKey(flat_message::as_data(crypto::serialize_public_key(m.ratchet_key)));
    b.setCounter(m.counter);
    b.setPreviousCounter(m.previous_counter);
    b.setCiphertext(flat_message::as_data(m.ciphertext));
  });
  return out;
}

core::Result<protocol::ReceivedSignalMessage> CapnpCodec::decode_signal_message(core::BytesView wire) const {
  PARLEY_TRY(const std::uint8_t version, check_frame(wire, 1 + kMacSize));
  const core::BytesView authenticated = wire.first(wire.size() - kMacSize);
  PARLEY_TRY(auto fields,
             flat_message::read<schema::SignalMessage>(
                 authenticated.subspan(1),
                 [&](schema::SignalMessage::Reader r) -> core::Result<protocol::SignalMessage> {
                   PARLEY_CHECK(check_layout(r.getLayoutVersion()));
                   protocol::SignalMessage m;
                   m.version_byte = version;
                   PARLEY_TRY(m.ratchet_key, read_key(r.hasRatchetKey(), r.getRatchetKey(), "ratchet key"));
                   m.counter = r.getCounter();
                   m.previous_counter = r.getPreviousCounter();
                   PARLEY_TRY(m.ciphertext, read_bytes(r.hasCiphertext(), r.getCiphertext(), "ciphertext"));
                   return m;
                 }));
  protocol::ReceivedSignalMessage out;
  out.fields = std::move(fields);
  out.mac_input = core::to_bytes(authenticated);
  std::copy(wire.end() - kMacSize, wire.end(), out.mac.begin());
  return out;
}

core::Bytes CapnpCodec::encode_prekey_message(const protocol::PreKeySignalMessage& m) const {
  core::Bytes out{m.version_byte};
  const std::size_t estimate = kFixedWords + words_for(m.message.size());
  flat_message::write<schema::PreKeySignalMessage>(out, estimate, [&](schema::PreKeySignalMessage::Builder b) {
    b.setLayoutVersion(kWireLayoutVersion);
    b.setRegistrationId(m.registration_id.value);
    if (m.prekey_id) {
      b.getPreKey().setId(m.prekey_id->value);
    } else {
      b.getPreKey().setNone();
    }
    b.setSignedPreKeyId(m.signed_prekey_id.value);
    b.setBaseKey(flat_message::as_data(crypto::serialize_public_key(m.base_key)));
    b.setIdentityKey(flat_message::as_data(crypto::serialize_public_key(m.identity_key)));
    b.setMessage(flat_message::as_data(m.message));
  });
  return out;
}

core::Result<protocol::PreKeySignalMessage> CapnpCodec::decode_prekey_message(core::BytesView wire) const {
  PARLEY_TRY(const std::uint8_t version, check_frame(wire, 1));
  return flat_message::read<schema::PreKeySignalMessage>(
      wire.subspan(1),
      [&](schema::PreKeySignalMessage::Reader r) -> core::Result<protocol::PreKeySignalMessage> {
        PARLEY_CHECK(check_layout(r.getLayoutVersion()));
        protocol::PreKeySignalMessage m;
        m.version_byte = version;
        m.registration_id = protocol::RegistrationId{r.getRegistrationId()};
        switch (r.getPreKey().which()) {
          case schema::PreKeySignalMessage::PreKey::NONE:
            break;
          case schema::PreKeySignalMessage::PreKey::ID:
            m.prekey_id = protocol::PreKeyId{r.getPreKey().getId()};
            break;
          default:  // a union member added by a later layout: its meaning is unknown here
            return core::make_error(Errc::malformed, "unknown one-time prekey variant");
        }
        m.signed_prekey_id = protocol::SignedPreKeyId{r.getSignedPreKeyId()};
        PARLEY_TRY(m.base_key, read_key(r.hasBaseKey(), r.getBaseKey(), "base key"));
        PARLEY_TRY(m.identity_key, read_key(r.hasIdentityKey(), r.getIdentityKey(), "identity key"));
        PARLEY_TRY(m.message, read_bytes(r.hasMessage(), r.getMessage(), "message"));
        return m;
      });
}

}  // namespace parley::wire
