// `parley-conformance generate TYPE`: the vector files this project publishes (spec/vectors/).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parley/core/error.h"

namespace parley::conformance {

// The whole file text (pretty-printed JSON ending in a newline). The output depends only on the
// code and the labelled seed, so regenerating reproduces the committed file byte for byte.
// An unknown type is `unsupported`.
core::Result<std::string> generate(std::string_view type);

std::vector<std::string_view> generator_types();

}  // namespace parley::conformance
