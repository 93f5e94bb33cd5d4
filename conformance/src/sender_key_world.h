// The parties of a signal-sender-key case (spec/test-vectors.md §3.21): each sender's own record
// per distribution id and each receiver's record per (sender address, distribution id), all empty
// at the start, as libsignal's stores are. The verifier drives it from a file's steps and the
// generator drives it to write them, so both run the same group cipher the same way.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>

#include "parley/crypto/entropy.h"
#include "parley/protocol/groups/group_cipher.h"
#include "parley/wire/sender_key_codec.h"

namespace parley::conformance {

namespace groups = protocol::groups;

// The randomness create_distribution draws (group_cipher.h), rebuilt from the state it made: a
// chain id c came from the 4 bytes of c << 1.
core::Bytes sender_key_creation_entropy(std::uint32_t chain_id, core::BytesView chain_key,
                                        core::BytesView signing_private);

class SenderKeyWorld {
 public:
  core::Result<groups::Distribution> create_distribution(const std::string& sender,
                                                         const groups::DistributionId& id,
                                                         crypto::Entropy& entropy);
  // The whole message; its signature drawn from `entropy`.
  core::Result<core::Bytes> encrypt(const std::string& sender, const groups::DistributionId& id,
                                    core::BytesView plaintext, crypto::Entropy& entropy);
  core::Result<void> skip(const std::string& sender, const groups::DistributionId& id, std::uint32_t count);
  void reset_sender(const std::string& sender, const groups::DistributionId& id);
  // Decodes and processes a distribution message into the receiver's record for (sender, its id).
  core::Result<void> process_distribution(const std::string& receiver, const std::string& sender,
                                          core::BytesView message);
  // The whole receive order; the record changes only on success.
  core::Result<core::Bytes> decrypt(const std::string& receiver, const std::string& sender,
                                    core::BytesView message);

  const groups::SenderKeyRecord* sender_record(const std::string& sender,
                                               const groups::DistributionId& id) const;
  const groups::SenderKeyRecord* receiver_record(const std::string& receiver, const std::string& sender,
                                                 const groups::DistributionId& id) const;
  const wire::LibsignalSenderKeyCodec& codec() const { return codec_; }

 private:
  using SenderKey = std::tuple<std::string, groups::DistributionId>;
  using ReceiverKey = std::tuple<std::string, std::string, groups::DistributionId>;
  wire::LibsignalSenderKeyCodec codec_;
  std::map<SenderKey, groups::SenderKeyRecord> senders_;
  std::map<ReceiverKey, groups::SenderKeyRecord> receivers_;
};

// The summary check_receiver_record compares: per state, newest first, its chain id, chain
// iteration and stored message keys' iterations (oldest first) and count.
nlohmann::ordered_json sender_key_record_summary(const groups::SenderKeyRecord& record);

// The libsignal error kind of a Parley error ("internal:<code>" for a code no kind maps to, so
// that it never equals an expected kind).
std::string sender_key_error_kind_of(const core::Error& error);

}  // namespace parley::conformance
