// Sender keys (spec §11.1) on arbitrary bytes. The first byte picks what the rest is:
//   0: a SenderKeyDistributionMessage, decoded, re-encoded and processed into a record;
//   1: a SenderKeyMessage, decoded and re-encoded;
//   2: a SenderKeyMessage received by a member who processed libsignal's recorded distribution
//      message (tests/data/external/signal-sender-key.json), so seeds from that recording reach
//      the signature, the chain and AES;
//   3: a stored record in libsignal's layout, decoded and re-encoded;
//   4, 5: a distribution message (4) or sender-key message (5) in libsignal-protocol-c's older
//      layout, decoded and re-encoded.
// Properties: every failure is one of the error kinds of spec §11.1, a decoded value re-encodes to
// bytes that decode to the same value, and a message that decrypted is a duplicate once applied.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/core/hex.h"
#include "parley/protocol/groups/error_kinds.h"
#include "parley/protocol/groups/group_cipher.h"
#include "parley/wire/sender_key_codec.h"
#include "parley/wire/sender_key_record_codec.h"

namespace {

using namespace parley;
namespace groups = protocol::groups;

bool is_sender_key_kind(core::Errc code) { return groups::sender_key_error_kind(code).has_value(); }

const groups::SenderKeyRecord& recorded_member() {
  static const groups::SenderKeyRecord record = [] {
    const wire::LibsignalSenderKeyCodec codec;
    const auto skdm = codec.decode_distribution(*core::from_hex(
        "330a1010f34b3d280344539d28f34e04788f73109eb5d6ea0318002220927a44dc760208d322b021e8998f179f29aef090e4"
        "b5e285"
        "40dd89b39d946a402a2105b35478c41c5129d493f77b8af54b42f279040e510882d0990433f3958a743e67"));
    PARLEY_FUZZ_CHECK(skdm.ok());
    groups::SenderKeyRecord r;
    groups::process_distribution(r, *skdm);
    return r;
  }();
  return record;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const wire::LibsignalSenderKeyCodec codec;
  const core::BytesView input(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      auto m = codec.decode_distribution(input);
      if (!m) {
        PARLEY_FUZZ_CHECK(is_sender_key_kind(m.code()));
        break;
      }
      auto again = codec.decode_distribution(codec.encode_distribution(*m));
      PARLEY_FUZZ_CHECK(again.ok() && *again == *m);
      groups::SenderKeyRecord record = recorded_member();
      groups::process_distribution(record, *m);
      PARLEY_FUZZ_CHECK(!record.states.empty() && record.states.front().chain_id == m->chain_id);
      break;
    }
    case 1:
    case 2: {
      auto m = codec.decode_message(input);
      if (!m) {
        PARLEY_FUZZ_CHECK(is_sender_key_kind(m.code()));
        break;
      }
      if (data[0] % 6 == 1) {
        auto wire = codec.encode_message(m->fields);
        wire.insert(wire.end(), m->signature.begin(), m->signature.end());
        auto again = codec.decode_message(wire);
        PARLEY_FUZZ_CHECK(again.ok() && again->fields == m->fields && again->signature == m->signature);
        break;
      }
      const auto& record = recorded_member();
      auto decrypted = groups::group_decrypt(&record, *m);  // const: a failure has nothing to change
      if (!decrypted) {
        PARLEY_FUZZ_CHECK(is_sender_key_kind(decrypted.code()) ||
                          decrypted.code() == core::Errc::limit_exceeded);
        break;
      }
      groups::SenderKeyRecord after = record;
      groups::apply(after, decrypted->update);
      // The message's key is gone: the same message again is a duplicate.
      PARLEY_FUZZ_CHECK(groups::group_decrypt(&after, *m).code() == core::Errc::duplicate_message);
      break;
    }
    case 4: {
      const wire::LibsignalCSenderKeyCodec older(groups::DistributionId{});
      auto m = older.decode_distribution(input);
      if (!m) {
        PARLEY_FUZZ_CHECK(is_sender_key_kind(m.code()));
        break;
      }
      auto again = older.decode_distribution(older.encode_distribution(*m));
      PARLEY_FUZZ_CHECK(again.ok() && *again == *m);
      break;
    }
    case 5: {
      const wire::LibsignalCSenderKeyCodec older(groups::DistributionId{});
      auto m = older.decode_message(input);
      if (!m) {
        PARLEY_FUZZ_CHECK(is_sender_key_kind(m.code()));
        break;
      }
      auto wire = older.encode_message(m->fields);
      wire.insert(wire.end(), m->signature.begin(), m->signature.end());
      auto again = older.decode_message(wire);
      PARLEY_FUZZ_CHECK(again.ok() && again->fields == m->fields && again->signature == m->signature);
      break;
    }
    default: {
      auto record = wire::decode_sender_key_record(input);
      if (!record) {
        PARLEY_FUZZ_CHECK(record.code() == core::Errc::malformed);
        break;
      }
      auto again = wire::decode_sender_key_record(wire::encode_sender_key_record(*record));
      PARLEY_FUZZ_CHECK(again.ok() && *again == *record);
      break;
    }
  }
  return 0;
}
