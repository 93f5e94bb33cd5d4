// libsignal's wire layout (spec §5.6): the size bound at N and N + 1. The layout's other rules are
// checked by the external signal-transcript vectors and the session tests over both layouts.
#include "parley/wire/libsignal_codec.h"

#include <gtest/gtest.h>

namespace parley::wire {
namespace {

using core::Errc;

// A SignalMessage with the MAC appended whose encoding is exactly `size` bytes (the ciphertext's
// length prefix grows with it, so the size is found by adjusting and encoding again).
core::Bytes signal_message_of_size(std::size_t size) {
  const LibsignalCodec codec;
  protocol::SignalMessage m;
  m.ratchet_key.fill(9);
  m.counter = 7;
  std::size_t ciphertext = size;
  for (int tries = 0; tries < 8; ++tries) {
    m.ciphertext.assign(ciphertext, 0x5a);
    auto wire = codec.encode_signal_message(m);
    wire.insert(wire.end(), protocol::kMacSize, 0xc0);
    if (wire.size() == size) return wire;
    ciphertext = ciphertext + size - wire.size();
  }
  ADD_FAILURE() << "no message of " << size << " bytes";
  return {};
}

TEST(LibsignalCodec, SizeLimitAtNAndNPlusOne) {
  const LibsignalCodec codec;
  const auto at = signal_message_of_size(kMaxLibsignalMessageSize);
  ASSERT_EQ(at.size(), kMaxLibsignalMessageSize);
  const auto decoded = codec.decode_signal_message(at);
  ASSERT_TRUE(decoded.ok()) << core::to_string(decoded.error());
  EXPECT_EQ(decoded->fields.counter, 7u);
  const auto over = signal_message_of_size(kMaxLibsignalMessageSize + 1);
  ASSERT_EQ(over.size(), kMaxLibsignalMessageSize + 1);
  EXPECT_EQ(codec.decode_signal_message(over).code(), Errc::malformed);
}

}  // namespace
}  // namespace parley::wire
