// A device's protocol engine (issue 6): everything a client does, as a pure state machine in the
// manner of the server's frame handler. Frames from the server go in; frames for the server and
// events for the application come out. No sockets and no clock of its own: the Asio client and the
// in-memory simulation drive the same engine.
//
// It registers an account (or logs in as a registered device), keeps its one-time prekey stock
// topped up, fetches and verifies device lists (spec §8.3), plans each send over every device of
// both accounts (§8.4), fetches bundles for devices without a session, encrypts, sends one frame per
// destination account, re-plans on deviceMismatch, and decrypts, stores and acknowledges what is
// delivered. Every change is saved in the DeviceStore before the frame that depends on it leaves.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "parley/client/device_store.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/protocol/devices/device_identity.h"
#include "parley/protocol/devices/device_list.h"
#include "parley/protocol/devices/linking.h"
#include "parley/protocol/fanout/planner.h"
#include "parley/protocol/memory_prekey_store.h"
#include "parley/protocol/receipts/ticks.h"
#include "parley/protocol/retry/retry.h"
#include "parley/transport/content.h"
#include "parley/transport/channel/payloads.h"
#include "parley/transport/frames.h"

namespace parley::client {

using WallClock = std::function<std::uint64_t()>;  // milliseconds since the Unix epoch

// A send re-planned this often after deviceMismatch fails: the lists and the server's registry
// disagree in a way a fresh list does not fix (a device linked but never listed, say).
inline constexpr std::uint32_t kMaxReplans = 3;

// A new device's first message id is its clock in milliseconds times this (spec §8.6): a device
// id re-linked later starts above every id of its earlier incarnation unless that one wrote more
// than this many messages per millisecond of its life.
inline constexpr std::uint64_t kMessageIdsPerMillisecond = 1024;

// Receipt marks kept per chat for messages of another of our devices not here yet (spec §10.2):
// enough for any real backlog, and a bound on what a hostile peer can make a device keep.
inline constexpr std::size_t kMaxReceiptsAhead = 1024;

// Below this many one-time prekeys on the server the engine uploads more (spec §7.2 warns it).
inline constexpr std::uint32_t kPrekeyBatch = 100;

struct MessageEvent {
  StoredMessage message;
};
// A peer device (or a peer account's key) is no longer the one our session or list trusted.
struct IdentityChangeEvent {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
};
struct SentEvent {  // the server holds every copy (one tick)
  std::uint64_t message_id = 0;
  std::uint64_t chat = 0;
};
// A companion joined this account (primary: after its confirmation, with the list published) or
// this device was linked (companion: after the approval checked out).
struct LinkedEvent {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
};
struct FailedEvent {
  std::uint64_t message_id = 0;  // 0: not about a message we sent
  core::Error error;
};
// The ticks of one of our account's messages moved (spec §10.1): sent, delivered, read, played.
// Messages are named as in the store: the chat, our device that wrote it, its message id.
struct TicksEvent {
  std::uint64_t chat = 0;
  std::uint32_t sender_device = 0;
  std::uint64_t message_id = 0;
  protocol::receipts::Status status = protocol::receipts::Status::pending;
};
// The server delivered the backlog this session found (its queueEmpty, spec §7.3).
struct CaughtUpEvent {};
using Event = std::variant<MessageEvent, IdentityChangeEvent, SentEvent, FailedEvent, LinkedEvent, TicksEvent, CaughtUpEvent>;

struct EngineOutput {
  std::vector<core::Bytes> frames;
  std::vector<Event> events;
  void append(EngineOutput other);
};

class Engine {
 public:
  // A new device with fresh keys from `entropy`, saved in `store` (not registered yet).
  static core::Result<std::unique_ptr<Engine>> create(DeviceStore& store, const crypto::X25519PublicKey& server_key,
                                                      crypto::Entropy& entropy, WallClock clock);
  // The device `store` holds, as it was.
  static core::Result<std::unique_ptr<Engine>> load(DeviceStore& store, crypto::Entropy& entropy, WallClock clock);

  const LocalIdentity& identity() const { return identity_; }
  bool registered() const { return identity_.account != 0; }
  // The server answered this connection's login (loggedIn); false again after disconnected().
  bool logged_in() const { return logged_in_; }
  void disconnected() { logged_in_ = false; }
  // The claim for the handshake (all zero before registration).
  transport::channel::DeviceCredentials credentials() const { return {identity_.account, identity_.device}; }

