// The device's prekeys (spec §4.2, §4.3, §7.2): the private halves it answers prekey messages with;
// the signed prekey ring, rotated every kSignedPreKeyRotationIntervalMs by the engine's clock with
// every replaced key kept for its grace period; and the stock of one-time prekeys it keeps on the server,
// topped up at login and when the server warns that it runs low, one upload at a time, never past
// what the server holds (kMaxOneTimePreKeys), and without the keys the server refused.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "context.h"
#include "parley/protocol/memory_prekey_store.h"
#include "parley/protocol/signed_prekey_ring.h"

namespace parley::client::engine {

class PreKeyStock {
 public:
  explicit PreKeyStock(EngineContext& ctx) : ctx_(ctx) {}

  core::Result<void> load();
  // What a receive reads its prekeys from.
  const protocol::PreKeyStore& keys() const { return keys_; }

  // Logged in: a signed prekey, and at least half a batch of one-time prekeys, on the server.
  Output top_up();
  // By the engine's clock: a new signed prekey when the current one is due, and each replaced one
  // gone once its grace period is over (spec §4.2).
  Output rotate_if_due();
  // The server warned that the stock runs low (prekeysLow): a batch more, unless an upload is on
  // its way already or the stock is at the server's cap.
  Output refill();
  // The server's answer to our upload `request_id`: on a refusal the keys it did not take are
  // deleted here too (they would never be handed out).
  core::Result<void> on_upload_answered(std::uint32_t request_id, bool taken);
  // The first message that used it authenticated (spec §5.5): gone for good.
  core::Result<void> consume(protocol::PreKeyId id);
  // A bundle of this device with one fresh one-time prekey (for a retry request, spec §8.5);
  // nullopt before the device has a signed prekey.
  core::Result<std::optional<protocol::PreKeyBundle>> fresh_bundle();
  std::size_t one_time_stock() const { return keys_.one_time_prekeys.size(); }

 private:
  Output upload(std::uint32_t count, const protocol::SignedPreKey* signed_prekey);
  // New one-time prekeys, saved and held for receiving.
  core::Result<std::vector<protocol::OneTimePreKey>> generate(std::uint32_t count);
  // The signed prekeys this device answers with: the ring's.
  void hold_signed();

  EngineContext& ctx_;
  protocol::MemoryPreKeyStore keys_;
  std::optional<protocol::SignedPreKeyRing> ring_;  // none before the first login
  struct Upload {
    std::uint32_t request_id = 0;
    std::vector<protocol::PreKeyId> one_time;
  };
  std::optional<Upload> in_flight_;
};

}  // namespace parley::client::engine
