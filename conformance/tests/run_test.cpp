// The verify run's contract: one line per case, exactly one summary line last, and the exit
// status (0 all passed, 1 a failure or nothing passed, 2 unreadable input or a malformed case).
#include "parley/conformance/run.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace parley::conformance {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

constexpr std::string_view kPassing = R"({"type":"hmac-sha256","version":1,"cases":[
  {"id":"tc2","key":"4a656665","data":"7768617420646f2079612077616e7420666f72206e6f7468696e673f",
   "mac":"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"}]})";
constexpr std::string_view kFailing = R"({"type":"hmac-sha256","version":1,"cases":[
  {"id":"wrong","key":"4a656665","data":"00","mac":"5bdcc146"}]})";
constexpr std::string_view kUnknown = R"({"type":"sender-keys","version":1,"cases":[{"id":"fp"}]})";
constexpr std::string_view kMalformed = R"({"type":"hmac-sha256","version":1,"cases":[
  {"id":"broken","key":"4a656665","data":"xyz","mac":"00"}]})";

TEST(conformance_run, SummaryLineAndExitCodes) {
  EXPECT_EQ(summary_line({3, 1, 2, 0}), "3 passed, 1 failed, 2 skipped");
  EXPECT_EQ(exit_code({3, 0, 2, 0}), 0);
  EXPECT_EQ(exit_code({3, 1, 0, 0}), 1);
  EXPECT_EQ(exit_code({0, 0, 5, 0}), 1);  // nothing passed: nothing was shown to conform
  EXPECT_EQ(exit_code({0, 0, 0, 0}), 1);
  EXPECT_EQ(exit_code({3, 1, 0, 1}), 2);
  EXPECT_EQ(exit_code({3, 0, 0, 1}), 2);
}

TEST(conformance_run, CaseLines) {
  EXPECT_EQ(case_line("f.json", "a b", Outcome::pass()), "PASS f.json a b");
  EXPECT_EQ(case_line("f.json", "a", Outcome::pass("rejected with bad_key")), "PASS f.json a");
  EXPECT_EQ(case_line("f.json", "a", Outcome::pass("rejected with bad_key"), true),
            "PASS f.json a: rejected with bad_key");
  EXPECT_EQ(case_line("f.json", "a", Outcome::fail("why")), "FAIL f.json a: why");
  EXPECT_EQ(case_line("f.json", "a", Outcome::skip("unsupported type 'x'")),
            "SKIP f.json a: unsupported type 'x'");
}

TEST(conformance_run, OneLinePerCaseThenTheSummary) {
  std::ostringstream out, err;
  VerifyRun run(out, err);
  run.verify_text("pass.json", kPassing);
  run.verify_text("fail.json", kFailing);
  run.verify_text("unknown.json", kUnknown);
  EXPECT_EQ(run.finish(), 1);
  const auto got = lines(out.str());
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], "PASS pass.json tc2");
  EXPECT_EQ(got[1].rfind("FAIL fail.json wrong: mac differs", 0), 0u) << got[1];
  EXPECT_EQ(got[2], "SKIP unknown.json fp: unsupported type 'sender-keys'");
  EXPECT_EQ(got[3], "1 passed, 1 failed, 1 skipped");
  EXPECT_TRUE(err.str().empty());
}

TEST(conformance_run, AllPassingExitsZero) {
  std::ostringstream out, err;
  VerifyRun run(out, err);
  run.verify_text("pass.json", kPassing);
  run.verify_text("unknown.json", kUnknown);
  EXPECT_EQ(run.finish(), 0);
  EXPECT_EQ(lines(out.str()).back(), "1 passed, 0 failed, 1 skipped");
}

TEST(conformance_run, MalformedCaseExitsTwoNamingFileCaseAndField) {
  std::ostringstream out, err;
  VerifyRun run(out, err);
  run.verify_text("pass.json", kPassing);
  run.verify_text("broken.json", kMalformed);
  EXPECT_EQ(run.finish(), 2);
  const auto got = lines(out.str());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].rfind("FAIL broken.json broken: malformed vector", 0), 0u) << got[1];
  EXPECT_EQ(got[2], "1 passed, 1 failed, 0 skipped");
  for (std::string_view m : {"broken.json", "case 'broken'", "field 'data'"})
    EXPECT_NE(err.str().find(m), std::string::npos) << m << " not in " << err.str();
}

TEST(conformance_run, UnreadableFilesExitTwoAndTheSummaryIsStillLast) {
  std::ostringstream out, err;
  VerifyRun run(out, err);
  run.verify_text("pass.json", kPassing);
  run.verify_text("garbage.json", "{\"type\": ");
  run.verify_path("/nonexistent/parley/vectors.json");
  run.verify_path("/");
  EXPECT_EQ(run.summary().errors, 3u);
  EXPECT_EQ(run.finish(), 2);
  EXPECT_EQ(lines(out.str()).back(), "1 passed, 0 failed, 0 skipped");
  for (std::string_view m : {"garbage.json", "not JSON", "/nonexistent/parley/vectors.json", "directory"})
    EXPECT_NE(err.str().find(m), std::string::npos) << m << " not in " << err.str();
}

}  // namespace
}  // namespace parley::conformance
