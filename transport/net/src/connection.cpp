#include "parley/transport/net/connection.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace parley::transport::net {

using core::Errc;

namespace {

// How many queued records one write gathers: enough to amortize the system call over many small
// frames, few enough that the iovec array stays small.
constexpr std::size_t kMaxGather = 64;

template <typename F>
decltype(auto) visit_channel(Connection::Channel& channel, F&& f) {
  return std::visit(std::forward<F>(f), channel);
}

}  // namespace

std::shared_ptr<Connection> Connection::make(tcp::socket socket, Channel channel, Timeouts timeouts,
                                             ConnectionLimits limits) {
  return std::make_shared<Connection>(std::move(socket), std::move(channel), timeouts, limits);
}

Connection::Connection(tcp::socket socket, Channel channel, Timeouts timeouts, ConnectionLimits limits)
    : socket_(std::move(socket)),
      channel_(std::move(channel)),
      timeouts_(timeouts),
      limits_(limits),
      read_timer_(socket_.get_executor()),
      write_timer_(socket_.get_executor()),
      room_(socket_.get_executor()) {
  room_.expires_at(Clock::time_point::max());
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);  // reads happen after async_wait says the socket is readable
  socket_.set_option(tcp::no_delay(true), ignored);  // frames are latency-bound messages
}

const channel::Handshake& Connection::handshake() const {
  return *std::visit([](const auto& ch) -> const std::optional<channel::Handshake>& { return ch.handshake(); },
                     channel_);
}

std::optional<channel::ClientPayload> Connection::client() const {
  if (const auto* server = std::get_if<channel::ServerChannel>(&channel_)) return server->client();
  return std::nullopt;
}

bool Connection::server_key_changed() const {
  const auto* client = std::get_if<channel::ClientChannel>(&channel_);
  return client != nullptr && client->server_key_changed();
}

channel::Phase Connection::phase() const {
  return std::visit([](const auto& ch) { return ch.phase(); }, channel_);
}

// A deadline is a timer whose handler cancels the socket's operations. Disarming moves the expiry
// to the far future instead of cancelling, so a handler that was already queued when the operation
// finished sees a future expiry and does nothing (Boost 1.74 has no per-operation cancellation).
void Connection::arm(asio::steady_timer& timer, Clock::time_point deadline) {
  timer.expires_at(deadline);
  timer.async_wait([weak = weak_from_this(), &timer](const boost::system::error_code& ec) {
    if (ec) return;
    const auto self = weak.lock();
    if (!self || timer.expiry() > Clock::now()) return;
    self->timed_out_ = true;
    boost::system::error_code ignored;
    self->socket_.cancel(ignored);
  });
}

void Connection::disarm(asio::steady_timer& timer) { timer.expires_at(Clock::time_point::max()); }

core::Error Connection::socket_error(const boost::system::error_code& ec, const char* during) {
  if (timed_out_) return core::make_error(Errc::timed_out, std::string("timed out ") + during);
  if (error_) return *error_;
  return core::make_error(Errc::connection_closed, std::string(during) + ": " + ec.message());
}

core::Error Connection::fail(core::Error reason) {
  if (!error_) error_ = std::move(reason);
  boost::system::error_code ignored;
  socket_.close(ignored);
  read_timer_.cancel();
  write_timer_.cancel();
  room_.cancel();
  // A write in flight may still read its buffers (the reactor can run it on another thread); the
  // writer drops the queue when it sees the error.
  if (!writing_) drop_queue();
  read_buffer_.reset();
  return *error_;
}

void Connection::abort(core::Error reason) { fail(std::move(reason)); }

asio::awaitable<core::Result<void>> Connection::establish(core::Bytes first) {
  if (!first.empty()) enqueue(std::move(first));
  const auto deadline = Clock::now() + timeouts_.handshake;
  while (phase() != channel::Phase::established) {
    if (error_) co_return *error_;
    auto more = co_await read_more(deadline);
    if (!more.ok()) co_return more.error();
  }
  co_return core::Result<void>{};
}

asio::awaitable<core::Result<core::Bytes>> Connection::receive() {
  for (;;) {
    if (!frames_.empty()) {
      core::Bytes frame = std::move(frames_.front());
      frames_.pop_front();
      co_return frame;
    }
    if (error_) co_return *error_;
    auto more = co_await read_more(Clock::now() + timeouts_.idle);
    if (!more.ok()) co_return more.error();
  }
}

