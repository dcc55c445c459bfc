#include "common/control_path.hpp"

#include <unistd.h>

#include <cstdlib>

namespace pmtr {

std::string default_control_socket(const char* env_socket, const char* xdg_runtime_dir, uid_t euid) {
  if (env_socket != nullptr && *env_socket != '\0') return env_socket;
  if (euid == 0) return "/run/pmtr/control";
  // A relative XDG_RUNTIME_DIR is invalid by the XDG spec; ignoring it keeps
  // the socket from depending on the caller's working directory.
  if (xdg_runtime_dir != nullptr && xdg_runtime_dir[0] == '/') {
    std::string dir = xdg_runtime_dir;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return (dir == "/" ? "" : dir) + "/pmtr/control";
  }
  return "/run/user/" + std::to_string(euid) + "/pmtr/control";
}

std::string default_control_socket() {
  return default_control_socket(std::getenv(kControlSocketEnv), std::getenv("XDG_RUNTIME_DIR"), geteuid());
}

}  // namespace pmtr
