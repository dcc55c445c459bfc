// Starting a child directly in a cgroup: clone3(2) with CLONE_INTO_CGROUP
// (Linux 5.7), so that no instant of the child runs anywhere else.  Two
// shapes, the two ways spawn.cpp starts a child:
//   clone3_fork    like fork(): the child gets a copy of pmtr's memory and
//                  returns 0 here
//   clone3_vfork   like the vfork path: CLONE_VM | CLONE_VFORK on a stack
//                  of its own, the child runs fn(arg) and never returns;
//                  pmtr is suspended until the child has exec'd or exited
// Both return the child's pid, or -1 with errno.  ENOSYS or E2BIG mean the
// kernel has no clone3 or no CLONE_INTO_CGROUP (clone_into_unsupported):
// the caller then starts the child the old way and the child writes its
// own pid to the cgroup's cgroup.procs before anything else.
#pragma once

#include <sys/types.h>

#include <cerrno>
#include <cstddef>

namespace pmtr {

[[nodiscard]] pid_t clone3_fork(int cgroup_fd) noexcept;
// x86_64 only (a few lines of assembly put the child on its stack); ENOSYS
// elsewhere.
[[nodiscard]] pid_t clone3_vfork(int cgroup_fd, void* stack_top, size_t stack_size, int (*fn)(void*),
                                 void* arg) noexcept;
[[nodiscard]] constexpr bool clone_into_unsupported(int err) noexcept {
  return err == ENOSYS || err == E2BIG;
}

}  // namespace pmtr
