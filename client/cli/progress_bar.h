// A transfer's progress on stderr (`parley send --file`, `parley media get`): bytes, percentage,
// rate, time left and where a resumed transfer went on from, redrawn in place on a terminal and said
// once at the end otherwise, so that a log stays readable. Never on stdout, which carries results.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "parley/client/events.h"

namespace parley::cli {

class ProgressBar {
 public:
  ProgressBar(std::string label, bool quiet);
  // A transfer's event: redraws (at most ten times a second) or finishes the line.
  void operator()(const client::BlobEvent& event);

 private:
  std::string line(const client::BlobEvent& event) const;

  std::string label_;
  bool quiet_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point drawn_{};
  std::uint64_t first_done_ = 0;  // where this run started: a resumed transfer's rate counts only its own bytes
  bool started_ = false;
};

// 1536 -> "1.5 KiB".
std::string human_bytes(std::uint64_t bytes);

}  // namespace parley::cli
