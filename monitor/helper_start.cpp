#include "monitor/helper_start.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/channel.hpp"
#include "monitor/parser_link.hpp"

namespace pmtr {

Result<StartedHelper> start_helper(const char* program, std::vector<std::string> argv, std::vector<std::string> env,
                                   std::vector<FdPlacement> placements, std::string* warning) {
  auto exe = open_helper_program(program);
  if (!exe) return exe.error();
  if (warning != nullptr) *warning = exe->warning;
  auto pair = make_channel_pair();
  if (!pair) return pair.error();
  unique_fd mine = std::move(pair->first), theirs = std::move(pair->second);
  const timeval tv{kParserSendTimeoutSeconds, 0};
  if (::setsockopt(mine.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) return Error::from_errno("setsockopt SO_SNDTIMEO");
  int errp[2];
  if (::pipe2(errp, O_CLOEXEC) != 0) return Error::from_errno("pipe for its stderr");
  unique_fd err_read(errp[0]), err_write(errp[1]);

  HelperCommand cmd;
  cmd.program_fd = exe->fd.get();
  cmd.argv = std::move(argv);
  cmd.env = std::move(env);
  cmd.placements = std::move(placements);
  cmd.placements.push_back({theirs.get(), kHelperChannelFd});
  cmd.placements.push_back({err_write.get(), STDERR_FILENO});
  Result<SpawnedJob> spawned = spawn_helper(cmd);
  if (!spawned) return Error{0, "start: " + spawned.error().message()};
  StartedHelper out;
  out.pid = spawned->pid;
  out.channel = std::move(mine);
  out.stderr_read = std::move(err_read);
  return out;
}

}  // namespace pmtr
