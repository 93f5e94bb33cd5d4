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
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "parley/client/engine.h"
#include "parley/client/media/attachment.h"
#include "parley/crypto/entropy.h"
#include "parley/transport/net/connection.h"

namespace parley::client {

namespace asio = transport::net::asio;

class Client {
 public:
  // Opens (creating) `profile`/device.sqlite3; a new profile gets a fresh device for `server_key`.
  // One Client per profile at a time, across processes: another is `conflict` while this one lives.
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

  // --- Groups (spec §11.3, client_groups.cpp) ----------------------------------------------
  // A new group with this account as its admin; its chat number once the server took its creation.
  asio::awaitable<core::Result<std::uint64_t>> create_group(std::string subject, std::vector<std::uint64_t> members);
  // An admin's change, or leaving (Engine::change_group); done once the server took it.
  asio::awaitable<core::Result<void>> change_group(std::uint64_t chat, protocol::groups::MembershipChange change,
                                                   std::vector<std::uint64_t> targets, std::string subject = {});
  // A text to the group; the message id once the server took it for every member device.
  asio::awaitable<core::Result<std::uint64_t>> send_group_text(std::uint64_t chat, std::string text);
  // The group's log fetched and verified again now; its membership.
  asio::awaitable<core::Result<protocol::groups::GroupMembership>> refresh_group(std::uint64_t chat);

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

  // --- Blobs (spec §7.1, §12.3) ------------------------------------------------------------
  // Uploads `file` (an encrypted upload, its SHA-256 `hash`) and waits until the server holds all
  // of it and checked its hash, calling `progress` with each BlobEvent. A dropped connection ends
  // the wait with its error; after connect() again, calling this again goes on where the server's
  // bytes end (so does a new Client, after a restart).
  asio::awaitable<core::Result<void>> upload_blob(core::Bytes hash, std::filesystem::path file,
                                                  std::chrono::milliseconds timeout,
                                                  std::function<void(const BlobEvent&)> progress = {});
  // Downloads the blob into `part_file` (0600), from where that file ends, likewise. The bytes are
  // checked by the caller (spec §12.2), who then tells the server with blob_fetched.
  asio::awaitable<core::Result<void>> download_blob(core::Bytes hash, std::uint64_t size, std::filesystem::path part_file,
                                                    std::chrono::milliseconds timeout,
                                                    std::function<void(const BlobEvent&)> progress = {});
  // Uploads what `source` gives (size bytes, SHA-256 `hash`), likewise; when the server holds the
  // blob already and lets this device read it, nothing is read from `source`.
  asio::awaitable<core::Result<void>> upload_blob(core::Bytes hash, std::uint64_t size, std::shared_ptr<BlobSource> source,
                                                  std::chrono::milliseconds timeout,
                                                  std::function<void(const BlobEvent&)> progress = {});
  asio::awaitable<core::Result<void>> blob_fetched(core::Bytes hash);

  // --- Attachments (spec §12) ---------------------------------------------------------------
  // Encrypts `file` as `media_type` (spec §12.1's table) into the media folder under a fresh key,
  // unless an earlier call prepared this file (unchanged) with this type and caption and its message
  // was not sent yet (a run broken off): then that one, whose upload the server may partly hold
  // (media/prepared_uploads.h).
  core::Result<media::PreparedAttachment> prepare_file(const std::filesystem::path& file, const std::string& media_type,
                                                       const std::string& caption);
  // Uploads a prepared attachment (going on where a broken-off upload of it stopped: call it again
  // after connect()) and sends it to `peer_account`; the message id once the server holds every copy.
  asio::awaitable<core::Result<std::uint64_t>> send_attachment(std::uint64_t peer_account,
                                                               media::PreparedAttachment prepared,
                                                               std::function<void(const BlobEvent&)> progress = {});
  // Sends the attachment `message` carries to `peer_account` with the same key and upload (spec
  // §7.1): while the server holds the blob and lets this device read it (its uploader or a
  // recipient), nothing is uploaded; otherwise the upload is made again from `original` (the file,
  // as saved or sent) and uploaded, or, without it, `not_found`. A file that is not the one the
  // message describes is `malformed`. The message id once the server holds every copy.
  asio::awaitable<core::Result<std::uint64_t>> forward_attachment(std::uint64_t peer_account, const StoredMessage& message,
                                                                  std::optional<std::filesystem::path> original = {},
                                                                  std::function<void(const BlobEvent&)> progress = {});
  // prepare_file, then send_attachment.
  asio::awaitable<core::Result<std::uint64_t>> send_file(std::uint64_t peer_account, std::filesystem::path file,
                                                         std::string media_type, std::string caption,
                                                         std::function<void(const BlobEvent&)> progress = {});
  // Saves the attachment `message` carries to `out` (by default the media folder, under its file
  // name): downloaded into a partial file (a download broken off goes on there), checked and
  // decrypted (nothing is written under `out` unless every check passed), and then the server is
  // told this device has it. Returns where it went.
  asio::awaitable<core::Result<std::filesystem::path>> save_attachment(const StoredMessage& message,
                                                                       std::optional<std::filesystem::path> out = {},
                                                                       std::function<void(const BlobEvent&)> progress = {});
  // The profile's folder for attachments and their uploads, the user's alone.
  std::filesystem::path media_dir() const { return profile_ / "media"; }

  const LocalIdentity& identity() const { return engine_->identity(); }
  DeviceStore& store() { return *store_; }
  // Every event the engine reported, in order.
  const std::vector<Event>& events() const { return events_; }

 private:
  Client(std::unique_ptr<DeviceStore> store, std::unique_ptr<Engine> engine);
  // Until the group's verified log reaches `version` (its GroupEvent), or the first failure reported
  // after event `from`.
  asio::awaitable<core::Result<void>> wait_group(std::uint64_t chat, std::uint64_t version, std::size_t from);
  // Until the server holds every copy of message `id` (its SentEvent), or why not.
  asio::awaitable<core::Result<std::uint64_t>> wait_sent(std::uint64_t id);
  // Sends a media message whose blob the server holds; the id once it holds every copy.
  asio::awaitable<core::Result<std::uint64_t>> send_media(std::uint64_t peer_account, wire::MediaBody media);
  asio::awaitable<void> read_loop(std::shared_ptr<transport::net::Connection> connection);
  asio::awaitable<core::Result<void>> write(EngineOutput out);
  asio::awaitable<core::Result<void>> restart();
  // Waits until `done()` holds, the connection fails, or `timeout` passes.
  template <typename Done>
  asio::awaitable<core::Result<void>> wait(Done done, std::chrono::milliseconds timeout);
  // Writes what starting a transfer said, then waits for the transfer's end.
  asio::awaitable<core::Result<void>> run_transfer(const core::Bytes& hash, core::Result<EngineOutput> started,
                                                   std::chrono::milliseconds timeout,
                                                   const std::function<void(const BlobEvent&)>& progress);

  crypto::SystemEntropy entropy_;
  std::filesystem::path profile_;
  int profile_lock_ = -1;  // the descriptor holding the profile's lock
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
  std::map<core::Bytes, std::size_t> transfer_from_;  // events_.size() when each blob's transfer began
  // Cleared when the Client goes: a read loop still suspended on its (closed) connection checks it
  // before touching the Client again.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace parley::client
