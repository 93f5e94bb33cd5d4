// A device's protocol engine (spec §8.6): everything a client does, without sockets or a clock of
// its own. Frames from the server go in; frames for the server and events for the application come
// out. The Asio client and the in-memory simulation drive the same engine.
//
// It is deterministic but not pure: it reads and writes the device's store (store/device_store.h)
// through its interfaces, and every input (a frame, a send, a read, a link) runs in one unit of
// work that commits before any frame that depends on it leaves (spec §8.6 says why). Inside, it
// is made of parts, each a concept of the spec (src/engine/): the prekey stock, the device-list
// cache, sessions, the outbox, the inbox, receipts and ticks, linking, and retry; on_frame is a
// dispatcher over typed frames (wire/frames).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parley/client/blob_io.h"
#include "parley/client/events.h"
#include "parley/client/store/device_store.h"
#include "parley/core/error.h"
#include "parley/protocol/groups/membership_log.h"
#include "parley/crypto/entropy.h"
#include "parley/transport/channel/payloads.h"
#include "parley/wire/content.h"
#include "parley/wire/frames/frame.h"

namespace parley::client {

using WallClock = std::function<std::uint64_t()>;  // milliseconds since the Unix epoch

// A send re-planned this often after deviceMismatch fails: the lists and the server's registry
// disagree in a way a fresh list does not fix (a device linked but never listed, say).
inline constexpr std::uint32_t kMaxReplans = 3;

// A message asks for an account's bundles this often: a server that answers with none a device can
// use (not under the key the list names, or no signed prekey) makes it fail, not fetch forever.
inline constexpr std::uint32_t kMaxBundleFetches = 3;

// A new device's first message id is its clock in milliseconds times this (spec §8.6): a device
// id re-linked later starts above every id of its earlier incarnation unless that one wrote more
// than this many messages per millisecond of its life.
inline constexpr std::uint64_t kMessageIdsPerMillisecond = 1024;

// Receipt marks kept per chat for messages of another of our devices not here yet (spec §10.2):
// enough for any real backlog, and a bound on what a hostile peer can make a device keep.
inline constexpr std::size_t kMaxReceiptsAhead = 1024;

// A primary publishes its device list again this long after the last one (spec §8.3): verifiers
// refuse a list older than kDeviceListMaxAgeMs (35 days), and a week leaves four weeks for a primary
// that is offline.
inline constexpr std::uint64_t kDeviceListRepublishMs = 7ull * 24 * 3600 * 1000;

// The engine checkpoints its store (spec §9: superseded secrets leave the -wal file) after a unit of
// work once this long has passed since the last checkpoint: old key material stays on disk at most
// until the first input this long after it was superseded, or until the store is closed (SQLite
// checkpoints and removes the -wal of its last connection). Often enough for a device at rest, rare
// enough that a busy device does not sync its file twice for every message.
inline constexpr std::uint64_t kCheckpointIntervalMs = 10'000;

// Messages kept per device whose identity key changed, waiting for the person's decision (spec
// §8.6): they no longer wait on the server, where they would fill the delivery window; a device that
// sends more than this before the person decides loses the rest (reported).
inline constexpr std::size_t kMaxHeldPerDevice = 1000;

// Group messages kept in memory, unacknowledged, per group while the log they need is fetched (their
// sender is not a member of the log this device has yet, spec §11.3); past this they are dropped.
// The server's delivery window (256) bounds them anyway.
inline constexpr std::size_t kMaxWaitingGroupMessages = 256;

// Below half this many one-time prekeys on the server the engine uploads more (spec §7.2 warns it).
inline constexpr std::uint32_t kPrekeyBatch = 100;

// At most this many one-time prekeys are kept on a device: the server's cap per device (spec §7.1's
// max_one_time_prekeys_per_device), so that no key is made that the server would refuse and a run of
// hostile fetches cannot make the device's store grow without end: at the cap a refill deletes the
// oldest keys first (the server gave those out longest ago).
inline constexpr std::size_t kMaxOneTimePreKeys = 1000;

class Engine {
 public:
  // A new device with fresh keys from `entropy`, saved in `store` (not registered yet).
  static core::Result<std::unique_ptr<Engine>> create(DeviceStore& store, const crypto::X25519PublicKey& server_key,
                                                      crypto::Entropy& entropy, WallClock clock);
  // The device `store` holds, as it was.
  static core::Result<std::unique_ptr<Engine>> load(DeviceStore& store, crypto::Entropy& entropy, WallClock clock);
  ~Engine();

