// Where the control socket is when nobody names one: shared by pmtr (which
// binds it) and pmtrctl (which connects), so the two agree without either
// reading the other's configuration.
#pragma once

#include <sys/types.h>

#include <string>

namespace pmtr {

inline constexpr const char* kControlSocketEnv = "PMTR_CONTROL_SOCKET";

// $PMTR_CONTROL_SOCKET when set and non-empty; else /run/pmtr/control for
// root, $XDG_RUNTIME_DIR/pmtr/control for anyone else (/run/user/UID/pmtr/
// control when XDG_RUNTIME_DIR is unset or not absolute, which is where
// systemd-logind puts it).  The arguments are the environment's values
// (nullptr when unset) and the effective uid, so tests need no setenv.
[[nodiscard]] std::string default_control_socket(const char* env_socket, const char* xdg_runtime_dir, uid_t euid);
// The same from this process's environment and geteuid().
[[nodiscard]] std::string default_control_socket();

}  // namespace pmtr