// Waits until the socket is readable before taking a buffer, so an idle connection parks with none.
asio::awaitable<core::Result<void>> Connection::read_more(Clock::time_point deadline) {
  arm(read_timer_, deadline);
  boost::system::error_code ec;
  co_await socket_.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
  std::size_t n = 0;
  if (!ec) {
    if (!read_buffer_) read_buffer_.reset(new std::uint8_t[limits_.read_size]);
    n = socket_.read_some(asio::buffer(read_buffer_.get(), limits_.read_size), ec);
  }
  disarm(read_timer_);
  if (ec == asio::error::would_block || ec == asio::error::try_again) co_return core::Result<void>{};
  if (ec == asio::error::eof) {
    const bool between_frames = phase() == channel::Phase::established &&
                                std::visit([](const auto& ch) { return ch.idle(); }, channel_);
    if (between_frames) co_return fail(core::make_error(Errc::connection_closed, "the peer closed the connection"));
    co_return fail(core::make_error(phase() == channel::Phase::established ? Errc::malformed : Errc::connection_closed,
                                    phase() == channel::Phase::established
                                        ? "the connection closed inside a frame (truncated)"
                                        : "the peer closed the connection during the handshake"));
  }
  if (ec) co_return fail(socket_error(ec, "reading"));
  co_return feed(core::BytesView(read_buffer_.get(), n));
}

core::Result<void> Connection::feed(core::BytesView bytes) {
  auto out = visit_channel(channel_, [&](auto& ch) { return ch.receive(bytes, entropy_); });
  if (!out.ok()) return fail(out.error());
  if (!out->to_send.empty()) enqueue(std::move(out->to_send));
  for (auto& frame : out->frames) frames_.push_back(std::move(frame));
  if (visit_channel(channel_, [](auto& ch) { return ch.idle(); })) read_buffer_.reset();
  return {};
}

core::Result<void> Connection::send(core::BytesView frame) {
  if (error_) return *error_;
  if (closing_) return core::make_error(Errc::connection_closed, "the connection is closing");
  if (queued_bytes_ >= limits_.max_queued_bytes)
    return core::make_error(Errc::limit_exceeded, "write queue full: the peer is not reading fast enough");
  auto wire = visit_channel(channel_, [&](auto& ch) { return ch.send_frame(frame); });
  if (!wire.ok()) {
    if (phase() == channel::Phase::closed) return fail(wire.error());
    return wire.error();
  }
  enqueue(std::move(*wire));
  return {};
}

asio::awaitable<core::Result<void>> Connection::send_when_ready(core::BytesView frame) {
  while (!error_ && queued_bytes_ >= limits_.max_queued_bytes) {
    boost::system::error_code ignored;
    co_await room_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return send(frame);
}

void Connection::enqueue(core::Bytes wire) {
  queued_bytes_ += wire.size();
  write_queue_.push_back(std::move(wire));
  if (writing_) return;
  writing_ = true;
  asio::co_spawn(
      socket_.get_executor(), [self = shared_from_this()] { return self->write_loop(); }, asio::detached);
}

// One writer at a time, spawned when the queue stops being empty and gone when it is drained, so
// an idle connection keeps no writer coroutine either.
asio::awaitable<void> Connection::write_loop() {
  std::vector<asio::const_buffer> gather;
  while (!write_queue_.empty() && !error_) {
    const std::size_t count = std::min(write_queue_.size(), kMaxGather);
    gather.clear();
    for (std::size_t i = 0; i < count; ++i) gather.push_back(asio::buffer(write_queue_[i]));
    arm(write_timer_, Clock::now() + timeouts_.write);
    boost::system::error_code ec;
    co_await asio::async_write(socket_, gather, asio::redirect_error(asio::use_awaitable, ec));
    disarm(write_timer_);
    if (ec) {
      fail(socket_error(ec, "writing"));
      break;
    }
    for (std::size_t i = 0; i < count; ++i) {
      queued_bytes_ -= write_queue_.front().size();
      write_queue_.pop_front();
    }
    room_.cancel();
  }
  writing_ = false;
  if (error_) drop_queue();
  room_.cancel();
}

void Connection::drop_queue() {
  write_queue_.clear();
  queued_bytes_ = 0;
}

asio::awaitable<void> Connection::close() {
  if (error_ || closing_) co_return;
  closing_ = true;
  while (writing_ && !error_) {
    boost::system::error_code ignored;
    co_await room_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  fail(core::make_error(Errc::connection_closed, "closed by this side"));
}

}  // namespace parley::transport::net
