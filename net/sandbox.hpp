// The pmtr-net sandbox (SPEC §4), applied right after exec and before any
// datagram is read: the helpers' shared recipe (common/sandbox.hpp) with
// pmtr-net's limits, then (after the names are resolved) its own seccomp
// allowlist (net/sandbox_policy.cpp) whose default action kills the
// process.  No chroot: name resolution reads /etc (nsswitch.conf, hosts,
// resolv.conf) after the privilege drop; once the filter is in place
// pmtr-net can open nothing at all.
#pragma once

#include "common/result.hpp"
#include "common/sandbox.hpp"

namespace pmtr {

// The fixed fds (0-14), the epoll fd, and what resolution opens for a
// moment (a file, a socket to the resolver).
inline constexpr int kNetOpenFiles = 32;

[[nodiscard]] Status enter_net_sandbox(const SandboxIdentity& id);

// Only the seccomp step (tests apply it in a forked child).
[[nodiscard]] Status apply_net_seccomp(SeccompAction action);

// The filter in libseccomp's PFC text form (tests diff it with a golden file).
[[nodiscard]] Result<std::string> export_net_seccomp_pfc();

}  // namespace pmtr
