// Sending to a group (spec §11.3): a group message waits for the group's verified log and every
// member account's verified device list, makes sure every member device (our own other devices
// included) holds this device's current sender key, sending the key over pairwise sessions (the
// outbox) to those that do not, and then goes as one groupSend: one sender-key ciphertext that the
// server copies to every device it names, all or nothing. A refusal re-plans: lists fetched again
// for the accounts whose devices differ, the log fetched again when it moved on.
//
// Rekey (spec §11.3): before a message is encrypted, a device that holds the current key but is no
// longer among the recipients (its account left or was removed, or the device left its account)
// makes this device discard its key and distribute a fresh one, so that nothing sent after the
// removal is readable with the old one; a newcomer gets the key at its current iteration, so that
// nothing sent before it joined is readable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "context.h"
#include "device_lists.h"
#include "groups.h"
#include "outbox.h"
#include "retry.h"

namespace parley::client::engine {

class GroupSends {
 public:
  GroupSends(EngineContext& ctx, DeviceListCache& lists, Groups& groups, Outbox& outbox, Retry& retry)
      : ctx_(ctx), lists_(lists), groups_(groups), outbox_(outbox), retry_(retry) {}

  // The group messages the store holds unsent, queued again with the same ids.
  core::Result<void> load();
  bool idle() const { return entries_.empty(); }

  // A text or an attachment for the group of `chat`, stored as outgoing; its message id.
  core::Result<std::uint64_t> add(std::uint64_t chat, std::string text, std::optional<wire::MediaBody> media);
  // Every group message as far as logs, lists and keys allow.
  Output advance();
  Output on_send_ack(const GroupSendRequest& request, const wire::SendAck& ack);
  Output on_send_refused(const GroupSendRequest& request, const wire::ErrorFrame& refusal);
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    core::Bytes group;
    std::uint64_t chat = 0;
    std::uint64_t timestamp_ms = 0;
    std::string text;
    std::optional<wire::MediaBody> media;
    core::Bytes ciphertext;   // the group message, once made
    core::Bytes made_with;    // the distribution id it was made with
    std::uint64_t made_version = 0;  // the membership version its content names
    std::vector<wire::GroupRecipient> recipients;  // of the send in flight
    bool in_flight = false;
    std::uint32_t replans = 0;
  };
  Output advance(std::uint64_t message_id, Entry& entry);
  // This device's current key for the group: made (and the holders cleared) when there is none or
  // when a holder is no longer a recipient. Returns its distribution id.
  core::Result<core::Bytes> current_key(const core::Bytes& group, const std::vector<wire::GroupRecipient>& recipients);
  // The key's distribution message for a member account's devices, over the pairwise sessions.
  core::Result<void> distribute(const core::Bytes& group, const core::Bytes& distribution, std::uint64_t account);
  core::Result<void> encrypt(std::uint64_t message_id, Entry& entry, const core::Bytes& distribution);
  Output fail(std::uint64_t message_id, core::Error error);

  EngineContext& ctx_;
  DeviceListCache& lists_;
  Groups& groups_;
  Outbox& outbox_;
  Retry& retry_;
  std::map<std::uint64_t, Entry> entries_;  // by message id
};

}  // namespace parley::client::engine
