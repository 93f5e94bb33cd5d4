// A device speaking to the real server over the Parley channel, for integration tests: typed
// frames (wire/frames), and a request/response helper that sets pushed frames (deliver, queueEmpty, errors
// with request id 0) aside.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <memory>

#include "channel_fixture.h"  // transport/tests
#include "parley/crypto/entropy.h"
#include "parley/crypto/xeddsa.h"
#include "parley/transport/net/connector.h"
#include "parley/wire/frames/frame.h"

namespace parley::server::testing {

namespace net = transport::net;
namespace asio = net::asio;
using transport::channel::testing::key_pair;

struct Delivered {
  std::uint64_t server_id;
  std::uint64_t sender_account;
  std::uint32_t sender_device;
  core::Bytes ciphertext;
};

class TestDevice {
 public:
  explicit TestDevice(std::uint64_t seed) : identity_(key_pair(seed * 2 + 1000)), noise_(key_pair(seed * 2 + 1001)) {}

  std::uint64_t account = 0;
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;
  std::shared_ptr<net::Connection> connection;

  asio::awaitable<core::Result<void>> connect(std::uint16_t port, const crypto::X25519PublicKey& server_key,
                                              std::optional<asio::ip::address> source = {}) {
    transport::channel::ClientChannelConfig config;
    config.static_key = noise_;
    config.server_key = server_key;
    config.pin = transport::channel::PinPolicy::required;
    config.device = {account, device};
    const net::tcp::endpoint server{asio::ip::make_address("127.0.0.1"), port};
    auto c = co_await net::connect(server, std::move(config), {}, {}, source);
    if (!c.ok()) co_return c.error();
    connection = *c;
    pushed_.clear();
    // A device that claims who it is restates the claim first: with IK that is what logs it in
    // (spec §7.2). The answer (loggedIn, or the refusal) is read as a push.
    if (account != 0 || device != 0) {
      auto sent = connection->send(wire::encode_frame(0, wire::Login{account, device}).value());
      if (!sent.ok()) co_return sent.error();
    }
    co_return core::Result<void>{};
  }

  // Sends `frame` (built with request id `id`) and returns the reply with that id.
  asio::awaitable<core::Result<wire::Frame>> request(std::uint32_t id, core::Bytes frame) {
    auto sent = connection->send(frame);
    if (!sent.ok()) co_return sent.error();
    co_return co_await reply(id);
  }

  // The reply with request id `id` to a frame already sent; pushes met on the way are kept.
  asio::awaitable<core::Result<wire::Frame>> reply(std::uint32_t id) {
    for (;;) {
      auto next = co_await receive();
      if (!next.ok()) co_return next.error();
      if (next->request_id == id) co_return std::move(next);
      pushed_.push_back(std::move(next).value());
    }
  }

  // The next frame the server pushed (request id 0).
  asio::awaitable<core::Result<wire::Frame>> next_push() {
    if (!pushed_.empty()) {
      auto f = std::move(pushed_.front());
      pushed_.pop_front();
      co_return f;
    }
    co_return co_await receive();
  }

  // The keys this device registers (or is linked) with, signed as the server demands.
  wire::DeviceKeys registration() const {
    crypto::StreamEntropy random(noise_.public_key[0] + 77u);
    auto signature = crypto::xeddsa_sign(identity_.private_key, noise_.public_key, random).value();
    return {crypto::serialize_public_key(identity_.public_key), core::Bytes(noise_.public_key.begin(), noise_.public_key.end()),
            core::Bytes(signature.begin(), signature.end()), 4242};
  }

  asio::awaitable<core::Result<void>> register_account() {
    auto frame = wire::encode_frame(1, wire::Register{registration()}).value();
    auto reply = co_await request(1, std::move(frame));
    if (!reply.ok()) co_return reply.error();
    const auto* logged_in = reply->get<wire::LoggedIn>();
    if (logged_in == nullptr)
      co_return core::make_error(core::Errc::malformed, "register answered with " + std::string(wire::frame_name(reply->body)));
    account = logged_in->account;
    device = logged_in->device;
    incarnation = logged_in->incarnation;
    co_return core::Result<void>{};
  }

