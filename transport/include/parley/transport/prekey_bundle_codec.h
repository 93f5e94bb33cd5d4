// A prekey bundle (spec §4.3) in its frames.capnp form, read and written once for every place a
// bundle travels: the server's preKeyBundles reply and a retry request's fresh bundle (spec §8.5).
#pragma once

#include <optional>

#include "parley/core/error.h"
#include "parley/protocol/keys.h"
#include "parley/wire/frames.capnp.h"

namespace parley::transport {

// nullopt for a device that has uploaded no signed prekey yet (nothing can be written to it);
// `bad_key` for a key of the wrong form, `malformed` for a signature of the wrong size. The
// signature is not checked here: protocol::verify_bundle does that.
core::Result<std::optional<protocol::PreKeyBundle>> read_prekey_bundle(wire::PreKeyBundle::Reader bundle);

void write_prekey_bundle(wire::PreKeyBundle::Builder out, const protocol::PreKeyBundle& bundle, std::uint64_t incarnation);

}  // namespace parley::transport
