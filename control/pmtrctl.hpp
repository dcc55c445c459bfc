// The whole of pmtrctl behind main(): arguments in, text out on the two
// given fds, an exit status back (control/command.hpp, Exit).  main() only
// adds the process-wide bits; tests call this directly.
#pragma once

#include <span>

namespace pmtr::ctl {

struct Io {
  int out = 1;
  int err = 2;
};

// args: argv without argv[0].
[[nodiscard]] int run_pmtrctl(std::span<const char* const> args, const Io& io);

}  // namespace pmtr::ctl
