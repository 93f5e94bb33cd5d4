// Records and handshake payloads of the Parley channel (spec §6.8): layouts, bounds at N and N+1,
// and every malformed input's typed error.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "parley/core/hex.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/channel/payloads.h"
#include "parley/transport/channel/records.h"
#include "parley/transport/channel/limits.h"

namespace parley::transport::channel {
namespace {

using core::Errc;

TEST(ChannelRecords, LayoutIsKindThenBigEndianLength) {
  core::Bytes out;
  ASSERT_TRUE(append_handshake_record(out, RecordKind::ik, core::Bytes(0x0102, 0xaa)).ok());
  ASSERT_EQ(out.size(), 3u + 0x0102);
  EXPECT_EQ(core::to_hex(core::BytesView(out).first(3)), "020102");
  out.clear();
  ASSERT_TRUE(append_transport_record(out, core::Bytes(16, 0xbb)).ok());
  EXPECT_EQ(core::to_hex(core::BytesView(out).first(2)), "0010");
}

TEST(ChannelRecords, MessageLengthLimitAtNAndNPlusOne) {
  core::Bytes out;
  EXPECT_TRUE(append_transport_record(out, core::Bytes(kMaxRecordLength)).ok());
  const auto before = out;
  auto over = append_transport_record(out, core::Bytes(kMaxRecordLength + 1));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.code(), Errc::limit_exceeded);
  EXPECT_EQ(out, before);
  EXPECT_EQ(append_handshake_record(out, RecordKind::xx, core::Bytes(kMaxRecordLength + 1)).code(),
            Errc::limit_exceeded);
}

TEST(ChannelRecords, ReaderWaitsForWholeRecordsAndFreesItsBuffer) {
  core::Bytes wire;
  ASSERT_TRUE(append_transport_record(wire, core::Bytes(40, 1)).ok());
  ASSERT_TRUE(append_transport_record(wire, core::Bytes(17, 2)).ok());
  RecordReader reader;
  std::vector<core::Bytes> got;
  for (const auto byte : wire) {
    reader.append(core::BytesView(&byte, 1));
    for (;;) {
      auto record = reader.take_transport_record();
      ASSERT_TRUE(record.ok());
      if (!*record) break;
      got.emplace_back(record->value().begin(), record->value().end());
    }
    reader.compact();
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], core::Bytes(40, 1));
  EXPECT_EQ(got[1], core::Bytes(17, 2));
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(ChannelRecords, ARecordSplitAcrossAppendsIsCarriedOverAndWholeOnesAreReadInPlace) {
  core::Bytes wire;
  ASSERT_TRUE(append_transport_record(wire, core::Bytes(40, 1)).ok());
  ASSERT_TRUE(append_transport_record(wire, core::Bytes(30, 2)).ok());
  RecordReader reader;
  const core::BytesView all(wire);
  reader.append(all.first(50));  // the first record whole, 8 bytes of the second
  auto first = reader.take_transport_record();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ(first->value().data(), all.data() + 2);  // in place
  EXPECT_FALSE(reader.take_transport_record().value().has_value());
  reader.compact();
  EXPECT_EQ(reader.buffered(), 8u);
  reader.append(all.subspan(50));
  auto second = reader.take_transport_record();
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ(core::Bytes(second->value().begin(), second->value().end()), core::Bytes(30, 2));
  reader.compact();
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(ChannelRecords, RejectsUnknownKindsAndImpossibleLengths) {
  for (const char* hex : {"000020", "040020", "ff0020"}) {
    RecordReader reader;
    const auto bytes = core::from_hex(hex).value();  // the reader reads in place until compact()
    reader.append(bytes);
    EXPECT_EQ(reader.take_handshake_record().code(), Errc::malformed) << hex;
  }
  RecordReader short_handshake;
  const auto short_handshake_bytes = core::from_hex("01001f").value();  // 31 < one ephemeral key
  short_handshake.append(short_handshake_bytes);
  EXPECT_EQ(short_handshake.take_handshake_record().code(), Errc::malformed);
  RecordReader short_transport;
  const auto short_transport_bytes = core::from_hex("000f").value();  // 15 < one tag
  short_transport.append(short_transport_bytes);
  EXPECT_EQ(short_transport.take_transport_record().code(), Errc::malformed);
}

TEST(ChannelPayloads, ClientPayloadLayout) {
  const ClientPayload payload{kFrameProtocolVersion, {0x0102030405060708, 0x0a0b0c0d}};
  const auto bytes = encode(payload);
  EXPECT_EQ(core::to_hex(bytes), "000101020304050607080a0b0c0d");
  EXPECT_EQ(decode_client_payload(bytes).value(), payload);
}

TEST(ChannelPayloads, WrongLengthsAndVersions) {
  const auto good = encode(ClientPayload{kFrameProtocolVersion, {1, 1}});
  EXPECT_EQ(decode_client_payload(core::BytesView(good).first(kClientPayloadSize - 1)).code(), Errc::malformed);
  auto longer = good;
  longer.push_back(0);
  EXPECT_EQ(decode_client_payload(longer).code(), Errc::malformed);
  auto other_version = good;
  other_version[1] = 2;
  EXPECT_EQ(decode_client_payload(other_version).code(), Errc::unsupported_version);
  EXPECT_EQ(decode_server_payload(core::from_hex("0002").value()).code(), Errc::unsupported_version);
  EXPECT_EQ(decode_server_payload(core::from_hex("000100").value()).code(), Errc::malformed);
  EXPECT_EQ(decode_server_payload(encode(ServerPayload{kFrameProtocolVersion})).value().version,
            kFrameProtocolVersion);
}

RC_GTEST_PROP(ChannelPayloadLaws, ClientPayloadRoundTrips, (std::uint64_t account, std::uint32_t device)) {
  const ClientPayload payload{kFrameProtocolVersion, {account, device}};
  RC_ASSERT(decode_client_payload(encode(payload)).value() == payload);
}

}  // namespace
}  // namespace parley::transport::channel
