// The server's frame handler (spec §7.2, §7.3) behind an authenticated session, against the
// in-memory store: a logged-in device sends arbitrary frames. Layout: a sequence of
// [2-byte big-endian length][frame bytes]. Properties: never a crash; every reply is a frame the
// server's own decoder accepts; the session never changes identity; delivery stays within its
// window; the store still answers afterwards.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/server/handler/frame_handler.h"
#include "parley/server/store/memory_backend.h"

namespace {

using namespace parley;
using namespace parley::server;

DeviceKeys keys(std::uint64_t seed) {
  crypto::StreamEntropy entropy(seed);
  auto identity = crypto::generate_x25519_key_pair(entropy).value();
  auto noise = crypto::generate_x25519_key_pair(entropy).value();
  return DeviceKeys{crypto::serialize_public_key(identity.public_key),
                    core::Bytes(noise.public_key.begin(), noise.public_key.end()), 7};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TimestampMs now = 1'700'000'000'000;
  Store store = make_memory_store(StoreSettings{}, [&now] { return now++; });
  const auto alice = store.create_account(keys(1)).value();
  const auto bob = store.create_account(keys(2)).value();
  (void)bob;

  FrameHandler handler(store);
  SessionState session;
  session.noise_static_key = alice.keys.noise_static_key;
  session.claim = {alice.account.value, alice.device.value};
  auto opened = handler.on_established(session);
  PARLEY_FUZZ_CHECK(opened.logged_in && session.device.has_value());
  const MailboxAddress me = *session.device;

  std::size_t at = 0;
  while (at + 2 <= size) {
    const std::size_t length = (std::size_t{data[at]} << 8) | data[at + 1];
    at += 2;
    if (at + length > size) break;
    auto frame = transport::DecodedFrame::decode(core::BytesView(data + at, length));
    at += length;
    if (!frame.ok()) continue;  // the network side answers these; the handler never sees them
    auto out = handler.handle(session, *frame);
    auto pumped = handler.pump(session);
    out.append(std::move(pumped));
    for (const auto& reply : out.replies) PARLEY_FUZZ_CHECK(transport::DecodedFrame::decode(reply).ok());
    for (const auto& push : out.pushes) PARLEY_FUZZ_CHECK(transport::DecodedFrame::decode(push.second).ok());
    PARLEY_FUZZ_CHECK(session.device.has_value() && *session.device == me);
    PARLEY_FUZZ_CHECK(session.in_flight.size() <= kMaxInFlight);
  }
  PARLEY_FUZZ_CHECK(store.device(me.account, me.device).ok());
  return 0;
}