  const LocalIdentity& identity() const;
  bool registered() const { return identity().account != 0; }
  // The server answered this connection's login (loggedIn); false again after disconnected().
  bool logged_in() const { return logged_in_; }
  void disconnected();
  // The claim for the handshake (all zero before registration).
  transport::channel::DeviceCredentials credentials() const { return {identity().account, identity().device}; }

  // The first frame on an unregistered connection: register a new account with this device as
  // its primary (spec §7.2).
  core::Result<core::Bytes> register_frame();
  // The first frame on a registered device's connection: its claim restated, which (with IK, whose
  // first message can be replayed) is what logs the device in (spec §7.2).
  core::Result<core::Bytes> login_frame();
  // --- Linking (spec §8.2) ---------------------------------------------------------------
  // Companion: the QR code's text; the device waits unregistered for its primary.
  core::Result<std::string> start_link(core::Bytes server_ref);
  // Companion: ask to log in by key (answered `notFound` until the primary linked it).
  core::Result<core::Bytes> login_by_key_frame();
  // Primary: a scanned QR code; the link proceeds as the server answers.
  core::Result<EngineOutput> link(std::string_view qr_text);
  // Primary: a companion leaves the account (at the server, then from the published list).
  core::Result<EngineOutput> remove_device(std::uint32_t device);

  // Any frame from the server. Failures come back as events: a bad frame is ignored (the server is
  // not trusted with anything that matters); a store that fails also sets needs_restart().
  EngineOutput on_frame(const wire::Frame& frame);
  // Writes `text` to `peer_account`: stored in the outbox, then planned, encrypted and sent as the
  // lists and sessions allow; the frames may follow later, as replies come in. Returns the id.
  core::Result<std::pair<std::uint64_t, EngineOutput>> send_text(std::uint64_t peer_account, std::string text);
  // An attachment (spec §12.4) to `peer_account`, sent like a text; its upload must be on the server
  // already (upload_blob), and the send names it so that the recipients may download it (§7.1).
  // A description spec §12.4 refuses is `malformed` or `limit_exceeded`, and nothing is stored.
  core::Result<std::pair<std::uint64_t, EngineOutput>> send_media(std::uint64_t peer_account, wire::MediaBody media);
  // --- Groups (spec §11.3) ---------------------------------------------------------------
  // A new group with this account as its admin and `members` (accounts): its creation entry goes to
  // the server, and the group is usable once the server took it (a GroupEvent). Its chat number.
  core::Result<std::pair<std::uint64_t, EngineOutput>> create_group(std::string subject, std::vector<std::uint64_t> members);
  // An admin's change (add, remove, promote, demote, subject: `subject`) or this account leaving
  // (leave, no targets). One the members would refuse is refused here (unauthorized, conflict...).
  core::Result<EngineOutput> change_group(std::uint64_t chat, protocol::groups::MembershipChange change,
                                          std::vector<std::uint64_t> targets, std::string subject = {});
  // A text (or, with `media`, an attachment whose upload is on the server) to the group of `chat`.
  core::Result<std::pair<std::uint64_t, EngineOutput>> send_group(std::uint64_t chat, std::string text,
                                                                   std::optional<wire::MediaBody> media = std::nullopt);
  // The group's membership as this device verified it; nullopt while it has no verified log.
  core::Result<std::optional<protocol::groups::GroupMembership>> group_membership(std::uint64_t chat);
  // Fetches and verifies the group's log now (done when group_pending(chat) is false).
  EngineOutput fetch_group(std::uint64_t chat);
  bool group_pending(std::uint64_t chat);

