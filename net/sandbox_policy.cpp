// The seccomp policy of pmtr-net, whole, in one file (SPEC §4).
//
// Read it top to bottom: the allow list (most entries restricted to one
// fd) and the default action, which kills the process.  What pmtr-net
// does once the filter is in place is small and fixed: receive the jobs'
// status on the channel and send back enable/disable requests, receive
// datagrams on the `listen on` socket, send reports on the `report to`
// sockets, and write a line to stderr.  Names were resolved, the nonce
// cache mapped, the key read and the epoll set made before the filter is
// loaded; so open, socket, connect, bind, exec, fork, kill, ptrace, set*id
// and everything else are violations.  (pmtr-net computes HMACs with
// libsodium, which needs no system call for it.)
//
// Debug switch: SeccompAction::Log (pmtr-net -d) turns the kill into
// SCMP_ACT_LOG.  The architecture check, the default action and the
// building of the filter are the same for every helper
// (common/seccomp_filter.cpp).
#include <linux/futex.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "common/sandbox_asan.hpp"
#include "common/seccomp_filter.hpp"
#include "common/net_fds.hpp"
#include "net/sandbox.hpp"

namespace pmtr {
namespace {

#define PMTR_RULE(name) PMTR_SECCOMP_RULE(name)
#define PMTR_RULE_IF(name, cond) PMTR_SECCOMP_RULE_IF(name, cond)

// An fd among the `report to` sockets: 8 to 15 (common/net_fds.hpp).
constexpr scmp_arg_cmp report_fd(unsigned arg) {
  return scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, kSeccompLow32 & ~static_cast<scmp_datum_t>(kNetReportFdEnd - kNetReportFd0 - 1),
                      static_cast<scmp_datum_t>(kNetReportFd0)};
}
static_assert(kNetReportFd0 == 8 && kNetReportFdEnd == 16, "report_fd() names the aligned block 8..15");

const SeccompRule kAllow[] = {
    // The channel to the monitor, at kNetChannelFd and nowhere else.
    //  recvmsg: the jobs' status; sendmsg: enable/disable requests
    //  (common/channel.cpp); sendto: glibc's send().
    PMTR_RULE_IF(recvmsg, int_arg_is(0, kNetChannelFd)),
    PMTR_RULE_IF(sendmsg, int_arg_is(0, kNetChannelFd)),
    PMTR_RULE_IF(sendto, int_arg_is(0, kNetChannelFd)),

    // The `listen on` socket: datagrams, up to 32 per call.
    PMTR_RULE_IF(recvmmsg, int_arg_is(0, kNetListenFd)),

    // The `report to` sockets: one report datagram (or a few) per target.
    PMTR_RULE_IF(sendto, report_fd(0)),

    // stderr: what pmtr-net has to say (dropped datagrams, at most a line
    // a second); the monitor logs it.
    PMTR_RULE_IF(write, int_arg_is(0, STDERR_FILENO)),

    // The loop: the channel and the listen socket in one epoll set; the
    // listen socket is disarmed while a flood has spent the budget.
    PMTR_RULE(epoll_wait),
    PMTR_RULE(epoll_pwait),
    PMTR_RULE(epoll_ctl),

    // Memory, as for pmtr-parser: glibc's malloc (brk, mmap, munmap,
    // mremap, madvise, mprotect for non-main arenas); never PROT_EXEC.
    PMTR_RULE(brk),
    PMTR_RULE_IF(mmap, prot_rw_only(2)),
    PMTR_RULE_IF(mprotect, prot_rw_only(2)),
    PMTR_RULE(munmap),
    PMTR_RULE(mremap),
    PMTR_RULE(madvise),
    // libgcc's unwinder wakes waiters at the first throw (single thread).
    PMTR_RULE_IF(futex, int_arg_is(1, FUTEX_WAKE_PRIVATE)),

    // Clocks: deadlines (monotonic) and the signed datagrams' timestamps
    // (real time); vDSO, syscall as fallback.
    PMTR_RULE(clock_gettime),
    PMTR_RULE(gettimeofday),

    // Returning from a signal handler (sanitizer runtimes install some).
    PMTR_RULE(rt_sigreturn),
    PMTR_RULE(exit_group),
    PMTR_RULE(exit),
};

#if PMTR_SANDBOX_ASAN
// ---- SANITIZE=1 builds only: as for pmtr-parser (parser/sandbox_policy.cpp)
//  sigaltstack(NULL, ...): ASan reads the alternate signal stack before a throw.
//  pipe2(.., 0): UBSan's vptr check.  write: to its pipe.
const SeccompRule kAllowSanitizer[] = {
    PMTR_RULE_IF(sigaltstack, (scmp_arg_cmp{0, SCMP_CMP_EQ, 0, 0})),
    PMTR_RULE_IF(pipe2, int_arg_is(1, 0)),
    PMTR_RULE(write),
};
#endif

#undef PMTR_RULE
#undef PMTR_RULE_IF

SeccompPolicy net_policy() {
  SeccompPolicy p;
  p.program = "pmtr-net";
  p.allow[0] = kAllow;
#if PMTR_SANDBOX_ASAN
  p.allow[1] = kAllowSanitizer;
#endif
  return p;
}

}  // namespace

Status apply_net_seccomp(SeccompAction action) { return load_seccomp_policy(net_policy(), action); }

Result<std::string> export_net_seccomp_pfc() { return export_seccomp_policy_pfc(net_policy()); }

}  // namespace pmtr
