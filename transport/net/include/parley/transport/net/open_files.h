// Every connection is a file descriptor: a server holding many idle devices, and a load generator
// holding their other ends, need more than the usual soft limit of 1,024.
#pragma once

#include <cstddef>

namespace parley::transport::net {

// Raises this process's open-file limit to at least `want` where it can: the soft limit up to the
// hard one, and the hard one too when the process may (root). Returns the soft limit in force.
std::size_t raise_open_file_limit(std::size_t want);

}  // namespace parley::transport::net
