// Starting a program of this build as a child of a test: its standard output comes back on a
// pipe, and it dies with the test (PR_SET_PDEATHSIG), so a failed test leaves no server behind.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace parley::server::testing {

struct Child {
  pid_t pid = -1;
  int stdout_fd = -1;  // the read end; the caller closes it
};

// `args[0]` is the program's path. pid -1 if the pipe or the fork failed.
inline Child spawn_child(std::vector<std::string> args) {
  int out[2];
  if (::pipe(out) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(out[1], 1);
    ::close(out[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  if (pid < 0) {
    ::close(out[0]);
    return {};
  }
  return {pid, out[0]};
}

}  // namespace parley::server::testing
