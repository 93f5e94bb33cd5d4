#include "terminal.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace parley::cli {

using core::Errc;

Terminal::Terminal(const std::string& colour, bool quiet) : interactive_(::isatty(STDOUT_FILENO) == 1), quiet_(quiet) {
  const bool no_color = std::getenv("NO_COLOR") != nullptr && *std::getenv("NO_COLOR") != '\0';
  colour_ = colour == "always" || (colour == "auto" && interactive_ && !no_color);
}

void Terminal::progress(const std::string& what) const {
  if (!quiet_) std::cerr << dim("… " + what) << std::endl;
}

void Terminal::notice(const std::string& what) const { std::cerr << what << std::endl; }

void Terminal::error(const std::string& what, const core::Error& e) const {
  std::string advice;
  switch (e.code) {
    case Errc::untrusted_identity:
      advice = "\n  Their safety number changed. Compare it in person (`parley safety-number CONTACT`), then accept "
               "the new key with `parley trust CONTACT DEVICE`.";
      break;
    case Errc::connection_closed: advice = "\n  The connection to the server was lost; try again."; break;
    default: break;
  }
  std::cerr << (colour_ ? "\x1b[31merror:\x1b[0m " : "error: ") << what << ": " << e.detail
            << (colour_ ? "\x1b[2m" : "") << " (" << core::errc_name(e.code) << ")" << (colour_ ? "\x1b[0m" : "")
            << advice << std::endl;
}

}  // namespace parley::cli
