// The server's router and frame handler (spec §7.2, §7.3) behind an authenticated connection,
// against the in-memory store: a logged-in device sends arbitrary frames. Layout: a sequence of
// [2-byte big-endian length][frame bytes]. Properties: never a crash; every frame out is one the
// codec decodes; the connection never changes identity (it is logged in as itself, or closed);
// delivery stays within its window; the store still answers afterwards.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "device_keys.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/server/router/router.h"
#include "parley/server/store/memory_backend.h"

namespace {

using namespace parley;
using namespace parley::server;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TimestampMs now = 1'700'000'000'000;
  Store store = make_memory_store(StoreSettings{}, [&now] { return now++; });
  const auto alice = store.create_account(fuzz::device_keys(1)).value();
  const auto bob = store.create_account(fuzz::device_keys(2)).value();
  (void)bob;

  Metrics metrics;
  std::chrono::steady_clock::time_point steady{};
  Router router(store, {}, metrics, [&steady] { return steady += std::chrono::milliseconds(1); });
  constexpr ConnectionId kAlice = 1;
  std::vector<ConnectionEvent> batch(1);
  batch[0] = {ConnectionEvent::Kind::opened, kAlice};
  batch[0].noise_static_key = alice.keys.noise_static_key;
  batch[0].claim = {alice.account.value, alice.device.value};
  auto check = [&](const std::vector<Outbound>& outputs) {
    for (const auto& out : outputs) {
      PARLEY_FUZZ_CHECK(out.connection == kAlice);  // nobody else is connected
      for (const auto& f : out.frames) PARLEY_FUZZ_CHECK(wire::decode_frame(f).ok());
    }
  };
  check(router.process(batch));
  PARLEY_FUZZ_CHECK(router.connections() == 1);

  std::size_t at = 0;
  while (at + 2 <= size && router.connections() == 1) {
    const std::size_t length = (std::size_t{data[at]} << 8) | data[at + 1];
    at += 2;
    if (at + length > size) break;
    auto frame = wire::decode_frame(core::BytesView(data + at, length));
    at += length;
    if (!frame.ok()) continue;  // the network side answers these; the router never sees them
    batch.assign(1, ConnectionEvent{ConnectionEvent::Kind::frame, kAlice});
    batch[0].frame.emplace(std::move(*frame));
    const auto outputs = router.process(batch);
    check(outputs);
    std::size_t delivered = 0;
    for (const auto& out : outputs)
      for (const auto& f : out.frames)
        if (wire::decode_frame(f).value().is<wire::Deliver>()) ++delivered;
    PARLEY_FUZZ_CHECK(delivered <= kMaxInFlight);
  }
  PARLEY_FUZZ_CHECK(store.device(alice.account, alice.device).ok());
  return 0;
}
