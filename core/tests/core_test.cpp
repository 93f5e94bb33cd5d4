#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sstream>

#include "parley/core/error.h"
#include "parley/core/hex.h"
#include "parley/core/secret_bytes.h"

namespace parley::core {
namespace {

TEST(Hex, EncodesLowercase) { EXPECT_EQ(to_hex(Bytes{0x00, 0xab, 0xff}), "00abff"); }

TEST(Hex, DecodesBothCases) { EXPECT_EQ(from_hex("00AbfF").value(), (Bytes{0x00, 0xab, 0xff})); }

TEST(Hex, OddLengthIsMalformed) {
  auto r = from_hex("abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::malformed);
}

TEST(Hex, BadCharacterIsMalformedAndNamesOffset) {
  auto r = from_hex("00zz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::malformed);
  EXPECT_NE(r.error().detail.find("offset 2"), std::string::npos);
}

RC_GTEST_PROP(Hex, RoundTrips, (const std::vector<std::uint8_t>& bytes)) {
  RC_ASSERT(from_hex(to_hex(bytes)).value() == bytes);
}

TEST(Errc, NamesRoundTrip) {
  for (Errc e : {Errc::malformed, Errc::bad_signature, Errc::decrypt_failed, Errc::limit_exceeded, Errc::internal,
                 Errc::not_found, Errc::conflict, Errc::storage_failure, Errc::queue_full, Errc::message_too_large,
                 Errc::device_mismatch, Errc::expired, Errc::replayed, Errc::unauthorized, Errc::rate_limited}) {
    EXPECT_EQ(errc_from_name(errc_name(e)), e);
  }
  EXPECT_FALSE(errc_from_name("no_such_error").has_value());
}

Result<int> half(int x) {
  if (x % 2) return make_error(Errc::malformed, "odd");
  return x / 2;
}

Result<int> quarter(int x) {
  PARLEY_TRY(int h, half(x));
  PARLEY_TRY(int q, half(h));
  return q;
}

TEST(Result, PropagatesFirstError) {
  EXPECT_EQ(quarter(8).value(), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().detail, "odd");
  EXPECT_EQ(to_string(r.error()), "malformed: odd");
}

TEST(SecretBytes, PrintingNeverShowsTheBytes) {
  SecretBytes s(from_hex("deadbeefcafe").value());
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str().find("dead"), std::string::npos);
  EXPECT_EQ(os.str().find("de ad"), std::string::npos);
  EXPECT_NE(os.str().find("redacted"), std::string::npos);
}

TEST(SecretBytes, MovedFromIsEmpty) {
  SecretBytes a(Bytes{1, 2, 3});
  SecretBytes b(std::move(a));
  EXPECT_EQ(b.size(), 3u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the point of the test
}

TEST(SecretBytes, SecureZeroClears) {
  Bytes buf{1, 2, 3, 4};
  secure_zero(buf.data(), buf.size());
  EXPECT_EQ(buf, (Bytes{0, 0, 0, 0}));
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal(Bytes{1, 2}, Bytes{1, 2}));
  EXPECT_FALSE(constant_time_equal(Bytes{1, 2}, Bytes{1, 3}));
  EXPECT_FALSE(constant_time_equal(Bytes{1, 2}, Bytes{1, 2, 3}));
  EXPECT_TRUE(constant_time_equal(Bytes{}, Bytes{}));
}

}  // namespace
}  // namespace parley::core
