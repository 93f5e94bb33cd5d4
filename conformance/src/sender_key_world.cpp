#include "sender_key_world.h"

#include "parley/protocol/groups/error_kinds.h"

namespace parley::conformance {

core::Bytes sender_key_creation_entropy(std::uint32_t chain_id, core::BytesView chain_key,
                                        core::BytesView signing_private) {
  const std::uint32_t drawn = chain_id << 1;
  core::Bytes out{static_cast<std::uint8_t>(drawn), static_cast<std::uint8_t>(drawn >> 8),
                  static_cast<std::uint8_t>(drawn >> 16), static_cast<std::uint8_t>(drawn >> 24)};
  core::append(out, chain_key);
  core::append(out, signing_private);
  return out;
}

core::Result<groups::Distribution> SenderKeyWorld::create_distribution(const std::string& sender,
                                                                       const groups::DistributionId& id,
                                                                       crypto::Entropy& entropy) {
  const auto it = senders_.find({sender, id});
  std::optional<groups::SenderKeyRecord> existing;
  if (it != senders_.end()) existing = it->second;
  PARLEY_TRY(auto made, groups::create_distribution(existing, id, entropy));
  senders_[{sender, id}] = made.record;
  return made;
}

core::Result<core::Bytes> SenderKeyWorld::encrypt(const std::string& sender, const groups::DistributionId& id,
                                                  core::BytesView plaintext, crypto::Entropy& entropy) {
  auto it = senders_.find({sender, id});
  if (it == senders_.end()) return core::make_error(core::Errc::no_session, sender + " has no sender key");
  PARLEY_TRY(auto sent, groups::group_encrypt(it->second, id, plaintext, codec_, entropy));
  groups::apply(it->second, sent.update);
  return std::move(sent.message);
}

core::Result<void> SenderKeyWorld::skip(const std::string& sender, const groups::DistributionId& id,
                                        std::uint32_t count) {
  auto it = senders_.find({sender, id});
  if (it == senders_.end()) return core::make_error(core::Errc::no_session, sender + " has no sender key");
  PARLEY_TRY(const auto update, groups::skip_sender_iterations(it->second, count));
  groups::apply(it->second, update);
  return {};
}

void SenderKeyWorld::reset_sender(const std::string& sender, const groups::DistributionId& id) {
  senders_.erase({sender, id});
}

core::Result<void> SenderKeyWorld::process_distribution(const std::string& receiver,
                                                        const std::string& sender, core::BytesView message) {
  PARLEY_TRY(const auto skdm, codec_.decode_distribution(message));
  groups::process_distribution(receivers_[{receiver, sender, skdm.distribution_id}], skdm);
  return {};
}

core::Result<core::Bytes> SenderKeyWorld::decrypt(const std::string& receiver, const std::string& sender,
                                                  core::BytesView message) {
  PARLEY_TRY(const auto skm, codec_.decode_message(message));
  const auto it = receivers_.find({receiver, sender, skm.fields.distribution_id});
  groups::SenderKeyRecord* record = it == receivers_.end() ? nullptr : &it->second;
  PARLEY_TRY(auto decrypted, groups::group_decrypt(record, skm));
  groups::apply(*record, decrypted.update);
  return std::move(decrypted.plaintext);
}

const groups::SenderKeyRecord* SenderKeyWorld::sender_record(const std::string& sender,
                                                             const groups::DistributionId& id) const {
  const auto it = senders_.find({sender, id});
  return it == senders_.end() ? nullptr : &it->second;
}

const groups::SenderKeyRecord* SenderKeyWorld::receiver_record(const std::string& receiver,
                                                               const std::string& sender,
                                                               const groups::DistributionId& id) const {
  const auto it = receivers_.find({receiver, sender, id});
  return it == receivers_.end() ? nullptr : &it->second;
}

nlohmann::ordered_json sender_key_record_summary(const groups::SenderKeyRecord& record) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& s : record.states) {
    auto iterations = nlohmann::ordered_json::array();
    for (const auto& k : s.message_keys) iterations.push_back(k.iteration);
    out.push_back({{"chain_id", s.chain_id},
                   {"chain_key_iteration", s.iteration},
                   {"message_key_count", s.message_keys.size()},
                   {"message_key_iterations", std::move(iterations)}});
  }
  return out;
}

std::string sender_key_error_kind_of(const core::Error& error) {
  const auto kind = groups::sender_key_error_kind(error.code);
  return kind ? std::string(*kind) : "internal:" + std::string(core::errc_name(error.code));
}

}  // namespace parley::conformance
