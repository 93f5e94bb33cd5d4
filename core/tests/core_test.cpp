#include <gtest/gtest.h>
#include "parley/core/hex.h"
TEST(Hex, RoundTrip) { EXPECT_EQ(parley::core::to_hex(parley::core::from_hex("00ff").value()), "00ff"); }
