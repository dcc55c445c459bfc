#include "spawner/clone_into.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace pmtr {
namespace {

// struct clone_args of <linux/sched.h> (the kernel's ABI, fixed), spelled
// out here: that header redefines the CLONE_* macros of glibc's <sched.h>.
struct CloneArgs {
  uint64_t flags = 0;
  uint64_t pidfd = 0;
  uint64_t child_tid = 0;
  uint64_t parent_tid = 0;
  uint64_t exit_signal = 0;
  uint64_t stack = 0;
  uint64_t stack_size = 0;
  uint64_t tls = 0;
  uint64_t set_tid = 0;
  uint64_t set_tid_size = 0;
  uint64_t cgroup = 0;
};
constexpr uint64_t kCloneVm = 0x00000100;
constexpr uint64_t kCloneVfork = 0x00004000;
constexpr uint64_t kCloneIntoCgroup = 0x200000000ULL;

#ifndef SYS_clone3
constexpr long kSysClone3 = 435;
#else
constexpr long kSysClone3 = SYS_clone3;
#endif

CloneArgs args_for(int cgroup_fd) noexcept {
  CloneArgs a;
  a.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0) {
    a.flags |= kCloneIntoCgroup;
    a.cgroup = static_cast<uint64_t>(cgroup_fd);
  }
  return a;
}

}  // namespace

pid_t clone3_fork(int cgroup_fd) noexcept {
  CloneArgs a = args_for(cgroup_fd);
  // Without CLONE_VM and without a stack the child continues here on a
  // copy of pmtr's memory, exactly as after fork().
  return static_cast<pid_t>(::syscall(kSysClone3, &a, sizeof a));
}

#if defined(__x86_64__)
pid_t clone3_vfork(int cgroup_fd, void* stack_top, size_t stack_size, int (*fn)(void*), void* arg) noexcept {
  CloneArgs a = args_for(cgroup_fd);
  a.flags |= kCloneVm | kCloneVfork;
  a.stack = reinterpret_cast<uint64_t>(stack_top) - stack_size;
  a.stack_size = stack_size;
  // The child starts on the new stack (the kernel sets rsp to its top) with
  // every other register as the parent had it but rax = 0: fn and arg ride
  // in r8 and r9, which the syscall instruction preserves.  It calls fn
  // (the stack top is 16-byte aligned, as a call wants) and exits with its
  // value should it ever return.  The parent, resumed once the child has
  // exec'd or exited, only reads rax.
  long ret;
  register long fn_reg asm("r8") = reinterpret_cast<long>(fn);
  register long arg_reg asm("r9") = reinterpret_cast<long>(arg);
  asm volatile(
      "syscall\n\t"
      "test %%rax, %%rax\n\t"
      "jnz 1f\n\t"
      "xor %%ebp, %%ebp\n\t"
      "mov %%r9, %%rdi\n\t"
      "call *%%r8\n\t"
      "mov %%eax, %%edi\n\t"
      "mov $60, %%eax\n\t"   // exit(2)
      "syscall\n\t"
      "hlt\n\t"
      "1:\n\t"
      : "=a"(ret)
      : "0"(kSysClone3), "D"(&a), "S"(sizeof a), "r"(fn_reg), "r"(arg_reg)
      : "rcx", "r11", "memory");
  if (ret < 0) {
    errno = static_cast<int>(-ret);
    return -1;
  }
  return static_cast<pid_t>(ret);
}
#else
pid_t clone3_vfork(int, void*, size_t, int (*)(void*), void*) noexcept {
  errno = ENOSYS;
  return -1;
}
#endif

}  // namespace pmtr
