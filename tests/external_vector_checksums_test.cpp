// tests/data/external/ holds byte-for-byte copies of vectors nobody on this project wrote, and
// SOURCES.md lists the SHA-256 of each copy (a fenced block of `<hex>  <file>` lines, the format of
// `sha256sum`). This test holds the folder to that list: a changed byte, a listed file that is
// missing and a file nobody listed all fail, so a copy cannot drift from its upstream unnoticed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "parley/core/hex.h"
#include "parley/crypto/hash.h"

namespace parley {
namespace {

namespace fs = std::filesystem;

constexpr const char* kListName = "SOURCES.md";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ChecksumList {
  std::map<std::string, std::string> digests;  // file name -> lowercase hex
  std::vector<std::string> problems;           // lines that are not `<hex>  <file>`, repeats
};

// The fenced blocks of `markdown` whose lines are checksum lines; SOURCES.md has one. A line in
// such a block that does not parse is a problem, never skipped.
ChecksumList parse_checksums(const std::string& markdown) {
  static const std::regex line_format("([0-9a-f]{64})  ([^/\\s]+)");
  static const std::regex looks_like_checksum("[0-9a-fA-F]{64}\\s.*");
  ChecksumList out;
  std::istringstream in(markdown);
  bool fenced = false;
  std::vector<std::string> block;
  auto take_block = [&] {
    bool has_checksum = false;
    for (const auto& l : block) has_checksum = has_checksum || std::regex_match(l, looks_like_checksum);
    if (!has_checksum) return;  // a block of something else (a shell command, say)
    for (const auto& l : block) {
      std::smatch m;
      if (l.empty()) continue;
      if (!std::regex_match(l, m, line_format)) {
        out.problems.push_back("not a `<sha256 hex>  <file>` line: '" + l + "'");
      } else if (!out.digests.emplace(m[2].str(), m[1].str()).second) {
        out.problems.push_back("listed twice: " + m[2].str());
      }
    }
  };
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("```", 0) == 0) {
      if (fenced) take_block();
      fenced = !fenced;
      block.clear();
    } else if (fenced) {
      block.push_back(line);
    }
  }
  if (fenced) out.problems.push_back("a fenced block is not closed");
  return out;
}

// Every way `dir` differs from its SOURCES.md list, one message each.
std::vector<std::string> check_folder(const fs::path& dir) {
  const auto list = parse_checksums(read_file(dir / kListName));
  std::vector<std::string> problems = list.problems;
  if (list.digests.empty()) problems.push_back(std::string(kListName) + " lists no checksums");
  for (const auto& [name, expected] : list.digests) {
    const fs::path path = dir / name;
    if (!fs::is_regular_file(path)) {
      problems.push_back(name + " is listed but missing");
      continue;
    }
    const auto bytes = read_file(path);
    const auto actual = core::to_hex(crypto::sha256(core::as_bytes(bytes)));
    if (actual != expected)
      problems.push_back(name + ": SHA-256 is " + actual + ", the list says " + expected);
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name != kListName && !list.digests.count(name))
      problems.push_back(name + " is in the folder but has no checksum in " + kListName);
  }
  return problems;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "\n  " + l;
  return out;
}

TEST(external_vector_checksums, EveryCopyMatchesSourcesMd) {
  const fs::path dir = fs::path(PARLEY_SOURCE_DIR) / "tests/data/external";
  const auto list = parse_checksums(read_file(dir / kListName));
  EXPECT_EQ(list.digests.size(), 11u);  // one line per copied file
  const auto problems = check_folder(dir);
  EXPECT_TRUE(problems.empty()) << "tests/data/external/ differs from SOURCES.md:" << joined(problems);
}

// The checker itself: a folder with each kind of drift must be caught, or the test above proves
// nothing.
class external_vector_checksums_drift : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parley-checksums-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("a.json", "{}\n");
    write("b.json", "[]\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  static std::string digest(const std::string& text) {
    return core::to_hex(crypto::sha256(core::as_bytes(text)));
  }
  void write_list(const std::string& lines) {
    write(kListName,
          "# Copies\n\n```\n" + lines + "```\n\n```\ncd tests/data/external && sha256sum -c\n```\n");
  }
  std::string problems() { return joined(check_folder(dir_)); }

  fs::path dir_;
};

TEST_F(external_vector_checksums_drift, AMatchingFolderPasses) {
  write_list(digest("{}\n") + "  a.json\n" + digest("[]\n") + "  b.json\n");
  EXPECT_EQ(problems(), "");
}

TEST_F(external_vector_checksums_drift, AChangedByteIsCaught) {
  write_list(digest("{}\n") + "  a.json\n" + digest("[]\n") + "  b.json\n");
  write("b.json", "[ ]\n");
  EXPECT_NE(problems().find("b.json: SHA-256 is " + digest("[ ]\n")), std::string::npos) << problems();
}

TEST_F(external_vector_checksums_drift, AListedFileThatIsMissingIsCaught) {
  write_list(digest("{}\n") + "  a.json\n" + digest("[]\n") + "  b.json\n" + digest("x") + "  c.json\n");
  EXPECT_NE(problems().find("c.json is listed but missing"), std::string::npos) << problems();
}

TEST_F(external_vector_checksums_drift, AnUnlistedFileIsCaught) {
  write_list(digest("{}\n") + "  a.json\n");
  EXPECT_NE(problems().find("b.json is in the folder but has no checksum"), std::string::npos) << problems();
}

TEST_F(external_vector_checksums_drift, ABrokenOrRepeatedLineIsCaught) {
  write_list(digest("{}\n") + "  a.json\n" + digest("[]\n") + " b.json\n");  // one space
  EXPECT_NE(problems().find("not a `<sha256 hex>  <file>` line"), std::string::npos) << problems();
  write_list(digest("{}\n") + "  a.json\n" + digest("[]\n") + "  b.json\n" + digest("{}\n") + "  a.json\n");
  EXPECT_NE(problems().find("listed twice: a.json"), std::string::npos) << problems();
  write_list("");
  EXPECT_NE(problems().find("lists no checksums"), std::string::npos) << problems();
}

}  // namespace
}  // namespace parley
