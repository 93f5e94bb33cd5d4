// An in-memory Parley network for deterministic client tests: the real server Router over the
// in-memory store with a virtual clock, and devices as Engines with their own DeviceStores. Frames
// move only when the test says, in a fixed order, so every run is the same run.
//
// Two seams for the adversary of spec §9: a Tap sits in the server's place and sees (and may drop,
// change, duplicate or add to) every frame between the server and a device; and every device's store
// is a FaultyDeviceStore, whose k-th write can be made to fail or to crash the device.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "parley/client/engine.h"
#include "parley/client/store/memory_device_store.h"
#include "parley/client/store/sqlite_device_store.h"
#include "parley/protocol/devices/device_list.h"
#include "parley/server/router/router.h"
#include "parley/server/store/memory_backend.h"
#include "faulty_device_store.h"

namespace parley::client::testing {

// The server as the simulation runs it: the real Router (every frame dispatched, batched and routed
// as the runtime's storage thread does) over the in-memory store, with the simulation's clock for
// its wall clock and its rate limits. Each frame from a device is one batch.
class SimServer {
 public:
  explicit SimServer(std::uint64_t& clock_ms, server::StoreSettings settings = {})
      : clock_ms_(clock_ms),
        store_(server::make_memory_store(settings, [&clock_ms] { return clock_ms; })),
        router_(store_, {}, metrics_, [this] { return std::chrono::steady_clock::time_point(std::chrono::milliseconds(clock_ms_)); }) {}
  server::Store& store() { return store_; }
  server::Metrics& metrics() { return metrics_; }

  // A connection whose handshake proved `noise_key` and carried `claim`; returns its id.
  int connect(const crypto::X25519PublicKey& noise_key, transport::channel::DeviceCredentials claim) {
    const int id = next_++;
    connections_[id];
    server::ConnectionEvent opened{server::ConnectionEvent::Kind::opened, static_cast<server::ConnectionId>(id)};
    opened.noise_static_key.assign(noise_key.begin(), noise_key.end());
    opened.claim = claim;
    process(std::move(opened));
    return id;
  }
  void disconnect(int id) {
    if (connections_.erase(id) == 0) return;
    process(server::ConnectionEvent{server::ConnectionEvent::Kind::closed, static_cast<server::ConnectionId>(id)});
  }
  void from_client(int id, const core::Bytes& bytes) {
    auto it = connections_.find(id);
    if (it == connections_.end() || !it->second.open) return;
    auto frame = wire::decode_frame(bytes);
    ASSERT_TRUE(frame.ok()) << core::to_string(frame.error());
    server::ConnectionEvent event{server::ConnectionEvent::Kind::frame, static_cast<server::ConnectionId>(id)};
    event.frame.emplace(std::move(*frame));
    process(std::move(event));
  }
  // Frames waiting for connection `id`, taken; a connection the server closed is gone after its
  // last frames are taken.
  std::deque<core::Bytes> take(int id) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return {};
    auto frames = std::exchange(it->second.to_client, {});
    if (!it->second.open) connections_.erase(it);
    return frames;
  }
  bool is_open(int id) const {
    const auto it = connections_.find(id);
    return it != connections_.end() && it->second.open;
  }

 private:
  struct Connection {
    std::deque<core::Bytes> to_client;
    bool open = true;
  };
  void process(server::ConnectionEvent event) {
    std::vector<server::ConnectionEvent> batch;
    batch.push_back(std::move(event));
    for (auto& out : router_.process(batch)) {
      auto it = connections_.find(static_cast<int>(out.connection));
      if (it == connections_.end()) continue;
      for (auto& f : out.frames) it->second.to_client.push_back(std::move(f));
      if (out.close) it->second.open = false;
    }
  }

  std::uint64_t& clock_ms_;
  server::Metrics metrics_;
  server::Store store_;
  server::Router router_;
  std::map<int, Connection> connections_;
  int next_ = 1;
};

// What sits in the server's place (spec §9: the server and the network are attackers): every frame
// from the server to a device, and from a device to the server, passes through it. The default
// passes each frame as it is.
class Tap {
 public:
  virtual ~Tap() = default;
  virtual std::vector<wire::Frame> to_device(const std::string& device, wire::Frame frame) {
    (void)device;
    return {std::move(frame)};
  }
  virtual std::vector<wire::Frame> from_device(const std::string& device, wire::Frame frame) {
    (void)device;
    return {std::move(frame)};
  }
};

