// One sender and its receivers over libsignal's sender-key codec, for the group tests: the sender
// creates its key from a deterministic stream, each receiver keeps its own record, and receiving
// commits the record only when group_decrypt succeeds, as a driver must.
#pragma once

#include <optional>

#include "parley/crypto/entropy.h"
#include "parley/protocol/groups/group_cipher.h"
#include "parley/wire/sender_key_codec.h"

namespace parley::protocol::groups::testing {

inline const DistributionId kDistribution{0x10, 0xf3, 0x4b, 0x3d, 0x28, 0x03, 0x44, 0x53,
                                          0x9d, 0x28, 0xf3, 0x4e, 0x04, 0x78, 0x8f, 0x73};

struct Sender {
  explicit Sender(std::uint64_t seed, DistributionId id = kDistribution)
      : entropy(seed), distribution_id(id) {
    auto d = create_distribution(std::nullopt, id, entropy);
    record = d->record;
    distribution = codec.encode_distribution(d->message);
  }
  core::Bytes send(core::BytesView plaintext) {
    auto e = group_encrypt(record, distribution_id, plaintext, codec, entropy);
    apply(record, e->update);
    return e->message;
  }
  void skip(std::uint32_t count) { apply(record, *skip_sender_iterations(record, count)); }
  // The distribution message at the sender's current iteration.
  core::Bytes current_distribution() {
    auto d = create_distribution(record, distribution_id, entropy);
    return codec.encode_distribution(d->message);
  }

  wire::LibsignalSenderKeyCodec codec;
  crypto::StreamEntropy entropy;
  DistributionId distribution_id;
  SenderKeyRecord record;
  core::Bytes distribution;
};

struct Receiver {
  void process(core::BytesView distribution) {
    auto m = codec.decode_distribution(distribution);
    if (!record) record.emplace();
    distribution_id = m->distribution_id;
    process_distribution(*record, *m);
  }
  core::Result<core::Bytes> receive(core::BytesView wire) {
    PARLEY_TRY(const auto message, codec.decode_message(wire));
    // One record, for one (sender, distribution id): another id finds none.
    const bool known = record && message.fields.distribution_id == distribution_id;
    PARLEY_TRY(auto decrypted, group_decrypt(known ? &*record : nullptr, message));
    apply(*record, decrypted.update);
    return std::move(decrypted.plaintext);
  }
  wire::LibsignalSenderKeyCodec codec;
  std::optional<SenderKeyRecord> record;
  DistributionId distribution_id{};
};

inline core::Bytes text(std::string_view s) { return core::to_bytes(core::as_bytes(s)); }

}  // namespace parley::protocol::groups::testing
