// The device's store in memory, with the same rules as the SQLite one (the store tests run over
// both): for the simulation and the failure-injection tests, where "restart from disk" means
// "from what the last commit left".
#pragma once

#include <memory>

#include "parley/client/store/device_store.h"

namespace parley::client {

std::unique_ptr<DeviceStore> make_memory_device_store();
// A new memory store holding what `store` (a memory store) committed: a snapshot to start many runs
// from (the engine's fuzz target does). Null for any other kind of store.
std::unique_ptr<DeviceStore> copy_memory_device_store(const DeviceStore& store);

}  // namespace parley::client