// One device: its store (a file, or memory), its engine, its connection, and what the engine told it.
struct SimDevice {
  std::string name;
  std::filesystem::path file;  // empty: the store is in memory
  std::unique_ptr<FaultyDeviceStore> store;
  std::unique_ptr<Engine> engine;
  int connection = 0;
  std::vector<Event> events;

  template <typename T>
  std::vector<T> events_of() const {
    std::vector<T> out;
    for (const auto& e : events)
      if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
    return out;
  }
};

// Where each device keeps its state: its own SQLite file (as the reference client does), or memory
// (faster; a restart reloads what the last commit left).
enum class DeviceStores { sqlite, memory };

class SimNetwork {
 public:
  explicit SimNetwork(server::StoreSettings settings = {}, DeviceStores stores = DeviceStores::sqlite)
      : server_(clock_ms, settings), stores_(stores) {}
  server::Store& server_store() { return server_.store(); }
  ~SimNetwork() {
    for (auto& [name, d] : devices_)
      if (!d.file.empty())
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(d.file.string() + suffix);
  }

  std::uint64_t clock_ms = 1'900'000'000'000;
  // Which write of any device's store fails (none unless a test says).
  FaultPlan faults;

  // A new device that registers a new account (as its primary).
  SimDevice& register_account(const std::string& name) {
    auto& d = open(name, true);
    d.connection = server_.connect(d.engine->identity().noise.public_key, {});
    server_.from_client(d.connection, d.engine->register_frame().value());
    settle();
    return d;
  }
  // The device restarted: its engine loaded again from its file, connected again.
  SimDevice& restart(const std::string& name) {
    auto& d = devices_.at(name);
    reload(d);
    settle();
    return d;
  }
  void send(const std::string& from, std::uint64_t to_account, const std::string& text) {
    auto& d = devices_.at(from);
    auto sent = act(d, [&] { return d.engine->send_text(to_account, text); });
    ASSERT_TRUE(sent.ok()) << core::to_string(sent.error());
    deliver(d, std::move(sent->second));
    settle();
  }
  // The person accepted a device's new identity key on this device; the held messages are read.
  bool accept_identity(const std::string& name, std::uint64_t account, std::uint32_t device) {
    auto& d = devices_.at(name);
    auto accepted = act(d, [&] { return d.engine->accept_identity(account, device); });
    EXPECT_TRUE(accepted.ok()) << core::to_string(accepted.error());
    if (!accepted.ok()) return false;
    deliver(d, std::move(*accepted));
    settle();
    return true;
  }
  // The person read the chat on this device.
  void mark_read(const std::string& name, std::uint64_t chat) {
    auto& d = devices_.at(name);
    auto receipts = act(d, [&] { return d.engine->mark_read(chat); });
    ASSERT_TRUE(receipts.ok()) << core::to_string(receipts.error());
    deliver(d, std::move(*receipts));
    settle();
  }
  // Moves frames both ways until nobody has anything to say. Frames to a device marked with
  // duplicate() arrive twice; to one marked with reorder(), each batch arrives backwards.
  void settle() {
    for (int round = 0; round < 1000; ++round) {
      bool moved = false;
      for (auto& [name, d] : devices_) {
        const int connection = d.connection;
        auto batch = server_.take(connection);
        if (reordered_.contains(name)) std::reverse(batch.begin(), batch.end());
        for (auto& bytes : batch) {
          if (d.connection != connection) break;  // it restarted: the rest went with the old connection
          moved = true;
          auto frame = wire::decode_frame(bytes);
          ASSERT_TRUE(frame.ok());
          auto frames = tap_ == nullptr ? std::vector<wire::Frame>{std::move(*frame)} : tap_->to_device(name, std::move(*frame));
          const int times = duplicated_.contains(name) ? 2 : 1;
          for (const auto& f : frames)
            for (int t = 0; t < times; ++t) deliver(d, d.engine->on_frame(f));
        }
      }
      ++clock_ms;
      if (!moved) return;
    }
    FAIL() << "the network did not settle";
  }
  // A frame reaches the device as if the server had sent it (the tap does not see it: whoever
  // injects is the tap).
  void inject(const std::string& name, const wire::Frame& frame) {
    auto& d = devices_.at(name);
    deliver(d, d.engine->on_frame(frame));
  }
  // The device's connection writes a frame its engine did not make (a modified client).
  void write(const std::string& name, const wire::Frame& frame) {
    server_.from_client(devices_.at(name).connection, wire::encode_frame(frame).value());
  }
  void set_tap(Tap* tap) { tap_ = tap; }
  bool has(const std::string& name) const { return devices_.contains(name); }
  void duplicate(const std::string& name, bool on) { on ? (void)duplicated_.insert(name) : (void)duplicated_.erase(name); }
  void reorder(const std::string& name, bool on) { on ? (void)reordered_.insert(name) : (void)reordered_.erase(name); }
  // The device's connection drops (what it had not acknowledged stays queued on the server).
  void go_offline(const std::string& name) { server_.disconnect(devices_.at(name).connection); }
  void go_online(const std::string& name) {
    auto& d = devices_.at(name);
    if (server_.is_open(d.connection)) return;
    d.connection = server_.connect(d.engine->identity().noise.public_key, d.engine->credentials());
    settle();
  }
  bool online(const std::string& name) const { return server_.is_open(devices_.at(name).connection); }
  SimDevice& device(const std::string& name) { return devices_.at(name); }

