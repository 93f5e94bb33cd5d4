// The server's handling of client frames (spec §7.2, §7.3): registration and login, prekeys,
// device lists, sends into mailboxes, acknowledgements, delivery, blobs. Synchronous over a Store
// and free of sockets: the server runs it on its storage thread, the fuzz target and the tests
// call it directly (against the in-memory store).
#pragma once

#include <map>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

#include "parley/server/handler/handler_output.h"
#include "parley/server/handler/session_state.h"
#include "parley/server/store/store.h"
#include "parley/transport/frames.h"

namespace parley::server {

// Signal's window of unacknowledged messages per connection (spec §7.3).
inline constexpr std::size_t kMaxInFlight = 256;

// A send frame turned into the store's Send, waiting to be committed with others (group commit).
struct PendingSend {
  std::uint32_t request_id = 0;
  Send send;
};

class FrameHandler {
 public:
  explicit FrameHandler(Store& store) : store_(store) {}

  // The handshake completed. A client that claims a device is logged in if the key the handshake
  // proved is that device's; otherwise `unauthorized` and the session closes. A client that claims
  // nothing (account 0, device 0) may only register.
  HandlerOutput on_established(SessionState& session);

  // Any frame; a send is committed on its own (the server batches through prepare_send instead).
  HandlerOutput handle(SessionState& session, const transport::DecodedFrame& frame);

  // A send frame checked and converted, or the output that refuses it.
  std::variant<PendingSend, HandlerOutput> prepare_send(SessionState& session, const transport::DecodedFrame& frame);
  // The sendAck (the single tick) or the typed error, and the mailboxes to wake.
  HandlerOutput finish_send(const PendingSend& pending, const SendOutcome& outcome);

  // An ack frame: the store ack, or the output that refuses it. The session forgets the message.
  std::variant<MessageAck, HandlerOutput> prepare_ack(SessionState& session, const transport::DecodedFrame& frame);

  // Delivery: up to kMaxInFlight unacknowledged messages pushed, in server id order, then a
  // queueEmpty once the backlog found at login is drained.
  HandlerOutput pump(SessionState& session);

 private:
  HandlerOutput registration(SessionState& session, const transport::DecodedFrame& frame);
  HandlerOutput login(SessionState& session, const transport::DecodedFrame& frame);
  HandlerOutput link_device(SessionState& session, const transport::DecodedFrame& frame);
  HandlerOutput remove_device(SessionState& session, const transport::DecodedFrame& frame);
  HandlerOutput link_approval(SessionState& session, const transport::DecodedFrame& frame);
  HandlerOutput link_confirmation(SessionState& session, const transport::DecodedFrame& frame);
  HandlerOutput retry_request(SessionState& session, const transport::DecodedFrame& frame);
  HandlerOutput upload_prekeys(SessionState& session, const transport::DecodedFrame& frame);
  HandlerOutput fetch_prekeys(const transport::DecodedFrame& frame);
  HandlerOutput get_device_list(const transport::DecodedFrame& frame);
  HandlerOutput put_device_list(SessionState& session, const transport::DecodedFrame& frame);
  core::Result<void> verify_device_list(AccountId account, const SignedDeviceList& list);
  HandlerOutput blob_upload(const transport::DecodedFrame& frame);
  HandlerOutput blob_download(const transport::DecodedFrame& frame);
  HandlerOutput logged_in(SessionState& session, const DeviceRecord& record, std::uint32_t request_id,
                          core::BytesView link_approval = {});
  core::Result<DeviceRecord> authenticate(const SessionState& session,
                                          const transport::channel::DeviceCredentials& claim);

  Store& store_;
  // Approvals waiting for their companion's first login by key (spec §8.2), by the companion's
  // Noise key. Transient pairing state, not mail: kept in memory, at most kMaxPendingApprovals,
  // each for kApprovalLifetimeMs (a QR code lives a minute).
  struct PendingApproval {
    core::Bytes approval;
    TimestampMs stored_at_ms;
  };
  static constexpr std::size_t kMaxPendingApprovals = 1024;
  static constexpr TimestampMs kApprovalLifetimeMs = 10 * 60 * 1000;
  std::map<core::Bytes, PendingApproval> approvals_;
};

}  // namespace parley::server
