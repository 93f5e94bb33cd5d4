// The server's handling of each client frame kind (spec §7.2, §7.3): registration and login,
// linking, prekeys, device lists, sends into mailboxes, acknowledgements, delivery, retry requests
// and blobs. One method per frame kind, synchronous over a Store, free of sockets and of routing:
// the Router (router/router.h) decides which connection a frame came from, dispatches it here, and
// moves what comes out; the runtime and the simulation both drive the Router.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <variant>

#include "parley/protocol/devices/device_list.h"
#include "parley/server/handler/connection_state.h"
#include "parley/server/handler/handler_output.h"
#include "parley/server/store/store.h"
#include "parley/wire/frames/frame.h"

namespace parley::server {

// Signal's window of unacknowledged messages per connection (spec §7.3).
inline constexpr std::size_t kMaxInFlight = 256;
// Link approvals waiting for their companion's first login by key (spec §7.2): transient pairing
// state kept in memory, at most this many, each for kApprovalLifetimeMs (a QR code lives a minute).
inline constexpr std::size_t kMaxPendingApprovals = 1024;
inline constexpr TimestampMs kApprovalLifetimeMs = 10 * 60 * 1000;
// An approval is 153 bytes and a signed identity 152 (spec §8.2); the server keeps and relays them
// without reading them, up to this size.
inline constexpr std::size_t kMaxLinkMessageSize = 512;

// A send frame checked and converted, waiting to be committed with others (group commit).
struct PreparedSend {
  std::uint32_t request_id = 0;
  Send send;
};

class FrameHandler {
 public:
  explicit FrameHandler(Store& store) : store_(store) {}

  // The handshake completed. A client that claims a device is logged in if the key the handshake
  // proved is that device's; otherwise `unauthorized` and the connection closes. A client that
  // claims nothing (account 0, device 0) may only register or log in by key.
  HandlerOutput on_established(ConnectionState& connection);

  // Frames a client may send before it is logged in.
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::Register& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::Login& frame);
  // The rest need a logged-in connection (the Router checks that first).
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::LinkDevice& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::RemoveDevice& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::LinkApproval& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::LinkConfirmation& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::RetryRequest& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::UploadPreKeys& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::FetchPreKeys& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::GetDeviceList& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::PutDeviceList& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::BlobUpload& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::BlobDownload& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::BlobStatus& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::BlobFetched& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::GroupLogAppend& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::GroupLogFetch& frame);
  HandlerOutput on(ConnectionState& connection, std::uint32_t id, const wire::RetiredReceipt& frame);

  // A send: checked and converted for the group commit, or the output that refuses it.
  std::variant<PreparedSend, HandlerOutput> prepare_send(ConnectionState& connection, std::uint32_t id,
                                                         const wire::Send& frame);
  // A group send (spec §11.3), likewise: committed with the sends.
  std::variant<PreparedSend, HandlerOutput> prepare_group_send(ConnectionState& connection, std::uint32_t id,
                                                               const wire::GroupSend& frame);
  // The sendAck (the single tick) or the typed error, and the mailboxes to wake.
  HandlerOutput finish_send(const PreparedSend& prepared, const SendOutcome& outcome);
  // An ack: the store's ack (the connection forgets the message), or the output that refuses it.
  std::variant<MessageAck, HandlerOutput> prepare_ack(ConnectionState& connection, std::uint32_t id, const wire::Ack& frame);

  // Delivery: up to kMaxInFlight unacknowledged messages pushed, in server id order, then a
  // queueEmpty once the backlog found at login is drained.
  HandlerOutput pump(ConnectionState& connection);

 private:
  HandlerOutput logged_in(ConnectionState& connection, const DeviceRecord& record, std::uint32_t request_id,
                          core::Bytes link_approval = {});
  core::Result<DeviceRecord> authenticate(const ConnectionState& connection,
                                          const transport::channel::DeviceCredentials& claim);
  core::Result<protocol::devices::DeviceList> verify_device_list(AccountId account, const SignedDeviceList& list);

  // Confirmations the primary has not put in a list yet, as frames to push it (at once if it is
  // online, and again at each of its logins).
  std::vector<core::Bytes> pending_confirmations(AccountId account);

  Store& store_;
  // The link's messages the server carries (spec §8.2), kept until they did their work or for
  // kApprovalLifetimeMs, so that a device that crashed or failed while handling one gets it again
  // at its next login: approvals until their companion confirms (by the companion's Noise key),
  // confirmations until a list names their device (by account and device).
  struct PendingLinkMessage {
    core::Bytes bytes;
    TimestampMs stored_at_ms;
  };
  std::map<core::Bytes, PendingLinkMessage> approvals_;
  std::map<std::pair<AccountId, DeviceId>, PendingLinkMessage> confirmations_;
};

}  // namespace parley::server