  // The whole link of spec §8.2 through the engines: the companion connects unregistered and
  // shows its QR code, the primary scans it, and the companion logs in by key once linked.
  SimDevice& link_companion(const std::string& primary, const std::string& name) {
    auto& p = devices_.at(primary);
    auto& c = open(name, true);
    c.connection = server_.connect(c.engine->identity().noise.public_key, {});
    const auto qr = act(c, [&] { return c.engine->start_link(core::Bytes{0x51, 0x52}); }).value();
    auto scanned = act(p, [&] { return p.engine->link(qr); });
    EXPECT_TRUE(scanned.ok()) << core::to_string(scanned.error());
    if (scanned.ok()) deliver(p, std::move(*scanned));
    settle();
    server_.from_client(c.connection, c.engine->login_by_key_frame().value());
    settle();
    return c;
  }
  // The link finished: the companion is in its account, and the primary's list names it with its
  // key. (A link that a crash or a failed write interrupted did not: the person scans again.)
  bool link_finished(const std::string& primary, const std::string& companion) {
    const auto& id = devices_.at(companion).engine->identity();
    const auto& p = devices_.at(primary).engine->identity();
    if (id.account != p.account) return false;
    const auto stored = devices_.at(primary).store->device_list(p.account);
    if (!stored.ok() || !*stored) return false;
    const auto list = protocol::devices::decode_signed_device_list((*stored)->signed_list);
    const auto* entry = list.ok() ? list->find(id.device) : nullptr;
    return entry != nullptr && entry->identity_key == id.identity.public_key;
  }
  // The primary's engine removes a companion: at the server, then from the list it publishes.
  void remove_companion(const std::string& primary, const std::string& name) {
    auto& c = devices_.at(name);
    auto& p = devices_.at(primary);
    auto removal = act(p, [&] { return p.engine->remove_device(c.engine->identity().device); });
    ASSERT_TRUE(removal.ok()) << core::to_string(removal.error());
    deliver(p, std::move(*removal));
    settle();
    EXPECT_FALSE(server_.is_open(c.connection));  // the server closed the removed device's session
  }
  // Any other command of a device's engine (a blob transfer, say): what it said goes to the
  // server, and the network settles.
  template <typename Command>
  void run(const std::string& name, Command&& command) {
    auto& d = devices_.at(name);
    auto out = act(d, std::forward<Command>(command));
    ASSERT_TRUE(out.ok()) << core::to_string(out.error());
    deliver(d, std::move(*out));
    settle();
  }
  // The connection drops and the device connects again (as the reference client does: the engine
  // hears that it was disconnected first).
  void reconnect(const std::string& name) {
    auto& d = devices_.at(name);
    server_.disconnect(d.connection);
    d.engine->disconnected();
    d.connection = server_.connect(d.engine->identity().noise.public_key, d.engine->credentials());
    settle();
  }


