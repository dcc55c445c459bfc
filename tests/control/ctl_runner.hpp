// Runs pmtrctl for a test and keeps what it printed: in this process
// (run_pmtrctl on two memfds, so a large output cannot block on a pipe)
// or as the built program (build/pmtrctl, with extra environment).
#pragma once

#include <string>
#include <vector>

#include "tests/support/paths.hpp"   // pmtrctl_bin()

namespace pmtr::test {

struct CtlRun {
  int rc = -1;
  std::string out, err;
};

CtlRun run_ctl(const std::vector<std::string>& args);
// env_add: NAME=VALUE entries added to this process's environment;
// env_drop: names removed from it.
CtlRun run_ctl_binary(const std::vector<std::string>& args, const std::vector<std::string>& env_add = {},
                      const std::vector<std::string>& env_drop = {});

}  // namespace pmtr::test
