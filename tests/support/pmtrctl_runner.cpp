#include "tests/support/pmtrctl_runner.hpp"

namespace pmtr::test {

Ran pmtrctl(const Pmtr& p, std::vector<std::string> args) {
  std::vector<std::string> argv{pmtrctl_bin(), "-s", p.control_socket()};
  argv.insert(argv.end(), args.begin(), args.end());
  Ran r;
  r.status = run_command(argv, &r.out);
  return r;
}

}  // namespace pmtr::test
