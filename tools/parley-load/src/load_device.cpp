#include "load_device.h"

#include <algorithm>

#include "parley/crypto/entropy.h"
#include "parley/crypto/xeddsa.h"
#include "parley/load/payload.h"
#include "parley/transport/net/connector.h"
#include "parley/wire/frames/frame.h"

namespace parley::load {

namespace {

using core::Errc;

crypto::X25519KeyPair derived_key(std::uint64_t seed, std::uint32_t index, std::uint32_t which) {
  crypto::StreamEntropy entropy(seed * 0x9e3779b97f4a7c15ULL + index * 4ULL + which);
  return crypto::generate_x25519_key_pair(entropy).value();
}

bool retryable(wire::ErrorCode code) {
  return code == wire::ErrorCode::rate_limited || code == wire::ErrorCode::queue_full ||
         code == wire::ErrorCode::storage_failure;
}

}  // namespace

LoadDevice::LoadDevice(std::uint32_t index, RunContext& run)
    : index_(index), run_(run), identity_(derived_key(run.settings.seed, index, 0)), noise_(derived_key(run.settings.seed, index, 1)) {}

asio::awaitable<core::Result<std::shared_ptr<transport::net::Connection>>> LoadDevice::open(
    transport::channel::DeviceCredentials credentials, std::optional<asio::ip::address> source) {
  transport::channel::ClientChannelConfig config;
  config.static_key = noise_;
  config.server_key = run_.server_key;
  config.pin = transport::channel::PinPolicy::required;
  config.device = credentials;
  transport::net::Timeouts timeouts;
  co_return co_await transport::net::connect(run_.server, std::move(config), timeouts, {}, source);
}

// Registration survives a server that dies meanwhile: a repeated register with the same keys
// answers the account the first one created (spec §7.2), so it is retried like any send.
asio::awaitable<core::Result<void>> LoadDevice::register_account(std::optional<asio::ip::address> source) {
  const auto deadline = Steady::now() + run_.settings.reconnect_for;
  auto backoff = std::chrono::milliseconds(20);
  for (;;) {
    auto attempt = co_await try_register(source);
    if (attempt.ok() || attempt.code() == Errc::malformed || Steady::now() + backoff > deadline) co_return attempt;
    asio::steady_timer pause(co_await asio::this_coro::executor, backoff);
    co_await pause.async_wait(asio::use_awaitable);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(500));
  }
}

asio::awaitable<core::Result<void>> LoadDevice::try_register(std::optional<asio::ip::address> source) {
  const transport::channel::DeviceCredentials unregistered{};
  auto opened = co_await open(unregistered, source);
  if (!opened.ok()) co_return opened.error();
  connection_ = std::move(opened).value();
  crypto::StreamEntropy random(run_.settings.seed + index_);
  auto signature = crypto::xeddsa_sign(identity_.private_key, noise_.public_key, random);
  if (!signature.ok()) co_return signature.error();
  const wire::Register request{{crypto::serialize_public_key(identity_.public_key),
                                core::Bytes(noise_.public_key.begin(), noise_.public_key.end()),
                                core::Bytes(signature->begin(), signature->end()), index_ + 1}};
  auto frame = wire::encode_frame(1, request);
  if (!frame.ok()) co_return frame.error();
  auto sent = connection_->send(*frame);
  if (!sent.ok()) co_return sent.error();
  for (;;) {
    auto bytes = co_await connection_->receive();
    if (!bytes.ok()) co_return bytes.error();
    auto reply = wire::decode_frame(*bytes);
    if (!reply.ok()) co_return reply.error();
    if (reply->request_id != 1) continue;
    if (const auto* refused = reply->get<wire::ErrorFrame>()) {
      // A registration rate limit passes: tried again, like a server that went away.
      if (refused->code == wire::ErrorCode::rate_limited) co_return wire::to_error(*refused);
      co_return core::make_error(Errc::malformed, "registration refused: " + refused->detail);
    }
    const auto* logged_in = reply->get<wire::LoggedIn>();
    if (logged_in == nullptr) co_return core::make_error(Errc::malformed, "registration answered oddly");
    run_.directory[index_] = {logged_in->account, logged_in->device, logged_in->incarnation};
    co_return core::Result<void>{};
  }
}

void LoadDevice::plan(std::uint64_t message, std::uint32_t receiver) { planned_.emplace_back(message, receiver); }

void LoadDevice::wake() {
  if (wake_) wake_->cancel();
}

