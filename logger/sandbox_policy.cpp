// The seccomp policy of pmtr-log, whole, in one file (SPEC §4).
//
// Read it top to bottom: the allow list (some entries restricted by
// argument) and the default action, which kills the process.  What
// pmtr-log does once the filter is in place is small and fixed: receive
// records and pipe fds on the channel, copy and consume the pipes (tee,
// read, splice), create and write files below the log directory (its
// root, after the chroot), rename and delete archives there, send records
// back, and write a line to stderr about a job whose output is held.
// Every entry says which of those needs it.  Anything else (socket,
// connect, exec, fork, kill, ptrace, set*id, chmod, chown, link, symlink,
// ...) is a violation.  The epoll fd, the scratch pipe and the journal's
// mapping are made before the filter is loaded.
//
// Debug switch: SeccompAction::Log (pmtr-log -d) turns the kill into
// SCMP_ACT_LOG.  The architecture check, the default action and the
// building of the filter are the same for every helper
// (common/seccomp_filter.cpp).
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "common/sandbox_asan.hpp"
#include "common/seccomp_filter.hpp"
#include "logger/log_session.hpp"
#include "logger/sandbox.hpp"

namespace pmtr {
namespace {

#define PMTR_RULE(name) PMTR_SECCOMP_RULE(name)
#define PMTR_RULE_IF(name, cond) PMTR_SECCOMP_RULE_IF(name, cond)

// An open that may not follow a symbolic link: O_NOFOLLOW must be set.
constexpr scmp_arg_cmp has_nofollow(unsigned arg) {
  return scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, O_NOFOLLOW, O_NOFOLLOW};
}

const SeccompRule kAllow[] = {
    // The channel to the monitor, at kLogChannelFd and nowhere else.
    //  recvmsg: records from the monitor; Attach brings a pipe's read end.
    //  sendmsg: Drained and Wrote (common/channel.cpp).
    //  sendto:  glibc's send(), for callers that send without sendmsg.
    PMTR_RULE_IF(recvmsg, int_arg_is(0, kLogChannelFd)),
    PMTR_RULE_IF(sendmsg, int_arg_is(0, kLogChannelFd)),
    PMTR_RULE_IF(sendto, int_arg_is(0, kLogChannelFd)),

    // The jobs' pipes: tee copies a batch into the scratch pipe without
    // consuming it, read takes it from there, splice consumes it into the
    // counter pipe once written (logger/journal.hpp); read also drains the
    // counter.  ioctl: FIONREAD on the counter only (how much a killed
    // pmtr-log moved).
    PMTR_RULE(tee),
    PMTR_RULE(splice),
    PMTR_RULE(read),
    PMTR_RULE_IF(ioctl, int_arg_is(1, FIONREAD)),

    // The logs, below the log directory (its fd, and after the chroot its
    // root): a job's directory and its `current` are opened one component
    // at a time, never following a symbolic link (the filter kills an
    // open without O_NOFOLLOW).  write: the records, and stderr.
    PMTR_RULE_IF(openat, has_nofollow(2)),
    PMTR_RULE(mkdirat),
    PMTR_RULE(write),
    // fstat (glibc: newfstatat(fd, "", AT_EMPTY_PATH)): an opened log must
    // be a regular file with one link; an attached fd must be a pipe.
    // ftruncate: an interrupted or failed batch is cut off again.
    PMTR_RULE(fstat),
    PMTR_RULE_IF(newfstatat, (scmp_arg_cmp{3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH})),
    PMTR_RULE(ftruncate),
    // Rotation: current -> @<stamp>.log without replacing anything, then
    // the oldest archives beyond `keep` are listed and deleted (files only).
    PMTR_RULE_IF(renameat2, (scmp_arg_cmp{4, SCMP_CMP_EQ, RENAME_NOREPLACE, 0})),
    PMTR_RULE(getdents64),
    PMTR_RULE(lseek),
    PMTR_RULE_IF(unlinkat, int_arg_is(2, 0)),
    // A pipe's size (F_GETPIPE_SZ) bounds how much a batch may take in the
    // counter.  (The counter is made non-blocking before the filter: F_SETFL
    // on fd 4 could change pmtr's own stderr under `log to stderr`.)
    PMTR_RULE_IF(fcntl, int_arg_is(1, F_GETPIPE_SZ)),

    // The loop: every pipe and the channel in one epoll set.
    PMTR_RULE(epoll_wait),
    PMTR_RULE(epoll_pwait),
    PMTR_RULE(epoll_ctl),
    PMTR_RULE(close),

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

    // Clocks: the stamps and the deadlines (vDSO, syscall as fallback).
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
//  pipe2(.., 0): UBSan's vptr check (write is allowed above anyway).
const SeccompRule kAllowSanitizer[] = {
    PMTR_RULE_IF(sigaltstack, (scmp_arg_cmp{0, SCMP_CMP_EQ, 0, 0})),
    PMTR_RULE_IF(pipe2, int_arg_is(1, 0)),
};
#endif

#undef PMTR_RULE
#undef PMTR_RULE_IF

SeccompPolicy log_policy() {
  SeccompPolicy p;
  p.program = "pmtr-log";
  p.allow[0] = kAllow;
#if PMTR_SANDBOX_ASAN
  p.allow[1] = kAllowSanitizer;
#endif
  return p;
}

}  // namespace

Status apply_log_seccomp(SeccompAction action) { return load_seccomp_policy(log_policy(), action); }

Result<std::string> export_log_seccomp_pfc() { return export_seccomp_policy_pfc(log_policy()); }

}  // namespace pmtr
