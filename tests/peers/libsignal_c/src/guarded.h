// libsignal-protocol-c calls our callbacks from C, so no exception may leave them: an allocation
// failure becomes SG_ERR_NOMEM, anything else (a Botan failure) SG_ERR_UNKNOWN.
#pragma once

#include <signal_protocol.h>

#include <new>

namespace parley::testing::libsignal_c {

template <typename F>
int guarded(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return SG_ERR_NOMEM;
  } catch (...) {
    return SG_ERR_UNKNOWN;
  }
}

}  // namespace parley::testing::libsignal_c