  // The person accepted a device's new identity key (after an IdentityChangeEvent): its old
  // session goes, the messages held for the decision are read, and the next message builds a
  // session with the new key.
  core::Result<EngineOutput> accept_identity(std::uint64_t account, std::uint32_t device);
  // --- Receipts (spec §10.2) -------------------------------------------------------------
  // The person saw `chat` up to its latest message: read receipts go to the peer's devices (and
  // our own, which mark the chat read too), unless read receipts are off.
  core::Result<EngineOutput> mark_read(std::uint64_t chat);
  // The person's choice (kept in the store). Off: no read receipts are sent, and one-to-one
  // chats show none (ticks stop at delivered), as WhatsApp does.
  core::Result<void> set_read_receipts(bool on);
  bool read_receipts() const;
  // The ticks of one of our account's messages as this device knows them.
  core::Result<protocol::receipts::Status> status(std::uint64_t chat, std::uint32_t sender_device,
                                                  std::uint64_t message_id);

  // --- Blobs (spec §7.1, §12.3) -----------------------------------------------------------
  // Uploads the blob `source` reads (`size` bytes whose SHA-256 is `hash`): the server is asked how
  // much it holds, and the rest goes in chunks; after a dropped connection it goes on at the next
  // login. BlobEvents report progress, completion (the server checked the hash) or why it stopped.
  // An upload of a blob already on its way does nothing.
  core::Result<EngineOutput> upload_blob(core::Bytes hash, std::uint64_t size, std::shared_ptr<BlobSource> source);
  // Downloads the blob into `sink`, from where the sink ends, likewise. The bytes are not checked
  // here: the media layer checks them against the message's hashes (spec §12.2).
  core::Result<EngineOutput> download_blob(core::Bytes hash, std::uint64_t size, std::shared_ptr<BlobSink> sink);
  // This device has the blob, checked and stored: the server may delete it once every recipient
  // said so (spec §7.1).
  core::Result<EngineOutput> blob_fetched(core::Bytes hash);
  // A transfer of this blob is on its way (not yet complete or stopped).
  bool transferring(const core::Bytes& hash) const;

  // The account's device list changed (this device published it, or was told): fetched and
  // verified again before the next send plans over it.
  void device_list_changed(std::uint64_t account);
  // Fetches and verifies the account's list now (for showing devices or a safety number); done
  // when list_pending(account) is false, with the result in the store.
  EngineOutput fetch_device_list(std::uint64_t account);
  bool list_pending(std::uint64_t account) const;
  // Nothing waiting for the server.
  bool idle() const;
  // Delivered messages wait for their sender's device list before they are read (spec §8.6), and
  // group messages and sender keys for their group's log (§11.3).
  bool reading() const;
  // An input could not be committed (spec §8.6): nothing of it happened, and the engine reloaded
  // its state from the store. The driver must close the connection and connect again, so that the
  // server delivers again what was not acknowledged and the outbox sends again what was not;
  // disconnected() clears it.
  bool needs_restart() const { return needs_restart_; }

 private:
  struct Parts;
  Engine(DeviceStore& store, LocalIdentity identity, crypto::Entropy& entropy, WallClock clock);
  core::Result<void> load_state();
  core::Result<EngineOutput> dispatch(const wire::Frame& frame);
  core::Result<EngineOutput> on_logged_in(const wire::LoggedIn& frame);
  core::Result<EngineOutput> maintain();

  // Runs one input in one unit of work (a command's result, or a frame's output).
  template <typename T, typename Body>
  core::Result<T> in_unit_of_work(Body&& body);
  // After a failed unit of work: everything in memory again from the store.
  void reload();

  DeviceStore& store_;
  std::unique_ptr<Parts> parts_;
  bool logged_in_ = false;
  bool needs_restart_ = false;
  std::uint64_t last_checkpoint_ms_ = 0;
};

}  // namespace parley::client
