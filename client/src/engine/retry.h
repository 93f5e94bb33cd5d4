// Retry on decryption failure (spec §8.5) through the server: this device asks a sender to send a
// message again (with a fresh bundle of its own from the second attempt), and answers such requests
// for the messages it sent by re-encrypting them for the asking device alone. The state machines
// are protocol/retry; messages are named by the server id they arrived under.
#pragma once

#include <cstdint>

#include "context.h"
#include "device_lists.h"
#include "prekey_stock.h"
#include "sessions.h"
#include "parley/protocol/retry/retry.h"

namespace parley::client::engine {

class Retry {
 public:
  Retry(EngineContext& ctx, DeviceListCache& lists, Sessions& sessions, PreKeyStock& prekeys)
      : ctx_(ctx), lists_(lists), sessions_(sessions), prekeys_(prekeys) {}

  // The sends recorded in the store, remembered again (after a restart, too).
  core::Result<void> load();

  // A message from (account, device) under `server_id` did not decrypt: ask for it again, or,
  // after kMaxRetryRequests, tell the person it could not be read (`asking` false: given up).
  struct Asked {
    EngineOutput out;
    bool asking = false;
  };
  core::Result<Asked> ask(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t server_id);
  // The message a resend was for decrypted: stop asking. True if this device asked that sender for
  // it (so that only its own sender's resend settles a message kept on the server).
  bool on_decrypted(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t server_id) {
    return requester_.on_decrypted({sender_account, sender_device, server_id});
  }
  // The server took one of our sends under `server_id` (its copies are recorded in the store).
  void on_sent(std::uint64_t server_id) { responder_.on_sent(server_id); }
  // Another device asks for one of our messages again: answered only if that very device got a copy
  // of the send it names (spec §8.5), never for anyone else who asks.
  Output on_request(const wire::RetryRequest& request);

 private:
  // A group message's resend: its content's group context, and before it a send of this device's
  // current sender key to the asking device alone (nothing when the group or key is gone).
  struct GroupKeyResend {
    wire::GroupContext context;
    core::Bytes frame;
  };
  core::Result<std::optional<GroupKeyResend>> group_resend(std::uint64_t chat, const protocol::fanout::DeviceAddress& to,
                                                           std::uint64_t server_id);

  EngineContext& ctx_;
  DeviceListCache& lists_;
  Sessions& sessions_;
  PreKeyStock& prekeys_;
  protocol::retry::Requester requester_;
  protocol::retry::Responder responder_;
};

}  // namespace parley::client::engine
