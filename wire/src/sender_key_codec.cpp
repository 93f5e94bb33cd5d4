// spec §11.1, "Wire layout" (both layouts) and the first three steps of the receive order.
#include "parley/wire/sender_key_codec.h"

#include <algorithm>

#include "parley/wire/protobuf.h"

namespace parley::wire {

using core::Errc;
namespace groups = protocol::groups;

namespace {

// Steps 1 and 2: the length, then only the high nibble of the version byte.
core::Result<void> check_prefix(core::BytesView wire) {
  if (wire.size() < kMinSenderKeyMessageSize)
    return core::make_error(Errc::too_short, std::to_string(wire.size()) + " bytes");
  const std::uint8_t version = wire[0] >> 4;
  if (version < groups::kSenderKeyVersion)
    return core::make_error(Errc::legacy_version, "version " + std::to_string(version));
  if (version > groups::kSenderKeyVersion)
    return core::make_error(Errc::unsupported_version, "version " + std::to_string(version));
  return {};
}

core::Error missing(const char* what) {
  return core::make_error(Errc::malformed, std::string("missing ") + what);
}

core::Result<groups::DistributionId> as_distribution_id(const protobuf::Field& f) {
  PARLEY_TRY(const auto bytes, protobuf::bytes_of(f));
  groups::DistributionId id{};
  if (bytes.size() != id.size()) return core::make_error(Errc::malformed, "a distribution id is 16 bytes");
  std::copy(bytes.begin(), bytes.end(), id.begin());
  return id;
}

// The protobuf field numbers of a layout. libsignal's current one leads with the distribution id;
// libsignal-protocol-c's older one has none (its "id" is the chain id) and numbers the rest from 1.
struct Layout {
  std::uint32_t distribution_id;  // 0: not in this layout
  std::uint32_t chain_id, iteration;
  std::uint32_t ciphertext;              // a sender-key message's
  std::uint32_t chain_key, signing_key;  // a distribution message's
};
constexpr Layout kCurrentLayout{1, 2, 3, 4, 4, 5};
constexpr Layout kOlderLayout{0, 1, 2, 3, 3, 4};

// The fields both messages begin with; `extra` reads the others (ignoring a field it does not
// know, which is skipped). Without a distribution id in the layout, `given` stands for it.
struct CommonFields {
  std::optional<groups::DistributionId> distribution_id;
  std::optional<std::uint32_t> chain_id, iteration;
};

template <typename Extra>
core::Result<CommonFields> read_fields(core::BytesView body, const Layout& layout,
                                       const std::optional<groups::DistributionId>& given, Extra&& extra) {
  CommonFields out;
  out.distribution_id = given;
  protobuf::Reader reader(body);
  while (!reader.done()) {
    PARLEY_TRY(const auto f, reader.next());
    if (layout.distribution_id != 0 && f.number == layout.distribution_id) {
      PARLEY_TRY(out.distribution_id, as_distribution_id(f));
    } else if (f.number == layout.chain_id) {
      PARLEY_TRY(out.chain_id, protobuf::uint32_of(f));
    } else if (f.number == layout.iteration) {
      PARLEY_TRY(out.iteration, protobuf::uint32_of(f));
    } else {
      PARLEY_CHECK(extra(f));
    }
  }
  if (!out.distribution_id) return missing("distribution id");
  if (!out.chain_id) return missing("chain id");
  if (!out.iteration) return missing("iteration");
  return out;
}

void write_common(core::Bytes& out, const Layout& layout, std::uint8_t version_byte, const groups::DistributionId& id,
                  std::uint32_t chain_id, std::uint32_t iteration) {
  out.push_back(version_byte);
  if (layout.distribution_id != 0) protobuf::write_bytes_field(out, layout.distribution_id, id);
  protobuf::write_uint_field(out, layout.chain_id, chain_id);
  protobuf::write_uint_field(out, layout.iteration, iteration);
}

core::Bytes encode_message(const Layout& layout, const groups::SenderKeyMessage& m) {
  core::Bytes out;
  out.reserve(1 + 18 + 12 + 3 + m.ciphertext.size() + crypto::kSignatureSize);
  write_common(out, layout, m.version_byte, m.distribution_id, m.chain_id, m.iteration);
  protobuf::write_bytes_field(out, layout.ciphertext, m.ciphertext);
  return out;
}

core::Result<groups::ReceivedSenderKeyMessage> decode_message(const Layout& layout, core::BytesView wire,
                                                              const std::optional<groups::DistributionId>& given) {
  PARLEY_CHECK(check_prefix(wire));
  const core::BytesView signed_bytes = wire.first(wire.size() - crypto::kSignatureSize);
  std::optional<core::BytesView> ciphertext;
  PARLEY_TRY(const auto common,
             read_fields(signed_bytes.subspan(1), layout, given, [&](const protobuf::Field& f) -> core::Result<void> {
               if (f.number == layout.ciphertext) {
                 PARLEY_TRY(ciphertext, protobuf::bytes_of(f));
               }
               return {};
             }));
  if (!ciphertext) return missing("ciphertext");
  groups::ReceivedSenderKeyMessage out;
  out.fields = {wire[0], *common.distribution_id, *common.chain_id, *common.iteration, core::to_bytes(*ciphertext)};
  out.signed_bytes = core::to_bytes(signed_bytes);
  std::copy(wire.end() - crypto::kSignatureSize, wire.end(), out.signature.begin());
  return out;
}

core::Bytes encode_distribution(const Layout& layout, const groups::SenderKeyDistributionMessage& m) {
  core::Bytes out;
  out.reserve(1 + 18 + 12 + 34 + 35);
  write_common(out, layout, m.version_byte, m.distribution_id, m.chain_id, m.iteration);
  protobuf::write_bytes_field(out, layout.chain_key, m.chain_key.view());
  protobuf::write_bytes_field(out, layout.signing_key, crypto::serialize_public_key(m.signing_key));
  return out;
}

core::Result<groups::SenderKeyDistributionMessage> decode_distribution(
    const Layout& layout, core::BytesView wire, const std::optional<groups::DistributionId>& given) {
  PARLEY_CHECK(check_prefix(wire));
  std::optional<core::BytesView> chain_key, signing_key;
  PARLEY_TRY(const auto common,
             read_fields(wire.subspan(1), layout, given, [&](const protobuf::Field& f) -> core::Result<void> {
               if (f.number == layout.chain_key) {
                 PARLEY_TRY(chain_key, protobuf::bytes_of(f));
               }
               if (f.number == layout.signing_key) {
                 PARLEY_TRY(signing_key, protobuf::bytes_of(f));
               }
               return {};
             }));
  if (!chain_key) return missing("chain key");
  if (!signing_key) return missing("signing key");
  // libsignal checks both lengths as protobuf errors, and only then the key's type byte.
  if (chain_key->size() != core::Key32::size() || signing_key->size() != crypto::kSerializedPublicKeySize)
    return core::make_error(Errc::malformed, "a chain key is 32 bytes and a signing key 33");
  groups::SenderKeyDistributionMessage out;
  PARLEY_TRY(out.signing_key, crypto::parse_public_key(*signing_key));
  out.version_byte = wire[0];
  out.distribution_id = *common.distribution_id;
  out.chain_id = *common.chain_id;
  out.iteration = *common.iteration;
  out.chain_key = core::Key32(*chain_key);
  return out;
}

}  // namespace

core::Bytes LibsignalSenderKeyCodec::encode_message(const groups::SenderKeyMessage& m) const {
  return wire::encode_message(kCurrentLayout, m);
}
core::Result<groups::ReceivedSenderKeyMessage> LibsignalSenderKeyCodec::decode_message(core::BytesView wire) const {
  return wire::decode_message(kCurrentLayout, wire, std::nullopt);
}
core::Bytes LibsignalSenderKeyCodec::encode_distribution(const groups::SenderKeyDistributionMessage& m) const {
  return wire::encode_distribution(kCurrentLayout, m);
}
core::Result<groups::SenderKeyDistributionMessage> LibsignalSenderKeyCodec::decode_distribution(
    core::BytesView wire) const {
  return wire::decode_distribution(kCurrentLayout, wire, std::nullopt);
}

core::Bytes LibsignalCSenderKeyCodec::encode_message(const groups::SenderKeyMessage& m) const {
  return wire::encode_message(kOlderLayout, m);
}
core::Result<groups::ReceivedSenderKeyMessage> LibsignalCSenderKeyCodec::decode_message(core::BytesView wire) const {
  return wire::decode_message(kOlderLayout, wire, distribution_id_);
}
core::Bytes LibsignalCSenderKeyCodec::encode_distribution(const groups::SenderKeyDistributionMessage& m) const {
  return wire::encode_distribution(kOlderLayout, m);
}
core::Result<groups::SenderKeyDistributionMessage> LibsignalCSenderKeyCodec::decode_distribution(
    core::BytesView wire) const {
  return wire::decode_distribution(kOlderLayout, wire, distribution_id_);
}

}  // namespace parley::wire
