// The device's prekeys (spec §4.2, §4.3, §7.2): the private halves it answers prekey messages with,
// and the stock of one-time prekeys it keeps on the server, topped up at login and when the server
// warns that it runs low.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "context.h"
#include "parley/protocol/memory_prekey_store.h"

namespace parley::client::engine {

class PreKeyStock {
 public:
  explicit PreKeyStock(EngineContext& ctx) : ctx_(ctx) {}

  core::Result<void> load();
  // What a receive reads its prekeys from.
  const protocol::PreKeyStore& keys() const { return keys_; }

  // Logged in: a signed prekey, and at least half a batch of one-time prekeys, on the server.
  Output top_up();
  // The server warned that the stock runs low (prekeysLow): a batch more.
  Output refill() { return upload(kPrekeyBatch); }
  // The first message that used it authenticated (spec §5.5): gone for good.
  core::Result<void> consume(protocol::PreKeyId id);
  // A bundle of this device with one fresh one-time prekey (for a retry request, spec §8.5);
  // nullopt before the device has a signed prekey.
  core::Result<std::optional<protocol::PreKeyBundle>> fresh_bundle();

 private:
  Output upload(std::uint32_t count);
  // New one-time prekeys, saved and held for receiving.
  core::Result<std::vector<protocol::OneTimePreKey>> generate(std::uint32_t count);

  EngineContext& ctx_;
  protocol::MemoryPreKeyStore keys_;
};

}  // namespace parley::client::engine
