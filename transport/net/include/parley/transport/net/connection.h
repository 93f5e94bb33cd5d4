// One established (or establishing) Parley channel over a TCP socket (spec §6.8). A byte mover: it
// feeds what the socket delivers to the pure channel state machine and writes what that returns.
// It decides nothing about the protocol; it owns the timeouts, the bounded write queue and closing.
//
// Threading: every call on a Connection must come from its socket's executor (one thread, or the
// strand the acceptor gives each socket).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <variant>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/transport/channel/client_channel.h"
#include "parley/transport/channel/server_channel.h"
#include "parley/transport/net/asio.h"
#include "parley/transport/net/settings.h"

namespace parley::transport::net {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Channel = std::variant<channel::ClientChannel, channel::ServerChannel>;

  // Use make(); a Connection lives in a shared_ptr so that its timers' handlers can outlive a call.
  static std::shared_ptr<Connection> make(tcp::socket socket, Channel channel, Timeouts timeouts,
                                          ConnectionLimits limits);
  Connection(tcp::socket socket, Channel channel, Timeouts timeouts, ConnectionLimits limits);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Writes `first` (the client's opening bytes; empty on the server) and reads until the channel
  // is established or Timeouts::handshake has passed (`timed_out`). Frames the peer pipelined
  // behind its last handshake message are kept for receive().
  asio::awaitable<core::Result<void>> establish(core::Bytes first);

  // The next whole frame. `connection_closed` when the peer closed between frames (or this side
  // closed); `malformed` when it closed inside a frame (a truncation); `timed_out` after
  // Timeouts::idle without a byte; any channel error. Every error closes the connection.
  asio::awaitable<core::Result<core::Bytes>> receive();

  // Seals and queues a frame. Back-pressure: `limit_exceeded` while ConnectionLimits::
  // max_queued_bytes are waiting (nothing is sealed then, so no nonce is spent); the channel's
  // errors for an empty or oversized frame; the connection's error once it is closed.
  core::Result<void> send(core::BytesView frame);
  // As send(), but waits for room in the queue instead of refusing.
  asio::awaitable<core::Result<void>> send_when_ready(core::BytesView frame);

  // Clean close: writes what is queued, shuts down the sending side, closes. Idempotent.
  asio::awaitable<void> close();
  // Immediate close with a reason; what is queued is dropped. Idempotent (the first reason stays).
  void abort(core::Error reason);

  bool is_open() const { return !error_.has_value(); }
  const std::optional<core::Error>& error() const { return error_; }
  std::size_t queued_bytes() const { return queued_bytes_; }
  bool holds_read_buffer() const { return read_buffer_ != nullptr; }
  // Valid once established.
  const channel::Handshake& handshake() const;
  // The server end's view of the device the client claims to be; nullopt on the client end.
  std::optional<channel::ClientPayload> client() const;
  // The client end: the server showed a key other than the pinned one (XXfallback).
  bool server_key_changed() const;
  channel::Phase phase() const;
  tcp::socket& socket() { return socket_; }
  // Tests reach the channel to move a nonce forward (exhaustion); nothing else should.
  Channel& channel_for_testing() { return channel_; }

 private:
  using Clock = std::chrono::steady_clock;
  asio::awaitable<core::Result<void>> read_more(Clock::time_point deadline);
  core::Result<void> feed(core::BytesView bytes);
  void enqueue(core::Bytes wire);
  asio::awaitable<void> write_loop();
  void drop_queue();
  void arm(asio::steady_timer& timer, Clock::time_point deadline);
  static void disarm(asio::steady_timer& timer);
  core::Error socket_error(const boost::system::error_code& ec, const char* during);
  core::Error fail(core::Error reason);

  tcp::socket socket_;
  Channel channel_;
  Timeouts timeouts_;
  ConnectionLimits limits_;
  crypto::SystemEntropy entropy_;
  asio::steady_timer read_timer_;
  asio::steady_timer write_timer_;
  asio::steady_timer room_;  // cancelled whenever the write queue shrinks; never expires
  // Uninitialized on purpose: a read overwrites it, so zero-filling 64 KiB per read is waste.
  std::unique_ptr<std::uint8_t[]> read_buffer_;
  std::deque<core::Bytes> frames_;
  std::deque<core::Bytes> write_queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool timed_out_ = false;
  std::optional<core::Error> error_;
};

}  // namespace parley::transport::net
