// A device speaking to the real server over the Parley channel, for integration tests: frame
// builders, and a request/response helper that sets pushed frames (deliver, queueEmpty, errors
// with request id 0) aside.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <memory>

#include "channel_fixture.h"  // transport/tests
#include "parley/crypto/entropy.h"
#include "parley/crypto/xeddsa.h"
#include "parley/transport/client_frames.h"
#include "parley/transport/frames_capnp.h"
#include "parley/transport/net/connector.h"

namespace parley::server::testing {

namespace net = transport::net;
namespace asio = net::asio;
using Which = wire::Frame::Body::Which;

using transport::channel::testing::key_pair;

inline capnp::Data::Reader data(const core::Bytes& b) { return {b.data(), b.size()}; }

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
    co_return core::Result<void>{};
  }

  // Sends `frame` (built with request id `id`) and returns the reply with that id.
  asio::awaitable<core::Result<transport::DecodedFrame>> request(std::uint32_t id, core::Bytes frame) {
    auto sent = connection->send(frame);
    if (!sent.ok()) co_return sent.error();
    co_return co_await reply(id);
  }

  // The reply with request id `id` to a frame already sent; pushes met on the way are kept.
  asio::awaitable<core::Result<transport::DecodedFrame>> reply(std::uint32_t id) {
    for (;;) {
      auto next = co_await receive();
      if (!next.ok()) co_return next.error();
      if (next->request_id() == id) co_return std::move(next);
      pushed_.push_back(std::move(next).value());
    }
  }

  // The next frame the server pushed (request id 0).
  asio::awaitable<core::Result<transport::DecodedFrame>> next_push() {
    if (!pushed_.empty()) {
      auto f = std::move(pushed_.front());
      pushed_.pop_front();
      co_return f;
    }
    co_return co_await receive();
  }

  // The keys this device registers (or is linked) with, signed as the server demands.
  struct Registration {
    core::Bytes identity, noise, signature;
    transport::RegisterRequest request() const { return {identity, noise, signature, 4242}; }
  };
  Registration registration() const {
    crypto::StreamEntropy random(noise_.public_key[0] + 77u);
    auto signature = crypto::xeddsa_sign(identity_.private_key, noise_.public_key, random).value();
    return {crypto::serialize_public_key(identity_.public_key), core::Bytes(noise_.public_key.begin(), noise_.public_key.end()),
            core::Bytes(signature.begin(), signature.end())};
  }

  asio::awaitable<core::Result<void>> register_account() {
    const auto keys = registration();
    auto frame = transport::encode_register(1, keys.request()).value();
    auto reply = co_await request(1, std::move(frame));
    if (!reply.ok()) co_return reply.error();
    if (reply->kind() != static_cast<std::uint16_t>(Which::LOGGED_IN))
      co_return core::make_error(core::Errc::malformed, "register answered with kind " + std::to_string(reply->kind()));
    transport::read_frame(*reply, [&](wire::Frame::Reader r) -> core::Result<void> {
      account = r.getBody().getLoggedIn().getAccountId();
      device = r.getBody().getLoggedIn().getDeviceId();
      incarnation = r.getBody().getLoggedIn().getIncarnation();
      return {};
    }).ok();
    co_return core::Result<void>{};
  }

  // The next pushed frame of kind `wanted`, passing over the others (queueEmpty, loggedIn, ...).
  asio::awaitable<core::Result<transport::DecodedFrame>> next_push_of(Which wanted) {
    for (;;) {
      auto f = co_await next_push();
      if (!f.ok() || f->kind() == static_cast<std::uint16_t>(wanted)) co_return f;
    }
  }

  // Collects deliver frames until queueEmpty (or `limit` delivers), acking none.
  asio::awaitable<std::vector<Delivered>> drain(std::size_t limit = SIZE_MAX) {
    std::vector<Delivered> out;
    while (out.size() < limit) {
      auto f = co_await next_push();
      if (!f.ok()) break;
      if (f->kind() == static_cast<std::uint16_t>(Which::QUEUE_EMPTY)) break;
      if (f->kind() != static_cast<std::uint16_t>(Which::DELIVER)) continue;
      transport::read_frame(*f, [&](wire::Frame::Reader r) -> core::Result<void> {
        auto d = r.getBody().getDeliver();
        out.push_back({d.getServerId(), d.getSenderAccount(), d.getSenderDevice(),
                       core::Bytes(d.getCiphertext().begin(), d.getCiphertext().end())});
        return {};
      }).ok();
    }
    co_return out;
  }

  core::Result<void> ack(std::uint64_t server_id) { return connection->send(transport::encode_ack(server_id).value()); }

  const crypto::X25519KeyPair& noise_key() const { return noise_; }
  const crypto::X25519KeyPair& identity_key() const { return identity_; }

 private:
  asio::awaitable<core::Result<transport::DecodedFrame>> receive() {
    auto bytes = co_await connection->receive();
    if (!bytes.ok()) co_return bytes.error();
    co_return transport::DecodedFrame::decode(*bytes);
  }

  crypto::X25519KeyPair identity_;
  crypto::X25519KeyPair noise_;
  std::deque<transport::DecodedFrame> pushed_;
};

