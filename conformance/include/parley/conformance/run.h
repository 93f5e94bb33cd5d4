// One `parley-conformance verify` run: the per-case lines, the closing summary and the exit status
// (spec/test-vectors.md, "Running the verifier"). Kept in the library so the rules are unit-tested.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

#include "parley/conformance/outcome.h"

namespace parley::conformance {

struct Summary {
  std::size_t passed = 0;
  std::size_t failed = 0;  // includes malformed cases: a case that cannot be checked did not pass
  std::size_t skipped = 0;
  std::size_t errors = 0;  // unreadable files and malformed cases
};

// "N passed, M failed, K skipped"
std::string summary_line(const Summary& s);

// 2 when a file could not be read or a case was malformed; else 1 when a case failed or none
// passed (a run that checked nothing proves nothing); else 0.
int exit_code(const Summary& s);

// "PASS <file> <id>", "FAIL <file> <id>: <why>", "SKIP <file> <id>: <why>"; a pass shows its note
// only when `verbose`.
std::string case_line(std::string_view file, std::string_view id, const Outcome& outcome,
                      bool verbose = false);

class VerifyRun {
 public:
  // Case lines and the summary go to `out`; errors (with file, case and field) go to `err`.
  VerifyRun(std::ostream& out, std::ostream& err, bool verbose = false)
      : out_(out), err_(err), verbose_(verbose) {}

  // Reads and verifies one file; `name` is how lines refer to it.
  void verify_path(const std::string& path);
  void verify_text(std::string_view name, std::string_view text);

  const Summary& summary() const { return summary_; }

  // Prints the summary line and returns the exit status.
  int finish();

 private:
  void error(std::string_view name, std::string_view what);

  std::ostream& out_;
  std::ostream& err_;
  bool verbose_;
  Summary summary_;
};

}  // namespace parley::conformance
