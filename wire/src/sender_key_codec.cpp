// spec §11.1, "Wire layout" and the first three steps of the receive order.
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

// The four fields both messages begin with; `extra` reads the others (returns false for a field
// it does not know, which is skipped).
struct CommonFields {
  std::optional<groups::DistributionId> distribution_id;
  std::optional<std::uint32_t> chain_id, iteration;
};

template <typename Extra>
core::Result<CommonFields> read_fields(core::BytesView body, Extra&& extra) {
  CommonFields out;
  protobuf::Reader reader(body);
  while (!reader.done()) {
    PARLEY_TRY(const auto f, reader.next());
    switch (f.number) {
      case 1: {
        PARLEY_TRY(out.distribution_id, as_distribution_id(f));
        break;
      }
      case 2: {
        PARLEY_TRY(out.chain_id, protobuf::uint32_of(f));
        break;
      }
      case 3: {
        PARLEY_TRY(out.iteration, protobuf::uint32_of(f));
        break;
      }
      default:
        PARLEY_CHECK(extra(f));
    }
  }
  if (!out.distribution_id) return missing("distribution id");
  if (!out.chain_id) return missing("chain id");
  if (!out.iteration) return missing("iteration");
  return out;
}

void write_common(core::Bytes& out, std::uint8_t version_byte, const groups::DistributionId& id,
                  std::uint32_t chain_id, std::uint32_t iteration) {
  out.push_back(version_byte);
  protobuf::write_bytes_field(out, 1, id);
  protobuf::write_uint_field(out, 2, chain_id);
  protobuf::write_uint_field(out, 3, iteration);
}

}  // namespace

core::Bytes LibsignalSenderKeyCodec::encode_message(const groups::SenderKeyMessage& m) const {
  core::Bytes out;
  out.reserve(1 + 18 + 12 + 3 + m.ciphertext.size() + crypto::kSignatureSize);
  write_common(out, m.version_byte, m.distribution_id, m.chain_id, m.iteration);
  protobuf::write_bytes_field(out, 4, m.ciphertext);
  return out;
}

core::Result<groups::ReceivedSenderKeyMessage> LibsignalSenderKeyCodec::decode_message(
    core::BytesView wire) const {
  PARLEY_CHECK(check_prefix(wire));
  const core::BytesView signed_bytes = wire.first(wire.size() - crypto::kSignatureSize);
  std::optional<core::BytesView> ciphertext;
  PARLEY_TRY(const auto common,
             read_fields(signed_bytes.subspan(1), [&](const protobuf::Field& f) -> core::Result<void> {
               if (f.number == 4) {
                 PARLEY_TRY(ciphertext, protobuf::bytes_of(f));
               }
               return {};
             }));
  if (!ciphertext) return missing("ciphertext");
  groups::ReceivedSenderKeyMessage out;
  out.fields = {wire[0], *common.distribution_id, *common.chain_id, *common.iteration,
                core::to_bytes(*ciphertext)};
  out.signed_bytes = core::to_bytes(signed_bytes);
  std::copy(wire.end() - crypto::kSignatureSize, wire.end(), out.signature.begin());
  return out;
}

core::Bytes LibsignalSenderKeyCodec::encode_distribution(
    const groups::SenderKeyDistributionMessage& m) const {
  core::Bytes out;
  out.reserve(1 + 18 + 12 + 34 + 35);
  write_common(out, m.version_byte, m.distribution_id, m.chain_id, m.iteration);
  protobuf::write_bytes_field(out, 4, m.chain_key.view());
  protobuf::write_bytes_field(out, 5, crypto::serialize_public_key(m.signing_key));
  return out;
}

core::Result<groups::SenderKeyDistributionMessage> LibsignalSenderKeyCodec::decode_distribution(
    core::BytesView wire) const {
  PARLEY_CHECK(check_prefix(wire));
  std::optional<core::BytesView> chain_key, signing_key;
  PARLEY_TRY(const auto common,
             read_fields(wire.subspan(1), [&](const protobuf::Field& f) -> core::Result<void> {
               if (f.number == 4) {
                 PARLEY_TRY(chain_key, protobuf::bytes_of(f));
               }
               if (f.number == 5) {
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

}  // namespace parley::wire
