// The device's store in its own SQLite file (WAL, synchronous=FULL): what the reference client
// keeps in its profile directory. A device restarted from the file is the same device.
//
// The file holds private keys: it is as secret as the device itself (mode 0600, in the profile
// directory). In memory, private keys live in SecretBytes and are wiped when dropped.
// Threads: one store per thread.
#pragma once

#include <filesystem>
#include <memory>

#include "parley/client/store/device_store.h"

namespace parley::client {

core::Result<std::unique_ptr<DeviceStore>> open_sqlite_device_store(const std::filesystem::path& file);

}  // namespace parley::client
