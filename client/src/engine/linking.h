// Linking (spec §8.2) through the server: the companion's QR code, the primary's linkDevice and
// approval, the companion's login by key and confirmation, and the primary's new device list; and
// removal. The state machines are protocol/devices; this is where their messages travel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "context.h"
#include "device_lists.h"
#include "parley/protocol/devices/linking.h"

namespace parley::client::engine {

class Linking {
 public:
  Linking(EngineContext& ctx, DeviceListCache& lists) : ctx_(ctx), lists_(lists) {}

  // --- Companion ---
  core::Result<std::string> start(core::Bytes server_ref);
  bool waiting() const { return companion_.has_value(); }
  // The first login by key brought the primary's approval: checked, the account key taken from it,
  // and the confirmation to send. Nothing (no approval yet) until the primary approved.
  struct Approved {
    LinkedEvent linked;
    core::Bytes confirmation;  // the linkConfirmation frame
  };
  core::Result<std::optional<Approved>> on_approval(const wire::LoggedIn& logged_in);

  // --- Primary ---
  Output link(std::string_view qr_text);
  Output on_device_linked(const wire::DeviceLinked& linked);
  Output on_confirmation(const wire::LinkConfirmation& confirmation);
  Output remove(std::uint32_t device);
  // The linkers live in memory only (a link is a minute's conversation): what an input changed in
  // them is taken back when its unit of work rolls back, so that the same input again (the server
  // delivering it again, the person scanning again) finds them as they were.
  struct Saved {
    std::optional<protocol::devices::CompanionLinker> companion;
    std::optional<protocol::devices::PrimaryLinker> primary;
  };
  Saved save() const { return {companion_, primary_}; }
  void restore(Saved saved) {
    companion_ = std::move(saved.companion);
    primary_ = std::move(saved.primary);
  }

  // A new primary's first device list (itself alone), unless it has one.
  Output publish_first_list();
  // By the engine's clock, the primary publishes its list again (version + 1, the same devices)
  // once it is kDeviceListRepublishMs old, so that verifiers, who refuse lists older than
  // kDeviceListMaxAgeMs (spec §8.3), never see one expire.
  Output republish_if_due();

 private:
  protocol::devices::PrimaryLinker& primary();
  core::Result<protocol::devices::DeviceList> own_list();
  Output publish(const protocol::devices::DeviceList& list);

  EngineContext& ctx_;
  DeviceListCache& lists_;
  std::optional<protocol::devices::CompanionLinker> companion_;
  std::optional<protocol::devices::PrimaryLinker> primary_;
};

}  // namespace parley::client::engine