struct Target {
  std::uint32_t device;
  std::uint64_t incarnation;
  core::Bytes ciphertext;
};

inline core::Bytes send_frame(std::uint32_t id, std::uint64_t client_message_id, std::uint64_t destination,
                              const std::vector<Target>& targets) {
  std::vector<transport::SendTarget> wire_targets;
  for (const auto& t : targets) wire_targets.push_back({t.device, t.incarnation, t.ciphertext});
  return transport::encode_send(id, client_message_id, destination, wire_targets).value();
}

// The same with the targets as arguments: a braced list inside a co_await expression trips GCC
// 12's coroutine support ("array used as initializer").
template <typename... Targets>
core::Bytes send_to(std::uint32_t id, std::uint64_t client_message_id, std::uint64_t destination, Targets... targets) {
  return send_frame(id, client_message_id, destination, std::vector<Target>{std::move(targets)...});
}

inline core::Bytes upload_prekeys_frame(std::uint32_t id, std::uint32_t first, std::uint32_t count) {
  return transport::encode_frame(id, 16 + count * 8, [&](wire::Frame::Builder root) {
           auto u = root.getBody().initUploadPreKeys();
           auto s = u.initSignedPreKey();
           const core::Bytes pub = crypto::serialize_public_key(key_pair(first + 9000).public_key);
           const core::Bytes sig(64, 7);
           s.setId(1);
           s.setPublicKey(data(pub));
           s.setSignature(data(sig));
           auto list = u.initOneTimePreKeys(count);
           for (std::uint32_t i = 0; i < count; ++i) {
             const core::Bytes k = crypto::serialize_public_key(key_pair(first + i).public_key);
             list[i].setId(first + i);
             list[i].setPublicKey(data(k));
           }
         }).value();
}

inline core::Bytes fetch_prekeys_frame(std::uint32_t id, std::uint64_t account) {
  return transport::encode_fetch_prekeys(id, account).value();
}

inline core::Bytes ciphertext_of(const transport::DecodedFrame& deliver) {
  return transport::read_frame(deliver, [](wire::Frame::Reader r) -> core::Result<core::Bytes> {
           auto c = r.getBody().getDeliver().getCiphertext();
           return core::Bytes(c.begin(), c.end());
         }).value();
}

inline std::uint16_t kind(Which w) { return static_cast<std::uint16_t>(w); }

inline wire::ErrorCode error_code(const transport::DecodedFrame& f) {
  return transport::read_frame(f, [](wire::Frame::Reader r) -> core::Result<wire::ErrorCode> {
           return r.getBody().getError().getCode();
         }).value();
}

}  // namespace parley::server::testing
