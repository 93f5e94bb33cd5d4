// One device of a parley-load run: it registers an account over a real Noise channel, then sends
// its share of the run's messages with a window of unacknowledged sends, acknowledges what the
// server delivers to it, and reconnects when the connection drops, resending what was not
// acknowledged (the server makes a resend with the same client message id idempotent, spec §7.3).
//
// Threading: a LoadDevice lives on one io_context thread; only the Ledger is shared.
#pragma once

#include "parley/transport/net/asio.h"  // first: Boost 1.74 needs <utility> before Asio

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>

#include "parley/crypto/x25519.h"
#include "parley/load/ledger.h"
#include "parley/load/settings.h"
#include "parley/wire/frames/frame.h"
#include "parley/transport/net/connection.h"

namespace parley::load {

namespace asio = transport::net::asio;
using Steady = std::chrono::steady_clock;

// Where a device is reachable: filled in as devices register, read once the run starts.
struct DirectoryEntry {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;
};

// What the devices of a run share.
struct RunContext {
  const LoadSettings& settings;
  transport::net::tcp::endpoint server;
  crypto::X25519PublicKey server_key;
  Ledger& ledger;
  std::vector<DirectoryEntry> directory;  // by device index
  Steady::time_point epoch = Steady::now();
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<std::uint32_t> gave_up{0};
};

class LoadDevice {
 public:
  LoadDevice(std::uint32_t index, RunContext& run);

  // Connects as an unregistered device, registers an account and keeps the connection; retried
  // (with the same keys) for LoadSettings::reconnect_for while the server is unreachable.
  asio::awaitable<core::Result<void>> register_account(std::optional<asio::ip::address> source);
  // Appends a message to send, in the order given (message numbers increase).
  void plan(std::uint64_t message, std::uint32_t receiver);
  // Sends everything planned and receives until the run stops, then closes. With a rate, this
  // device sends its share of it (rate / devices per second) on a fixed schedule.
  asio::awaitable<void> run();
  // Reads the connection until it closes, acknowledging and recording nothing: an idle device.
  asio::awaitable<void> idle();
  // Wakes run() and idle() after RunContext::stopping was set.
  void wake();
  // Closes the connection cleanly.
  asio::awaitable<void> close();

 private:
  struct Outgoing {
    std::uint32_t receiver = 0;
    core::Bytes ciphertext;
    Steady::time_point first_sent{};
    Steady::time_point not_before{};  // a refused send waits for the server's retry-after
    bool in_flight = false;
  };

  asio::awaitable<core::Result<void>> try_register(std::optional<asio::ip::address> source);
  asio::awaitable<core::Result<std::shared_ptr<transport::net::Connection>>> open(
      transport::channel::DeviceCredentials credentials, std::optional<asio::ip::address> source);
  asio::awaitable<bool> reconnect();
  asio::awaitable<void> read_loop(std::shared_ptr<transport::net::Connection> connection);
  void on_frame(const wire::Frame& frame);
  asio::awaitable<bool> send_ready();
  asio::awaitable<bool> transmit(std::uint64_t message, Outgoing& out);
  asio::awaitable<void> wait_until(Steady::time_point deadline);
  double ms_since(Steady::time_point start) const;

  std::uint32_t index_;
  RunContext& run_;
  crypto::X25519KeyPair identity_;
  crypto::X25519KeyPair noise_;
  std::shared_ptr<transport::net::Connection> connection_;
  std::unique_ptr<asio::steady_timer> wake_;
  std::deque<std::pair<std::uint64_t, std::uint32_t>> planned_;  // message, receiver
  std::map<std::uint64_t, Outgoing> unacked_;                    // by message number: send order
  Steady::time_point next_send_{};
};

}  // namespace parley::load
