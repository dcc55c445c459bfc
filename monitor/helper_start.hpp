// Starting pmtr-log or pmtr-net, the same way: the program found and
// checked like pmtr-parser (open_helper_program), a channel whose sends
// time out (a helper that stops reading must not hold the monitor), a
// pipe for its stderr, and the helper's own fds placed at their numbers.
// The sandbox is the helper's own business, right after exec
// (common/sandbox.hpp).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/unique_fd.hpp"
#include "spawner/spawn.hpp"

namespace pmtr {

// Every helper's channel is its fd 3.
inline constexpr int kHelperChannelFd = 3;

struct StartedHelper {
  pid_t pid = -1;
  unique_fd channel;       // the monitor's end; the helper's is at fd 3
  unique_fd stderr_read;   // the helper's fd 2, for a LineForwarder
};

// `argv[0]` is what ps shows; `placements` are the helper's fds beyond
// its channel (3) and stderr (2).  A warning about an untrusted sibling
// program goes to *warning (the caller logs it once).
[[nodiscard]] Result<StartedHelper> start_helper(const char* program, std::vector<std::string> argv,
                                                 std::vector<std::string> env, std::vector<FdPlacement> placements,
                                                 std::string* warning);

}  // namespace pmtr
