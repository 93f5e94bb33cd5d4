// libolm (Matrix's Double Ratchet, Debian libolm-dev 3.2.13) as a session-benchmark peer: two
// accounts (alice, bob), bob with one published one-time key, and the C API calls a client makes.
//
// What the C API implies for the comparison:
//  - messages are unpadded base64, so olm encodes and decodes base64 on every message;
//  - olm_decrypt and olm_create_inbound_session destroy their input buffer (they decode base64 in
//    place), so each receive first copies the message into a reused scratch buffer;
//  - random bytes are arguments: they come from the same StreamEntropy as Parley's keys;
//  - ciphertext and plaintext go into caller buffers, reused across messages.
#pragma once

#include <olm/olm.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "session/bench_entropy.h"
#include "session/session_workloads.h"

namespace parley::bench {

class OlmPair {
 public:
  struct Message {
    std::size_t type = 0;  // OLM_MESSAGE_TYPE_PRE_KEY or OLM_MESSAGE_TYPE_MESSAGE
    std::string body;      // base64
  };
  static constexpr const char* kName = "olm";

  explicit OlmPair(std::uint64_t seed) : entropy_(seed) {
    alice_.init(entropy_);
    bob_.init(entropy_);
    // Bob publishes one one-time key; alice claims it with his identity key.
    random_.resize(olm_account_generate_one_time_keys_random_length(bob_.account, 1));
    entropy_.fill_bytes(random_.data(), random_.size());
    check_account(bob_, olm_account_generate_one_time_keys(bob_.account, 1, random_.data(), random_.size()));
    std::string keys(olm_account_one_time_keys_length(bob_.account), '\0');
    check_account(bob_, olm_account_one_time_keys(bob_.account, keys.data(), keys.size()));
    bob_one_time_key_ =
        nlohmann::json::parse(keys.substr(0, keys.find('\0')))["curve25519"].begin()->get<std::string>();
    check_account(bob_, olm_account_mark_keys_as_published(bob_.account));
    bob_identity_key_ = bob_.curve25519_identity();
  }

  // Forgets both sessions; the accounts (and bob's one-time key) stay.
  void reset() {
    alice_.new_session();
    bob_.new_session();
  }

  Status start() {
    random_.resize(olm_create_outbound_session_random_length(alice_.session));
    entropy_.fill_bytes(random_.data(), random_.size());
    const std::size_t rc = olm_create_outbound_session(
        alice_.session, alice_.account, bob_identity_key_.data(), bob_identity_key_.size(),
        bob_one_time_key_.data(), bob_one_time_key_.size(), random_.data(), random_.size());
    alice_.has_session = rc != olm_error();
    return session_status(alice_, rc);
  }

  Status encrypt(Side from, core::BytesView plaintext, Message& out) {
    Device& d = device(from);
    random_.resize(olm_encrypt_random_length(d.session));  // 32 when this message starts a new chain
    if (!random_.empty()) entropy_.fill_bytes(random_.data(), random_.size());
    out.type = olm_encrypt_message_type(d.session);
    out.body.resize(olm_encrypt_message_length(d.session, plaintext.size()));
    const std::size_t rc = olm_encrypt(d.session, plaintext.data(), plaintext.size(), random_.data(),
                                       random_.size(), out.body.data(), out.body.size());
    if (rc == olm_error()) return session_status(d, rc);
    out.body.resize(rc);
    return {};
  }

  // A pre-key message on a device without a session creates the inbound session first (bob's
  // first receive); the one-time key is left in the account (see ParleyPair::decrypt).
  Status decrypt(Side to, const Message& message, core::Bytes& plaintext) {
    Device& d = device(to);
    if (message.type == OLM_MESSAGE_TYPE_PRE_KEY && !d.has_session) {
      scratch_.assign(message.body);
      const std::size_t rc =
          olm_create_inbound_session(d.session, d.account, scratch_.data(), scratch_.size());
      if (rc == olm_error()) return session_status(d, rc);
    }
    d.has_session = true;
    scratch_.assign(message.body);
    plaintext.resize(message.body.size());  // base64 of more than the plaintext: always enough room
    const std::size_t rc = olm_decrypt(d.session, message.type, scratch_.data(), scratch_.size(),
                                       plaintext.data(), plaintext.size());
    if (rc == olm_error()) return session_status(d, rc);
    plaintext.resize(rc);
    return {};
  }

  static std::size_t wire_size(const Message& m) { return m.body.size(); }

  // olm_pickle_session_length: the session encrypted under a pickle key, MACed and base64-encoded
  // (what a client stores).
  std::optional<std::size_t> state_size(Side side) { return olm_pickle_session_length(device(side).session); }
  static constexpr const char* kStateSizeMissing = "";

 private:
  struct Device {
    std::unique_ptr<std::uint8_t[]> account_memory;
    std::unique_ptr<std::uint8_t[]> session_memory;
    OlmAccount* account = nullptr;
    OlmSession* session = nullptr;
    bool has_session = false;

    void init(StreamEntropy& entropy) {
      account_memory = std::make_unique<std::uint8_t[]>(olm_account_size());
      account = olm_account(account_memory.get());
      std::vector<std::uint8_t> random(olm_create_account_random_length(account));
      entropy.fill_bytes(random.data(), random.size());
      if (olm_create_account(account, random.data(), random.size()) == olm_error())
        throw std::runtime_error(std::string("olm_create_account: ") + olm_account_last_error(account));
      session_memory = std::make_unique<std::uint8_t[]>(olm_session_size());
      session = olm_session(session_memory.get());
    }
    void new_session() {
      olm_clear_session(session);
      session = olm_session(session_memory.get());
      has_session = false;
    }
    std::string curve25519_identity() {
      std::string keys(olm_account_identity_keys_length(account), '\0');
      if (olm_account_identity_keys(account, keys.data(), keys.size()) == olm_error())
        throw std::runtime_error(std::string("olm_account_identity_keys: ") +
                                 olm_account_last_error(account));
      return nlohmann::json::parse(keys.substr(0, keys.find('\0')))["curve25519"].get<std::string>();
    }
    ~Device() {
      if (session) olm_clear_session(session);
      if (account) olm_clear_account(account);
    }
  };

  static void check_account(Device& d, std::size_t rc) {
    if (rc == olm_error())
      throw std::runtime_error(std::string("olm account: ") + olm_account_last_error(d.account));
  }
  static Status session_status(Device& d, std::size_t rc) {
    if (rc != olm_error()) return {};
    return Status{std::string("olm: ") + olm_session_last_error(d.session)};
  }

  Device& device(Side side) { return side == Side::alice ? alice_ : bob_; }

  StreamEntropy entropy_;
  Device alice_, bob_;
  std::string bob_identity_key_;
  std::string bob_one_time_key_;
  std::vector<std::uint8_t> random_;
  std::string scratch_;
};

}  // namespace parley::bench
