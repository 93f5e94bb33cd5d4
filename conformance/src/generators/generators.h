// The generator of each vector type this project publishes, one source file per type.
#pragma once

#include <string>

#include "parley/core/error.h"

namespace parley::conformance::detail {

core::Result<std::string> generate_crypto_basics();
core::Result<std::string> generate_x3dh();
core::Result<std::string> generate_ratchet_transcript();
core::Result<std::string> generate_session_negative();

}  // namespace parley::conformance::detail
