// Assertions for fuzz targets. assert() vanishes under NDEBUG (the release tree builds the replay
// drivers optimized), and a property the fuzzer found broken must stop the run in every build.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace parley::fuzz {

[[noreturn]] inline void check_failed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", file, line, condition);
  std::fflush(stderr);
  std::abort();  // libFuzzer reports abort() as a crash and writes the input as an artifact
}

}  // namespace parley::fuzz

#define PARLEY_FUZZ_CHECK(condition) \
  ((condition) ? static_cast<void>(0) : ::parley::fuzz::check_failed(#condition, __FILE__, __LINE__))
