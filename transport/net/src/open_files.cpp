#include "parley/transport/net/open_files.h"

#include <sys/resource.h>

#include <algorithm>

namespace parley::transport::net {

std::size_t raise_open_file_limit(std::size_t want) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur >= want) return limit.rlim_cur;
  if (limit.rlim_max < want) {
    // Only a privileged process may raise the hard limit; if it may not, the old one stays.
    rlimit raised{want, want};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return want;
  }
  limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, want);
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

}  // namespace parley::transport::net
