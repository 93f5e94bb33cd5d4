// The reference client (spec §8.6): one device's Engine over a real Parley channel (spec §6.8). It
// opens the device's profile directory (its SQLite store), connects, registers a new device or logs
// in as the stored one, feeds every frame from the server to the engine and writes what the engine
// says. What a CLI or an application needs goes through here; it knows nothing of terminals.
//
// Threading: one io_context thread; every call from it.
#pragma once

#include "parley/transport/net/asio.h"  // first: Boost 1.74 needs <utility> before Asio

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "parley/client/engine.h"
#include "parley/crypto/entropy.h"
#include "parley/transport/net/connection.h"

namespace parley::client {

namespace asio = transport::net::asio;

class Client {
 public:
  // Opens (creating) `profile`/device.sqlite3; a new profile gets a fresh device for `server_key`.
  static core::Result<std::unique_ptr<Client>> open(const std::filesystem::path& profile,
                                                    const crypto::X25519PublicKey& server_key);
  ~Client();

  // Connects; a new device registers a new account first. Returns once logged in.
  asio::awaitable<core::Result<void>> connect(transport::net::tcp::endpoint server);
  // Sends and waits for the server to hold every copy (the single tick); the message id.
  asio::awaitable<core::Result<std::uint64_t>> send_text(std::uint64_t peer_account, std::string text);
  // The chat's messages once it holds at least `count` of them, or `timed_out`.
  asio::awaitable<core::Result<std::vector<StoredMessage>>> wait_for_messages(std::uint64_t chat, std::size_t count,
                                                                              std::chrono::milliseconds timeout);
  asio::awaitable<void> close();

  // --- Receipts and waiting (spec §10.2) -----------------------------------------------
  // Until the server delivered what it held for this device at login (its queueEmpty) and the
  // engine read all of it.
  asio::awaitable<core::Result<void>> wait_caught_up(std::chrono::milliseconds timeout);
  // Until nothing waits for the server: every receipt and message written has its answer.
  asio::awaitable<core::Result<void>> wait_idle(std::chrono::milliseconds timeout);
  // Until more than `seen` events were reported (events().size() before), or `timeout`
  // (then `timed_out`); returns at once when there are.
  asio::awaitable<core::Result<void>> wait_for_events(std::size_t seen, std::chrono::milliseconds timeout);
  // Until one of our messages shows at least `status`.
  asio::awaitable<core::Result<void>> wait_for_status(std::uint64_t chat, std::uint32_t sender_device,
                                                      std::uint64_t message_id, protocol::receipts::Status status,
                                                      std::chrono::milliseconds timeout);
  // The person read `chat`: read receipts go out (unless turned off).
  asio::awaitable<core::Result<void>> mark_read(std::uint64_t chat);
  // Fetches and verifies an account's device list (kept in the store); `not_found` for an
  // account the server does not know.
  asio::awaitable<core::Result<StoredDeviceList>> device_list(std::uint64_t account);
  Engine& engine() { return *engine_; }
  bool connected() const { return connection_ && connection_->is_open(); }

  // --- Linking (spec §8.2) ---------------------------------------------------------------
  // Companion: connects unregistered and returns the QR code's text to show.
  asio::awaitable<core::Result<std::string>> start_link(transport::net::tcp::endpoint server);
  // Companion: waits (asking to log in by key every `poll`) until its primary linked it.
  asio::awaitable<core::Result<void>> wait_linked(std::chrono::milliseconds timeout,
                                                  std::chrono::milliseconds poll = std::chrono::milliseconds(200));
  // Primary: starts linking the companion whose QR text this is (the link completes when the
  // companion logs in and confirms; wait_for_link waits for that and the new list).
  asio::awaitable<core::Result<void>> link(std::string qr_text);
  asio::awaitable<core::Result<void>> wait_for_link(std::chrono::milliseconds timeout);
  // Primary: removes a companion.
  asio::awaitable<core::Result<void>> remove_device(std::uint32_t device);

  const LocalIdentity& identity() const { return engine_->identity(); }
  DeviceStore& store() { return *store_; }
  // Every event the engine reported, in order.
  const std::vector<Event>& events() const { return events_; }

 private:
  Client(std::unique_ptr<DeviceStore> store, std::unique_ptr<Engine> engine);
  asio::awaitable<void> read_loop(std::shared_ptr<transport::net::Connection> connection);
  asio::awaitable<core::Result<void>> write(EngineOutput out);
  asio::awaitable<core::Result<void>> restart();
  // Waits until `done()` holds, the connection fails, or `timeout` passes.
  template <typename Done>
  asio::awaitable<core::Result<void>> wait(Done done, std::chrono::milliseconds timeout);

  crypto::SystemEntropy entropy_;
  std::unique_ptr<DeviceStore> store_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<transport::net::Connection> connection_;
  std::optional<transport::net::tcp::endpoint> server_;  // where connect() went, for a restart
  // Each waiting call's timer, cancelled whenever something arrives, so that it looks again.
  std::set<asio::steady_timer*> waiters_;
  void notify();
  std::vector<Event> events_;
  std::size_t links_before_ = 0;  // LinkedEvents seen when the last link() started
  std::size_t connected_at_ = 0;  // events_.size() when the current connection began
  // Cleared when the Client goes: a read loop still suspended on its (closed) connection checks it
  // before touching the Client again.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace parley::client
