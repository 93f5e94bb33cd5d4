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

void Terminal::error(const std::string& what, const core::Error& e, const std::string& hint) const {
  std::string advice = hint.empty() ? "" : "\n  " + hint;
  switch (e.code) {
    case Errc::untrusted_identity:
      if (hint.empty())
        advice += "\n  A device has a new identity key: a reinstalled or replaced device, or someone in the middle. "
                  "Check with the person, then accept it with `parley trust CONTACT DEVICE`.";
      break;
    default: break;
  }
  std::cerr << (colour_ ? "\x1b[31merror:\x1b[0m " : "error: ") << what << ": " << e.detail
            << (colour_ ? "\x1b[2m" : "") << " (" << core::errc_name(e.code) << ")" << (colour_ ? "\x1b[0m" : "")
            << advice << std::endl;
}

}  // namespace parley::cli