  // The first frame on an unregistered connection: register a new account with this device as
  // its primary (spec §7.2).
  core::Result<core::Bytes> register_frame();
  // --- Linking (spec §8.2) ---------------------------------------------------------------
  // Companion: the QR code's text; the device waits unregistered for its primary.
  core::Result<std::string> start_link(core::Bytes server_ref);
  // Companion: ask to log in by key (answered `notFound` until the primary linked it).
  core::Result<core::Bytes> login_by_key_frame();
  // Primary: a scanned QR code; the link proceeds as the server answers.
  core::Result<EngineOutput> link(std::string_view qr_text);
  // Primary: a companion leaves the account (at the server, then from the published list).
  core::Result<EngineOutput> remove_device(std::uint32_t device);

  // Any frame from the server. Errors of the engine's own (a store that fails) come back as a
  // FailedEvent; a bad frame is ignored (the server is not trusted with anything that matters).
  EngineOutput on_frame(const transport::DecodedFrame& frame);
  // Writes `text` to `peer_account`: planned, encrypted and sent as the lists and sessions allow;
  // the frames may follow later, as replies come in. Returns the message id.
  core::Result<std::pair<std::uint64_t, EngineOutput>> send_text(std::uint64_t peer_account, std::string text);
  // The person accepted a device's new identity key (after an IdentityChangeEvent): its old
  // session goes, and the next message builds one with the new key.
  core::Result<void> accept_identity(std::uint64_t account, std::uint32_t device);
  // --- Receipts (spec §10.2) -------------------------------------------------------------
  // The person saw `chat` up to its latest message: read receipts go to the peer's devices (and
  // our own, which mark the chat read too), unless read receipts are off.
  core::Result<EngineOutput> mark_read(std::uint64_t chat);
  // The person's choice (kept in the store). Off: no read receipts are sent, and one-to-one
  // chats show none (ticks stop at delivered), as WhatsApp does.
  core::Result<void> set_read_receipts(bool on);
  bool read_receipts() const { return read_receipts_; }
  // The ticks of one of our account's messages as this device knows them.
  core::Result<protocol::receipts::Status> status(std::uint64_t chat, std::uint32_t sender_device,
                                                  std::uint64_t message_id);

  // The account's device list changed (this device published it, or was told): fetched and
  // verified again before the next send plans over it.
  void device_list_changed(std::uint64_t account) { lists_.erase(account); }
  // Fetches and verifies the account's list now (for showing devices or a safety number); done
  // when list_pending(account) is false, with the result in the store.
  EngineOutput fetch_device_list(std::uint64_t account);
  bool list_pending(std::uint64_t account) const { return lists_wanted_.contains(account); }
  // Nothing waiting for the server.
  bool idle() const { return requests_.empty() && sends_.empty(); }

 private:
  struct ListRequest { std::uint64_t account; };
  struct BundleRequest { std::uint64_t account; };
  struct SendRequest { std::uint64_t message_id; std::uint64_t account; };
  struct RetrySendRequest {};
  struct Plain {};  // uploads and publications: only errors matter
  struct LinkRequest {};
  using Request = std::variant<ListRequest, BundleRequest, SendRequest, Plain, LinkRequest, RetrySendRequest>;

  struct KnownList {
    protocol::devices::DeviceList list;
    std::map<std::uint32_t, std::uint64_t> incarnations;
  };
  struct PendingSend {
    std::uint64_t peer = 0;
    std::uint64_t timestamp_ms = 0;
    std::string text;
    std::optional<transport::ReceiptBody> receipt;  // set: this send is a receipt, not a message
    std::map<protocol::fanout::DeviceAddress, core::Bytes> made;  // device ciphertexts, kept across re-plans
    std::set<std::uint64_t> in_flight;                           // accounts whose send frame is out
    std::set<std::uint64_t> acked;                               // accounts the server acknowledged
    std::optional<protocol::fanout::FanoutPlan> plan;
    std::uint32_t replans = 0;  // deviceMismatch answers so far
  };

  Engine(DeviceStore& store, LocalIdentity identity, crypto::Entropy& entropy, WallClock clock);
  core::Result<void> load_state();
  std::uint32_t request(Request what);

