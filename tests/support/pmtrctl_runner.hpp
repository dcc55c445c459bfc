// The real pmtrctl, run against a test's pmtr (`-s` its control socket):
// its exit status and everything it printed.
#pragma once

#include <string>
#include <vector>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"   // pmtrctl_bin()

namespace pmtr::test {

struct Ran {
  int status = -1;
  std::string out;
};

Ran pmtrctl(const Pmtr& p, std::vector<std::string> args);

}  // namespace pmtr::test
