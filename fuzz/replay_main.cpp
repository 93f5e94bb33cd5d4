// Replay driver: runs corpus files through a fuzz target without libFuzzer, so that the normal
// compiler (and the sanitizer tree) turn every committed corpus input into a regression test.
//
//   <target>_replay PATH...   each PATH is a file, or a directory whose regular files are run
//                             (not recursively, in name order, dot files skipped)
//
// Exits 0 when at least one input ran and none crashed (a crash aborts the process, as under
// libFuzzer); 1 when nothing ran or a path is unreadable, so an empty corpus fails the test.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Optional in libFuzzer; a target that defines it gets it called once, as libFuzzer would.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

bool read_file(const fs::path& path, std::vector<std::uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// Collects the inputs named by one argument; false when the path cannot be used.
bool collect(const fs::path& path, std::vector<fs::path>& inputs) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (!entry.is_regular_file(ec)) continue;
      if (entry.path().filename().string().starts_with(".")) continue;  // .gitkeep and the like
      found.push_back(entry.path());
    }
    if (ec) return false;
    std::sort(found.begin(), found.end());  // a stable order makes a failing run reproducible
    inputs.insert(inputs.end(), found.begin(), found.end());
    return true;
  }
  if (fs::is_regular_file(path, ec)) {
    inputs.push_back(path);
    return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 1;
  }

  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!collect(argv[i], inputs)) {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
      return 1;
    }
  }

  std::size_t ran = 0;
  std::vector<std::uint8_t> data;
  for (const auto& path : inputs) {
    if (!read_file(path, data)) {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], path.c_str());
      return 1;
    }
    // Announced before running, so the log names the input when the target aborts.
    std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), data.size());
    // A copy in a heap block of exactly the input's size, as libFuzzer makes: ASan then sees a
    // read one byte past the end, and an empty input still gets a valid pointer.
    const auto exact = std::make_unique<std::uint8_t[]>(data.size());
    std::copy(data.begin(), data.end(), exact.get());
    LLVMFuzzerTestOneInput(exact.get(), data.size());
    ++ran;
  }

  std::printf("%zu inputs ran\n", ran);
  if (ran == 0) {
    std::fprintf(stderr, "%s: no inputs found\n", argv[0]);
    return 1;
  }
  return 0;
}