  EngineOutput on_logged_in();
  EngineOutput on_logged_in_frame(const transport::DecodedFrame& frame);
  EngineOutput on_device_linked(const transport::DecodedFrame& frame);
  EngineOutput on_link_confirmation(const transport::DecodedFrame& frame);
  core::Result<protocol::devices::DeviceList> own_list();
  EngineOutput publish(const protocol::devices::DeviceList& list);
  EngineOutput upload_prekeys(std::uint32_t count);
  // New one-time prekeys, saved in the store and held for receiving.
  core::Result<std::vector<protocol::OneTimePreKey>> new_one_time_prekeys(std::uint32_t count);
  EngineOutput publish_first_device_list();
  EngineOutput on_device_list(const transport::DecodedFrame& frame);
  EngineOutput on_bundles(const transport::DecodedFrame& frame);
  EngineOutput on_send_ack(std::uint64_t message_id, std::uint64_t account, std::uint64_t server_id);
  EngineOutput ask_for_retry(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t server_id);
  EngineOutput on_retry_request(const transport::DecodedFrame& frame);
  core::Result<core::Bytes> encrypt_content(const protocol::fanout::DeviceAddress& to, const transport::Content& content,
                                            std::uint64_t retry_of = 0);
  EngineOutput on_error(const Request& request, const transport::DecodedFrame& frame);
  EngineOutput on_deliver(const transport::DecodedFrame& frame);
  EngineOutput advance();
  EngineOutput advance_send(std::uint64_t message_id, PendingSend& send);
  core::Result<core::Bytes> encrypt_for(const protocol::fanout::Encryption& e, std::uint64_t message_id,
                                        const PendingSend& send);
  EngineOutput fail_send(std::uint64_t message_id, core::Error error);
  // The server holds every copy of a send: a message's single tick (a receipt just ends).
  EngineOutput on_sent(std::uint64_t message_id, const PendingSend& send);

  // Receipts (engine_receipts.cpp).
  struct Ticks {
    protocol::receipts::ChatTicks machine;
    std::vector<std::uint64_t> messages;  // ids, in the order they were written
  };
  using TicksKey = std::pair<std::uint64_t, std::uint32_t>;  // chat, our sending device
  // The chat's ticks for one of our devices' messages, rebuilt from the store when not held.
  core::Result<Ticks*> ticks(std::uint64_t chat, std::uint32_t sender_device);
  EngineOutput send_receipt(std::uint64_t peer, transport::ReceiptBody receipt);
  // What this device wrote and the server has not acknowledged (messages and receipts), queued
  // again after a restart with the same ids; it goes out once logged in.
  core::Result<void> load_outbox();
  EngineOutput on_receipt(std::uint64_t sender_account, const transport::ReceiptBody& receipt);
  // A message of ours was stored (written here, or a copy from another of our devices).
  EngineOutput on_outgoing_stored(const StoredMessage& message, bool sent);
  // Adds a message of ours to the ticks held for its chat (a chat not held is built from the
  // store, with it, on first use).
  void note_outgoing(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id, bool sent);
  DeviceStore& store_;
  LocalIdentity identity_;
  crypto::Entropy& entropy_;
  WallClock clock_;
  protocol::MemoryPreKeyStore prekeys_;
  std::map<std::uint64_t, KnownList> lists_;
  std::map<std::uint32_t, Request> requests_;
  std::set<std::uint64_t> lists_wanted_, bundles_wanted_;
  std::map<std::uint64_t, PendingSend> sends_;
  std::uint32_t next_request_ = 1;
  std::optional<protocol::devices::CompanionLinker> companion_link_;
  std::optional<protocol::devices::PrimaryLinker> primary_link_;
  // Retry on decryption failure (spec §8.5); messages are named by the server id they arrived
  // under, and the sender remembers which of its messages each of its server ids was.
  protocol::retry::Requester requester_;
  protocol::retry::Responder responder_;
  std::map<std::uint64_t, std::uint64_t> sent_by_server_id_;  // server id -> message id
  std::deque<std::uint64_t> sent_order_;
  bool read_receipts_ = true;
  bool logged_in_ = false;
  std::map<TicksKey, Ticks> ticks_;
};

}  // namespace parley::client
