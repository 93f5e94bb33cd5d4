// spec §11.1, "Stored record": libsignal's SenderKeyRecordStructure (proto3).
#include "parley/wire/sender_key_record_codec.h"

#include "parley/protocol/limits.h"
#include "parley/wire/protobuf.h"

namespace parley::wire {

using core::Errc;
namespace groups = protocol::groups;

namespace {

// proto3 leaves zero values out.
void write_nonzero(core::Bytes& out, std::uint32_t field, std::uint32_t value) {
  if (value != 0) protobuf::write_uint_field(out, field, value);
}

// SenderChainKey and SenderMessageKey share this shape: {1: iteration, 2: seed}.
core::Bytes iteration_and_key(std::uint32_t iteration, const core::Key32& key) {
  core::Bytes out;
  write_nonzero(out, 1, iteration);
  protobuf::write_bytes_field(out, 2, key.view());
  return out;
}

core::Bytes encode_state(const groups::SenderKeyState& s) {
  core::Bytes out;
  write_nonzero(out, 1, s.chain_id);
  protobuf::write_bytes_field(out, 2, iteration_and_key(s.iteration, s.chain_key));
  core::Bytes signing;
  protobuf::write_bytes_field(signing, 1, crypto::serialize_public_key(s.signing_public));
  if (s.signing_private) protobuf::write_bytes_field(signing, 2, s.signing_private->view());
  protobuf::write_bytes_field(out, 3, signing);
  for (const auto& k : s.message_keys)
    protobuf::write_bytes_field(out, 4, iteration_and_key(k.iteration, k.seed));
  write_nonzero(out, 5, s.message_version);
  return out;
}

core::Result<core::Key32> as_key32(core::BytesView bytes) {
  if (bytes.size() != core::Key32::size())
    return core::make_error(Errc::malformed, "a stored key is 32 bytes");
  return core::Key32(bytes);
}

struct IterationAndKey {
  std::uint32_t iteration = 0;
  core::Key32 key;
};

core::Result<IterationAndKey> decode_iteration_and_key(core::BytesView bytes) {
  IterationAndKey out;
  bool have_key = false;
  protobuf::Reader reader(bytes);
  while (!reader.done()) {
    PARLEY_TRY(const auto f, reader.next());
    if (f.number == 1) {
      PARLEY_TRY(out.iteration, protobuf::uint32_of(f));
    } else if (f.number == 2) {
      PARLEY_TRY(const auto key, protobuf::bytes_of(f));
      PARLEY_TRY(out.key, as_key32(key));
      have_key = true;
    }
  }
  if (!have_key) return core::make_error(Errc::malformed, "a stored chain or message key without its key");
  return out;
}

core::Result<void> decode_signing_key(core::BytesView bytes, groups::SenderKeyState& s) {
  bool have_public = false;
  protobuf::Reader reader(bytes);
  while (!reader.done()) {
    PARLEY_TRY(const auto f, reader.next());
    PARLEY_TRY(const auto value, protobuf::bytes_of(f));
    if (f.number == 1) {
      auto key = crypto::parse_public_key(value);
      if (!key) return core::make_error(Errc::malformed, "stored signing key: " + key.error().detail);
      s.signing_public = *key;
      have_public = true;
    } else if (f.number == 2) {
      if (value.size() != crypto::kX25519KeySize)
        return core::make_error(Errc::malformed, "a private key is 32 bytes");
      s.signing_private = core::SecretBytes(value);
    }
  }
  if (!have_public) return core::make_error(Errc::malformed, "a stored state without its signing key");
  return {};
}

core::Result<groups::SenderKeyState> decode_state(core::BytesView bytes) {
  groups::SenderKeyState s;
  s.message_version = 0;  // proto3: absent is zero
  bool have_chain = false, have_signing = false;
  protobuf::Reader reader(bytes);
  while (!reader.done()) {
    PARLEY_TRY(const auto f, reader.next());
    switch (f.number) {
      case 1: {
        PARLEY_TRY(s.chain_id, protobuf::uint32_of(f));
        break;
      }
      case 2: {
        PARLEY_TRY(const auto body, protobuf::bytes_of(f));
        PARLEY_TRY(auto chain, decode_iteration_and_key(body));
        s.iteration = chain.iteration;
        s.chain_key = chain.key;
        have_chain = true;
        break;
      }
      case 3: {
        PARLEY_TRY(const auto body, protobuf::bytes_of(f));
        PARLEY_CHECK(decode_signing_key(body, s));
        have_signing = true;
        break;
      }
      case 4: {
        if (s.message_keys.size() == protocol::kMaxSenderMessageKeys)
          return core::make_error(Errc::malformed, "more stored message keys than kMaxSenderMessageKeys");
        PARLEY_TRY(const auto body, protobuf::bytes_of(f));
        PARLEY_TRY(auto key, decode_iteration_and_key(body));
        s.message_keys.push_back({key.iteration, key.key});
        break;
      }
      case 5: {
        PARLEY_TRY(s.message_version, protobuf::uint32_of(f));
        break;
      }
      default:
        break;
    }
  }
  if (!have_chain) return core::make_error(Errc::malformed, "a stored state without its chain key");
  if (!have_signing) return core::make_error(Errc::malformed, "a stored state without its signing key");
  return s;
}

}  // namespace

core::Bytes encode_sender_key_record(const groups::SenderKeyRecord& record) {
  core::Bytes out;
  for (const auto& s : record.states) protobuf::write_bytes_field(out, 1, encode_state(s));
  return out;
}

core::Result<groups::SenderKeyRecord> decode_sender_key_record(core::BytesView bytes) {
  groups::SenderKeyRecord out;
  protobuf::Reader reader(bytes);
  while (!reader.done()) {
    PARLEY_TRY(const auto f, reader.next());
    if (f.number != 1) continue;
    if (out.states.size() == protocol::kMaxSenderKeyStates)
      return core::make_error(Errc::malformed, "more stored states than kMaxSenderKeyStates");
    PARLEY_TRY(const auto body, protobuf::bytes_of(f));
    PARLEY_TRY(auto state, decode_state(body));
    out.states.push_back(std::move(state));
  }
  return out;
}

}  // namespace parley::wire