  // The next pushed frame of kind T, passing over the others (queueEmpty, loggedIn, ...).
  template <typename T>
  asio::awaitable<core::Result<wire::Frame>> next_push_of() {
    for (;;) {
      auto f = co_await next_push();
      if (!f.ok() || f->template is<T>()) co_return f;
    }
  }

  // A request whose answer proves that everything sent before it on this connection was handled
  // (the server handles a connection's frames in order): what an ack needs before a test relies
  // on it.
  asio::awaitable<core::Result<void>> sync(std::uint32_t id) {
    auto frame = wire::encode_frame(id, wire::GetDeviceList{account}).value();
    auto answered = co_await request(id, std::move(frame));
    if (!answered.ok()) co_return answered.error();
    co_return core::Result<void>{};
  }

  // Collects deliver frames until queueEmpty (or `limit` delivers), acking none.
  asio::awaitable<std::vector<Delivered>> drain(std::size_t limit = SIZE_MAX) {
    std::vector<Delivered> out;
    while (out.size() < limit) {
      auto f = co_await next_push();
      if (!f.ok()) break;
      if (f->is<wire::QueueEmpty>()) break;
      if (const auto* d = f->get<wire::Deliver>()) out.push_back({d->server_id, d->sender_account, d->sender_device, d->ciphertext});
    }
    co_return out;
  }

  core::Result<void> ack(std::uint64_t server_id) { return connection->send(wire::encode_frame(0, wire::Ack{server_id}).value()); }

  const crypto::X25519KeyPair& noise_key() const { return noise_; }
  const crypto::X25519KeyPair& identity_key() const { return identity_; }

 private:
  asio::awaitable<core::Result<wire::Frame>> receive() {
    auto bytes = co_await connection->receive();
    if (!bytes.ok()) co_return bytes.error();
    co_return wire::decode_frame(*bytes);
  }

  crypto::X25519KeyPair identity_;
  crypto::X25519KeyPair noise_;
  std::deque<wire::Frame> pushed_;
};

struct Target {
  std::uint32_t device;
  std::uint64_t incarnation;
  core::Bytes ciphertext;
};

inline core::Bytes send_frame(std::uint32_t id, std::uint64_t client_message_id, std::uint64_t destination,
                              const std::vector<Target>& targets) {
  wire::Send send{client_message_id, destination, {}, 0};
  for (const auto& t : targets) send.targets.push_back({t.device, t.incarnation, t.ciphertext});
  return wire::encode_frame(id, send).value();
}

// The same with the targets as arguments: a braced list inside a co_await expression trips GCC
// 12's coroutine support ("array used as initializer").
template <typename... Targets>
core::Bytes send_to(std::uint32_t id, std::uint64_t client_message_id, std::uint64_t destination, Targets... targets) {
  return send_frame(id, client_message_id, destination, std::vector<Target>{std::move(targets)...});
}

// An upload of `count` one-time prekeys from id `first` (test keys, not a device's real ones).
inline core::Bytes upload_prekeys_frame(std::uint32_t id, std::uint32_t first, std::uint32_t count) {
  wire::UploadPreKeys upload{wire::SignedPreKeyEntry{1, crypto::serialize_public_key(key_pair(first + 9000).public_key), core::Bytes(64, 7)}, {}};
  for (std::uint32_t i = 0; i < count; ++i)
    upload.one_time_prekeys.push_back({first + i, crypto::serialize_public_key(key_pair(first + i).public_key)});
  return wire::encode_frame(id, upload).value();
}

inline core::Bytes fetch_prekeys_frame(std::uint32_t id, std::uint64_t account) {
  return wire::encode_frame(id, wire::FetchPreKeys{account}).value();
}

inline core::Bytes ciphertext_of(const wire::Frame& deliver) { return deliver.get<wire::Deliver>()->ciphertext; }

// The error code of an error frame; malformed for any other frame.
inline wire::ErrorCode error_code(const wire::Frame& f) {
  const auto* e = f.get<wire::ErrorFrame>();
  EXPECT_NE(e, nullptr) << "not an error: " << wire::frame_name(f.body);
  return e == nullptr ? wire::ErrorCode::malformed : e->code;
}

}  // namespace parley::server::testing
