// Private to crypto/: the one place that knows Botan and libsodium, and turns their failures into
// Error so that no backend exception crosses the layer edge.
#pragma once

#include <botan/exceptn.h>

#include <exception>
#include <string>

#include "parley/core/error.h"

namespace parley::crypto::detail {

// Initializes libsodium once (thread-safe, idempotent); every entry point that uses it calls this.
void ensure_sodium();

// Runs `f`, mapping a Botan exception to `on_botan_error` (decrypt_failed for authentication,
// malformed for bad lengths) and anything else to `internal`.
template <typename F>
auto guard(core::Errc on_botan_error, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Botan::Exception& e) {
    return core::make_error(on_botan_error, e.what());
  } catch (const std::exception& e) {
    return core::make_error(core::Errc::internal, e.what());
  }
}

}  // namespace parley::crypto::detail
