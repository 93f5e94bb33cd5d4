// The main of the tests built against the mutant client library (include/parley/client/testing/
// mutation.h): PARLEY_MUTATION names the defect to put back before any test runs, so that ctest can
// show a regression test fails with its defect in place (and passes without, in client_adversary_test).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstdio>

#include "parley/client/testing/mutation.h"

int main(int argc, char** argv) {
  namespace mutation = parley::client::mutation;
  const char* name = std::getenv("PARLEY_MUTATION");
  const auto defect = mutation::defect_named(name == nullptr ? "" : name);
  if (!defect) {
    std::fprintf(stderr, "set PARLEY_MUTATION to the name of a defect in parley/client/testing/mutation.h\n");
    return 2;
  }
  mutation::active = *defect;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
