// Signed device lists at the server (spec §7.2, §8.3): the primary publishes its account's list;
// any device asks for an account's list. The server stores and serves the signed bytes, adding the
// registry's incarnations, which are not signed.
#pragma once

#include <cstdint>
#include <map>

#include "parley/core/bytes.h"

namespace parley::wire {

// device -> server.
struct GetDeviceList {
  std::uint64_t account = 0;
  friend bool operator==(const GetDeviceList&, const GetDeviceList&) = default;
};

// primary -> server: `version` must be the signed list's own.
struct PutDeviceList {
  std::uint64_t account = 0;
  std::uint64_t version = 0;
  core::Bytes signed_list;
  friend bool operator==(const PutDeviceList&, const PutDeviceList&) = default;
};

// server -> device: the reply to getDeviceList (frames.capnp `deviceList`).
struct DeviceListReply {
  std::uint64_t account = 0;
  std::uint64_t version = 0;
  core::Bytes signed_list;
  // device id -> its current incarnation, from the server's registry (not signed): what a send names.
  std::map<std::uint32_t, std::uint64_t> incarnations;
  friend bool operator==(const DeviceListReply&, const DeviceListReply&) = default;
};

}  // namespace parley::wire