double LoadDevice::ms_since(Steady::time_point start) const {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

asio::awaitable<void> LoadDevice::wait_until(Steady::time_point deadline) {
  wake_->expires_at(deadline);
  boost::system::error_code ignored;
  co_await wake_->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

asio::awaitable<void> LoadDevice::run() {
  const auto executor = co_await asio::this_coro::executor;
  if (!wake_) wake_ = std::make_unique<asio::steady_timer>(executor);
  next_send_ = Steady::now();
  bool reading = false;
  while (!run_.stopping) {
    if (!connection_ || !connection_->is_open()) {
      reading = false;
      if (!co_await reconnect()) {
        if (!run_.stopping) ++run_.gave_up;
        break;
      }
      for (auto& [message, out] : unacked_) out.in_flight = false;  // resent, in order, below
    }
    if (!reading) {
      asio::co_spawn(executor, read_loop(connection_), asio::detached);
      reading = true;
    }
    if (!co_await send_ready()) continue;
    // Sleep until something can happen: an ack or a drop wakes us; else the next paced send or
    // the end of a refused send's retry-after.
    auto deadline = Steady::time_point::max();
    if (!planned_.empty() && unacked_.size() < run_.settings.window && run_.settings.rate > 0)
      deadline = next_send_;
    for (const auto& [message, out] : unacked_)
      if (!out.in_flight) deadline = std::min(deadline, out.not_before);
    if (!run_.stopping) co_await wait_until(deadline);
  }
  if (connection_) co_await connection_->close();
}

asio::awaitable<bool> LoadDevice::reconnect() {
  const auto deadline = Steady::now() + run_.settings.reconnect_for;
  auto backoff = std::chrono::milliseconds(20);
  const auto& me = run_.directory[index_];
  const transport::channel::DeviceCredentials credentials{me.account, me.device};
  while (!run_.stopping) {
    auto opened = co_await open(credentials, std::nullopt);
    // The claim restated first: with IK that is what logs the device in (spec §7.2).
    if (opened.ok() && (*opened)->send(wire::encode_frame(0, wire::Login{me.account, me.device}).value()).ok()) {
      connection_ = std::move(opened).value();
      ++run_.reconnects;
      co_return true;
    }
    if (Steady::now() + backoff > deadline) co_return false;
    co_await wait_until(Steady::now() + backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(500));
  }
  co_return false;
}

// Resends first (after a reconnect every unacknowledged send, in send order; after a refusal the
// refused one once its retry-after has passed), then new sends while the window and pace allow.
asio::awaitable<bool> LoadDevice::send_ready() {
  auto now = Steady::now();
  for (auto it = unacked_.begin(); it != unacked_.end();) {
    const std::uint64_t message = it->first;
    if (!it->second.in_flight && it->second.not_before <= now && !co_await transmit(message, it->second)) co_return false;
    it = unacked_.upper_bound(message);  // acks may have erased others meanwhile
  }
  const bool paced = run_.settings.rate > 0;
  const auto interval = paced ? std::chrono::duration_cast<Steady::duration>(
                                    std::chrono::duration<double>(static_cast<double>(run_.settings.devices) / run_.settings.rate))
                              : Steady::duration::zero();
  while (!planned_.empty() && unacked_.size() < run_.settings.window && (!paced || next_send_ <= now) && !run_.stopping) {
    const auto [message, receiver] = planned_.front();
    planned_.pop_front();
    auto& out = unacked_[message];
    out.receiver = receiver;
    out.first_sent = now;
    const auto sent_ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - run_.epoch).count());
    out.ciphertext = encode_load_payload({index_, receiver, message, sent_ns}, run_.settings.size);
    if (paced) next_send_ = std::max(next_send_ + interval, now - std::chrono::seconds(1));
    if (!co_await transmit(message, out)) co_return false;
    now = Steady::now();
  }
  co_return true;
}

asio::awaitable<bool> LoadDevice::transmit(std::uint64_t message, Outgoing& out) {
  const auto& to = run_.directory[out.receiver];
  const wire::Send send{message + 1, to.account, {{to.device, to.incarnation, out.ciphertext}}, 0};
  auto frame = wire::encode_frame(static_cast<std::uint32_t>(message + 1), send);
  if (!frame.ok()) {
    run_.ledger.failed(message);
    unacked_.erase(message);
    co_return true;
  }
  out.in_flight = true;
  auto sent = co_await connection_->send_when_ready(*frame);
  co_return sent.ok();
}

asio::awaitable<void> LoadDevice::read_loop(std::shared_ptr<transport::net::Connection> connection) {
  for (;;) {
    auto bytes = co_await connection->receive();
    if (!bytes.ok()) break;
    auto frame = wire::decode_frame(*bytes);
    if (!frame.ok()) {
      connection->abort(frame.error());
      break;
    }
    on_frame(*frame);
  }
  wake();
}

asio::awaitable<void> LoadDevice::idle() {
  if (!wake_) wake_ = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor);
  if (connection_) co_await read_loop(connection_);
}

asio::awaitable<void> LoadDevice::close() {
  if (connection_) co_await connection_->close();
}

void LoadDevice::on_frame(const wire::Frame& frame) {
  const auto now = Steady::now();
  if (const auto* ack = frame.get<wire::SendAck>()) {
    const std::uint64_t message = ack->client_message_id - 1;
    auto it = unacked_.find(message);
    if (it == unacked_.end()) return;  // the ack of a resend that was acknowledged before
    run_.ledger.acked(message, ms_since(it->second.first_sent));
    unacked_.erase(it);
    wake();
  } else if (const auto* d = frame.get<wire::Deliver>()) {
    double end_to_end_ms = 0;
    if (auto payload = decode_load_payload(d->ciphertext); payload.ok()) {
      const auto received_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - run_.epoch).count();
      end_to_end_ms = static_cast<double>(received_ns - static_cast<std::int64_t>(payload->sent_ns)) / 1e6;
    }
    run_.ledger.delivered(index_, d->server_id, d->ciphertext, end_to_end_ms);
    // A lost ack only means a redelivery after the next reconnect, which the ledger removes.
    if (connection_ && connection_->is_open()) (void)connection_->send(wire::encode_frame(0, wire::Ack{d->server_id}).value());
  } else if (const auto* e = frame.get<wire::ErrorFrame>()) {
    if (frame.request_id == 0) return;  // conflict, prekeysLow: the connection's own business
    const std::uint64_t message = frame.request_id - 1;
    auto it = unacked_.find(message);
    if (it == unacked_.end()) return;
    if (retryable(e->code)) {
      run_.ledger.refused(message);
      it->second.in_flight = false;
      it->second.not_before = now + std::chrono::milliseconds(std::max<std::uint64_t>(e->retry_after_ms, 10));
    } else {
      run_.ledger.failed(message);
      unacked_.erase(it);
    }
    wake();
  }
  // Anything else (loggedIn after a reconnect, queueEmpty) is the connection's own business.
}

}  // namespace parley::load
