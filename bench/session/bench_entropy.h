// Deterministic randomness for the session benchmarks: every run draws the same keys, so two runs
// (and the implementations within one run) do the same work. Parley draws its keys through it as an
// Entropy, and the peers' random-byte arguments are filled from it too (fill_bytes).
#pragma once

#include "parley/crypto/entropy.h"

namespace parley::bench {

using crypto::StreamEntropy;

}  // namespace parley::bench
