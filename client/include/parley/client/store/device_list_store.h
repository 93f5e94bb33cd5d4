// The device lists this device verified (spec §8.3), one per account, kept to refuse rollbacks and
// to remember each account's key (trusted on first use, spec §8.6).
#pragma once

#include <cstdint>
#include <optional>

#include "parley/client/store/records.h"
#include "parley/core/error.h"

namespace parley::client {

class DeviceListStore {
 public:
  virtual ~DeviceListStore() = default;

  virtual core::Result<std::optional<StoredDeviceList>> device_list(std::uint64_t account) = 0;
  virtual core::Result<void> save_device_list(const StoredDeviceList& list) = 0;
};

}  // namespace parley::client
