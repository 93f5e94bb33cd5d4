#include "progress_bar.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace parley::cli {

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  char out[32];
  std::snprintf(out, sizeof out, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return out;
}

ProgressBar::ProgressBar(std::string label, bool quiet)
    : label_(std::move(label)), quiet_(quiet), terminal_(::isatty(STDERR_FILENO) == 1) {}

std::string ProgressBar::line(const client::BlobEvent& e) const {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double moved = static_cast<double>(e.done - std::min(e.done, first_done_));
  const double rate = seconds > 0 ? moved / seconds : 0;  // bytes per second
  const int percent = e.total == 0 ? 100 : static_cast<int>(100.0 * static_cast<double>(e.done) / static_cast<double>(e.total));
  constexpr int kWidth = 24;
  const int filled = percent * kWidth / 100;
  std::string bar = "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(kWidth - filled), '-') + "]";
  char tail[96];
  if (e.complete) {
    std::snprintf(tail, sizeof tail, " %3d%%  %s/s  done in %.1f s", percent, human_bytes(static_cast<std::uint64_t>(rate)).c_str(), seconds);
  } else {
    const double left = rate > 0 ? static_cast<double>(e.total - e.done) / rate : 0;
    std::snprintf(tail, sizeof tail, " %3d%%  %s/s  %.0f s left", percent, human_bytes(static_cast<std::uint64_t>(rate)).c_str(), left);
  }
  std::string out = label_ + " " + bar + " " + human_bytes(e.done) + " / " + human_bytes(e.total) + tail;
  // Said, so that a person sees that running the command again did not start over.
  if (first_done_ != 0 && first_done_ == e.total) out += "  (already on the server)";
  else if (first_done_ != 0) out += "  (went on from " + human_bytes(first_done_) + ")";
  return out;
}

void ProgressBar::operator()(const client::BlobEvent& e) {
  if (quiet_) return;
  if (!started_) {
    started_ = true;
    first_done_ = e.done;
    start_ = std::chrono::steady_clock::now();
  }
  const bool last = e.complete || e.error.has_value();
  if (e.error) {
    if (terminal_) std::cerr << "\n";
    return;  // the command reports the error itself
  }
  if (!terminal_) {
    if (last) std::cerr << line(e) << std::endl;
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (!last && now - drawn_ < std::chrono::milliseconds(100)) return;
  drawn_ = now;
  std::cerr << "\r\x1b[2K" << line(e) << (last ? "\n" : "") << std::flush;
}

}  // namespace parley::cli
