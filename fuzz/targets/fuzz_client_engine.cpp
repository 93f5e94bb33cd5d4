// The client engine's frame handling (spec §8.6) from a registered state with sessions: Alice and
// Bob registered through the real Router and wrote to each other (once, for all inputs); each input
// starts Bob's engine again from a snapshot of his store and feeds it frames the input builds, aware
// of their structure: real deliveries from Alice (bit-flipped, truncated, under another sender),
// the device lists and bundles Bob was served (altered), send acknowledgements, retry requests,
// errors and pushes, arbitrary frame bytes, and Bob's own actions in between; among the deliveries,
// Alice's sender key for a group of the three and her group messages.
//
// Layout: a sequence of operations, each a kind byte and the bytes it reads (a Reader that yields
// zeros once the input is spent). Properties: never a crash; every frame out decodes; a message is
// only ever shown as from Alice's phone and with a text she wrote; Bob can still write afterwards.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "check.h"
#include "parley/client/engine.h"
#include "parley/client/store/memory_device_store.h"
#include "parley/crypto/entropy.h"
#include "parley/server/router/router.h"
#include "parley/server/store/memory_backend.h"

namespace {

using namespace parley;

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return at_ >= size_; }
  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  std::uint32_t u32() { return std::uint32_t{byte()} | std::uint32_t{byte()} << 8 | std::uint32_t{byte()} << 16 | std::uint32_t{byte()} << 24; }
  std::uint64_t u64() { return std::uint64_t{u32()} | std::uint64_t{u32()} << 32; }
  core::Bytes bytes(std::size_t max) {
    const std::size_t n = std::min<std::size_t>({byte() | std::size_t{byte()} << 8, max, size_ - std::min(at_, size_)});
    core::Bytes out(data_ + at_, data_ + at_ + n);
    at_ += n;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// Two engines and the real Router over the in-memory server store, moved until quiet.
struct Setup {
  std::uint64_t clock = 1'900'000'000'000;
  crypto::StreamEntropy entropy{99};
  server::Metrics metrics;
  server::Store store = server::make_memory_store({}, [this] { return clock; });
  server::Router router{store, {}, metrics, [this] { return std::chrono::steady_clock::time_point(std::chrono::milliseconds(clock)); }};
  std::unique_ptr<client::DeviceStore> alice_store = client::make_memory_device_store(), bob_store = client::make_memory_device_store(),
                                       carol_store = client::make_memory_device_store();
  std::unique_ptr<client::Engine> alice, bob, carol;
  std::map<int, std::deque<core::Bytes>> to;
  // What Bob was served, to build inputs from.
  std::vector<wire::Deliver> deliveries;
  std::vector<wire::DeviceListReply> lists;
  std::vector<wire::PreKeyBundles> bundles;
  std::set<std::string> alice_wrote;

  Setup() {
    const crypto::X25519PublicKey server_key{};
    alice = client::Engine::create(*alice_store, server_key, entropy, [this] { return clock; }).value();
    bob = client::Engine::create(*bob_store, server_key, entropy, [this] { return clock; }).value();
    carol = client::Engine::create(*carol_store, server_key, entropy, [this] { return clock; }).value();
    open(1, *alice);
    open(2, *bob);
    open(3, *carol);
    write(1, alice->register_frame().value());
    write(2, bob->register_frame().value());
    write(3, carol->register_frame().value());
    pump();
    say(2, bob->send_text(carol->identity().account, "hi carol").value().second);  // Bob fetches her list and bundles
    const auto a = alice->identity().account;
    for (const char* text : {"hello bob", "are you there"}) alice_says(text);
    say(2, bob->send_text(a, "yes").value().second);  // Alice's session now sends whisper messages
    for (const char* text : {"good", "one more", "and another"}) alice_says(text);
    // A group of the three (spec §11.3): Bob is served Alice's sender key and her group messages
    // (type 4), which the inputs then alter, replay and misattribute like any delivery.
    auto created = alice->create_group("fuzz", {bob->identity().account, carol->identity().account}).value();
    say(1, created.second);
    for (const char* text : {"group hello", "group again", "group third"}) {
      say(1, alice->send_group(created.first, text).value().second);
      alice_wrote.insert(text);
    }
  }
  void alice_says(const std::string& text) {
    say(1, alice->send_text(bob->identity().account, text).value().second);
    alice_wrote.insert(text);
  }
  void open(int id, client::Engine& e) {
    server::ConnectionEvent opened{server::ConnectionEvent::Kind::opened, static_cast<server::ConnectionId>(id)};
    opened.noise_static_key.assign(e.identity().noise.public_key.begin(), e.identity().noise.public_key.end());
    process(std::move(opened));
  }
  void process(server::ConnectionEvent event) {
    std::vector<server::ConnectionEvent> batch;
    batch.push_back(std::move(event));
    for (auto& out : router.process(batch))
      for (auto& f : out.frames) to[static_cast<int>(out.connection)].push_back(std::move(f));
  }
  void write(int id, const core::Bytes& bytes) {
    server::ConnectionEvent event{server::ConnectionEvent::Kind::frame, static_cast<server::ConnectionId>(id)};
    event.frame.emplace(wire::decode_frame(bytes).value());
    process(std::move(event));
  }
  void say(int id, const client::EngineOutput& out) {
    for (const auto& f : out.frames) write(id, f);
    pump();
  }
  void pump() {
    for (bool moved = true; moved;) {
      moved = false;
      for (int id : {1, 2, 3}) {
        auto frames = std::exchange(to[id], {});
        for (const auto& bytes : frames) {
          moved = true;
          const auto frame = wire::decode_frame(bytes).value();
          if (id == 2) {
            if (const auto* d = frame.get<wire::Deliver>()) deliveries.push_back(*d);
            if (const auto* l = frame.get<wire::DeviceListReply>()) lists.push_back(*l);
            if (const auto* p = frame.get<wire::PreKeyBundles>()) bundles.push_back(*p);
          }
          auto& engine = id == 1 ? *alice : id == 2 ? *bob : *carol;
          for (const auto& f : engine.on_frame(frame).frames) write(id, f);
        }
      }
      ++clock;
    }
  }
};

const Setup& setup() {
  static const Setup s;
  return s;
}

void flip(core::Bytes& b, Reader& in) {
  if (b.empty()) return;
  const auto at = in.u32() % b.size();
  b[at] ^= static_cast<std::uint8_t>(1u << (in.byte() % 8));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& s = setup();
  const auto a = s.alice->identity().account, b = s.bob->identity().account;
  std::uint64_t clock = s.clock;
  crypto::StreamEntropy entropy(7);
  auto store = client::copy_memory_device_store(*s.bob_store);
  auto bob = client::Engine::load(*store, entropy, [&clock] { return clock; }).value();
  std::size_t shown_events = 0;
  auto check = [&](const client::EngineOutput& out) {
    for (const auto& f : out.frames) PARLEY_FUZZ_CHECK(wire::decode_frame(f).ok());
    for (const auto& e : out.events)
      if (const auto* m = std::get_if<client::MessageEvent>(&e)) {
        ++shown_events;
        PARLEY_FUZZ_CHECK(m->message.sender_account == a && m->message.sender_device == 1);
        PARLEY_FUZZ_CHECK(s.alice_wrote.contains(m->message.body));
      }
  };
  check(bob->on_frame(wire::Frame{0, wire::LoggedIn{b, 1, s.bob->identity().incarnation, {}}}));

  Reader in(data, size);
  for (int op = 0; op < 64 && !in.done(); ++op) {
    ++clock;
    const std::uint32_t request_id = in.byte() % 16u;  // the engine's pending requests have small ids
    wire::Frame frame{request_id, wire::QueueEmpty{}};
    switch (in.byte() % 12) {
      case 0: {  // one of Alice's real deliveries, perhaps altered, perhaps from someone else
        auto d = s.deliveries[in.byte() % s.deliveries.size()];
        const auto how = in.byte();
        if (how & 1) flip(d.ciphertext, in);
        if (how & 2) d.ciphertext.resize(in.u32() % (d.ciphertext.size() + 1));
        if (how & 4) d.sender_device = in.byte() % 6;
        if (how & 8) d.sender_account = (in.byte() & 1) ? b : in.u64();
        if (how & 16) d.server_id = in.u64();
        frame = {0, d};
        break;
      }
      case 1: frame = {0, wire::Deliver{in.u64(), clock, a, in.byte() % 3u, in.bytes(4096)}}; break;
      case 2: {  // a device list reply, altered
        if (s.lists.empty()) continue;
        auto l = s.lists[in.byte() % s.lists.size()];
        if (in.byte() & 1) flip(l.signed_list, in);
        if (in.byte() & 1) l.account = in.u64();
        if (in.byte() & 1) l.incarnations[in.byte() % 6] = in.u64();
        frame = {request_id, l};
        break;
      }
      case 3: {  // bundles, altered
        if (s.bundles.empty()) continue;
        auto p = s.bundles[in.byte() % s.bundles.size()];
        if (!p.bundles.empty()) {
          auto& one = p.bundles[in.byte() % p.bundles.size()];
          switch (in.byte() % 4) {
            case 0: flip(one.identity_key, in); break;
            case 1: if (one.signed_prekey) flip(one.signed_prekey->signature, in); break;
            case 2: one.device = in.byte() % 6; break;
            default: one.one_time_prekey.reset(); break;
          }
        }
        frame = {request_id, p};
        break;
      }
      case 4: frame = {request_id, wire::SendAck{in.u64(), in.u64() % 64, clock}}; break;
      case 5: {  // a retry request for one of Bob's sends, from someone
        wire::RetryRequest r{(in.byte() & 1) ? a : in.u64(), in.byte() % 4u, in.u64() % 64, in.byte() % 8u, std::nullopt};
        if ((in.byte() & 1) && !s.bundles.empty() && !s.bundles.front().bundles.empty()) r.bundle = s.bundles.front().bundles.front();
        frame = {0, r};
        break;
      }
      case 6: {
        wire::ErrorFrame e{static_cast<wire::ErrorCode>(in.byte() % 12), "fuzz", {}, {}, {}, in.u64() % 100000};
        for (int i = in.byte() % 4; i > 0; --i) e.missing_devices.push_back(in.byte() % 6);
        for (int i = in.byte() % 4; i > 0; --i) e.stale_devices.push_back(in.byte() % 6);
        frame = {request_id, e};
        break;
      }
      case 7: frame = {0, wire::LoggedIn{(in.byte() & 1) ? b : in.u64(), in.byte() % 3u, in.u64(), in.bytes(256)}}; break;
      case 8: frame = {0, wire::LinkConfirmation{in.byte() % 6u, in.bytes(512)}}; break;
      case 9: {  // arbitrary frame bytes
        auto decoded = wire::decode_frame(in.bytes(8192));
        if (!decoded.ok()) continue;
        frame = std::move(*decoded);
        break;
      }
      case 10: {  // Bob does something
        switch (in.byte() % 3) {
          case 0: {
            auto sent = bob->send_text(a, "from bob");
            if (sent.ok()) check(sent->second);
            break;
          }
          case 1: {
            auto read = bob->mark_read(a);
            if (read.ok()) check(*read);
            break;
          }
          default: {
            auto accepted = bob->accept_identity(a, in.byte() % 3);
            if (accepted.ok()) check(*accepted);
            break;
          }
        }
        continue;
      }
      default: clock += in.u64() % (40ull * 24 * 3600 * 1000); continue;  // time passes (rotations, expiry)
    }
    check(bob->on_frame(frame));
  }
  PARLEY_FUZZ_CHECK(shown_events <= 64 * 8);
  // Whatever came, Bob's store and engine still work.
  PARLEY_FUZZ_CHECK(bob->send_text(a, "still here").ok());
  return 0;
}
