#include "parley/conformance/run.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "parley/conformance/registry.h"
#include "parley/conformance/vector_file.h"

namespace parley::conformance {

std::string summary_line(const Summary& s) {
  return std::to_string(s.passed) + " passed, " + std::to_string(s.failed) + " failed, " +
         std::to_string(s.skipped) + " skipped";
}

int exit_code(const Summary& s) {
  if (s.errors > 0) return 2;
  if (s.failed > 0 || s.passed == 0) return 1;
  return 0;
}

std::string case_line(std::string_view file, std::string_view id, const Outcome& outcome, bool verbose) {
  std::string line(verdict_name(outcome.verdict));
  line += ' ';
  line += file;
  line += ' ';
  line += id;
  if (!outcome.reason.empty() && (outcome.verdict != Verdict::pass || verbose)) {
    line += ": ";
    line += outcome.reason;
  }
  return line;
}

void VerifyRun::error(std::string_view name, std::string_view what) {
  ++summary_.errors;
  err_ << "parley-conformance: " << name << ": " << what << '\n';
}

void VerifyRun::verify_path(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error(path, "is a directory, not a vector file");
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    error(path, "cannot read the file");
    return;
  }
  verify_text(path, text.str());
}

void VerifyRun::verify_text(std::string_view name, std::string_view text) {
  auto file = VectorFile::parse(text);
  if (!file) {
    error(name, core::to_string(file.error()));
    return;
  }
  for (const CaseOutcome& result : verify_cases(*file)) {
    if (!result.outcome) {
      // A malformed case is reported on both streams: stdout keeps one line per case, stderr says
      // what to fix (the detail names the case and the field).
      error(name, core::to_string(result.outcome.error()));
      ++summary_.failed;
      out_ << case_line(name, result.id, Outcome::fail("malformed vector: " + result.outcome.error().detail))
           << '\n';
      continue;
    }
    const Outcome& o = *result.outcome;
    switch (o.verdict) {
      case Verdict::pass:
        ++summary_.passed;
        break;
      case Verdict::fail:
        ++summary_.failed;
        break;
      case Verdict::skip:
        ++summary_.skipped;
        break;
    }
    out_ << case_line(name, result.id, o, verbose_) << '\n';
  }
}

int VerifyRun::finish() {
  out_ << summary_line(summary_) << '\n';
  out_.flush();
  return exit_code(summary_);
}

}  // namespace parley::conformance