 private:
  SimDevice& open(const std::string& name, bool create) {
    auto& d = devices_[name];
    d.name = name;
    if (stores_ == DeviceStores::sqlite) {
      d.file = std::filesystem::temp_directory_path() /
               ("parley-sim-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) +
                "-" + name + ".sqlite3");
      d.store = std::make_unique<FaultyDeviceStore>(open_sqlite_device_store(d.file).value(), faults);
    } else {
      d.store = std::make_unique<FaultyDeviceStore>(make_memory_device_store(), faults);
    }
    const crypto::X25519PublicKey server_key{};
    auto engine = create ? Engine::create(*d.store, server_key, entropy_, [this] { return clock_ms; })
                         : Engine::load(*d.store, entropy_, [this] { return clock_ms; });
    // A new device whose first write failed (an injected fault): set up again.
    for (int attempt = 0; create && !engine.ok() && engine.code() == core::Errc::storage_failure && attempt < 3; ++attempt) {
      d.store->rollback();
      d.store->restarted();
      engine = Engine::create(*d.store, server_key, entropy_, [this] { return clock_ms; });
    }
    d.engine = std::move(engine).value();
    return d;
  }
  // The device's engine loaded again from what its store committed, on a new connection.
  void reload(SimDevice& d) {
    server_.disconnect(d.connection);  // nothing if it was offline
    d.engine.reset();
    d.store->rollback();
    if (!d.file.empty()) {
      d.store->replace_inner(nullptr);
      d.store->replace_inner(open_sqlite_device_store(d.file).value());
    }
    d.store->restarted();
    d.engine = Engine::load(*d.store, entropy_, [this] { return clock_ms; }).value();
    d.connection = server_.connect(d.engine->identity().noise.public_key, d.engine->credentials());
  }
  void deliver(SimDevice& d, EngineOutput out) {
    // A device that died at a write said nothing more: it starts again from its store.
    if (d.store->crashed()) {
      reload(d);
      return;
    }
    for (auto& e : out.events) d.events.push_back(std::move(e));
    for (const auto& f : out.frames) {
      ++written.frames;
      written.bytes += f.size();
      auto frame = wire::decode_frame(f);
      ASSERT_TRUE(frame.ok());
      if (const auto* send = frame->get<wire::Send>()) written.ciphertexts += send->targets.size();
      if (tap_ == nullptr) {
        server_.from_client(d.connection, f);
        continue;
      }
      for (const auto& passed : tap_->from_device(d.name, std::move(*frame)))
        server_.from_client(d.connection, wire::encode_frame(passed).value());
    }
    reconnect_if_needed(d);
  }
  // The engine could not commit an input: it reloaded from its store, and a new connection gets
  // the server to deliver again what it did not acknowledge (spec §8.6).
  void reconnect_if_needed(SimDevice& d) {
    if (!d.engine->needs_restart()) return;
    server_.disconnect(d.connection);
    d.engine->disconnected();
    d.connection = server_.connect(d.engine->identity().noise.public_key, d.engine->credentials());
  }
  // A person's action on a device. One that a store failure (an injected fault) made fail changed
  // nothing; the person, told so, does it again.
  template <typename Action>
  auto act(SimDevice& d, Action&& action) -> decltype(action()) {
    for (int attempt = 0;; ++attempt) {
      auto result = action();
      if (result.ok() || result.code() != core::Errc::storage_failure || attempt == 3) return result;
      if (d.store->crashed()) {
        reload(d);
      } else {
        reconnect_if_needed(d);
      }
    }
  }

 public:
  // Frames, bytes and device ciphertexts (in send frames) the devices wrote to the server so far,
  // for the fan-out benchmark.
  struct {
    std::uint64_t frames = 0, bytes = 0, ciphertexts = 0;
  } written;

  std::set<std::string> duplicated_, reordered_;
  Tap* tap_ = nullptr;
  crypto::StreamEntropy entropy_{42};
  SimServer server_;
  DeviceStores stores_;
  std::map<std::string, SimDevice> devices_;
};

// The usual start: Alice's and Bob's phones registered (each the primary of a new account).
struct TwoPhones {
  SimNetwork net;
  std::uint64_t a = 0, b = 0;  // their accounts
  TwoPhones() {
    a = net.register_account("alice-phone").engine->identity().account;
    b = net.register_account("bob-phone").engine->identity().account;
  }
};

}  // namespace parley::client::testing
