// What the `parley` commands print (README): results on stdout; progress, notices and errors on
// stderr, so that a script can take stdout as it is. Colour only on a terminal (or when asked), and
// never when NO_COLOR is set.
#pragma once

#include <string>

#include "parley/core/error.h"

namespace parley::cli {

class Terminal {
 public:
  // `colour`: "auto", "always" or "never".
  Terminal(const std::string& colour, bool quiet);
  bool colour() const { return colour_; }
  bool interactive() const { return interactive_; }
  bool quiet() const { return quiet_; }
  // "connecting to …", "waiting for …": for anything that may take a while.
  void progress(const std::string& what) const;
  void notice(const std::string& what) const;
  // `what` failed: the error, said so that a person knows what to do (`hint`, or what the error's
  // kind suggests).
  void error(const std::string& what, const core::Error& e, const std::string& hint = "") const;
  std::string blue(const std::string& s) const { return colour_ ? "\x1b[94m" + s + "\x1b[0m" : s; }
  std::string dim(const std::string& s) const { return colour_ ? "\x1b[2m" + s + "\x1b[0m" : s; }
  std::string bold(const std::string& s) const { return colour_ ? "\x1b[1m" + s + "\x1b[0m" : s; }

 private:
  bool colour_;
  bool interactive_;  // stdout is a terminal
  bool quiet_;
};

}  // namespace parley::cli
