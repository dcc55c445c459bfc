// The seccomp policy of pmtr-parser, whole, in one file (SPEC §4).
//
// Read it top to bottom: the architecture check, the calls refused softly
// with an errno, the allow list (some entries restricted by argument), and
// the default action, which kills the process.  What the parser does after
// the filter is in place is small and fixed: receive records and one config
// fd on the channel, read the config, compute, send records back, and in
// the worst case write one line to stderr and exit.  Every entry below says
// which of those needs it.  Anything else (open, socket, exec, fork, kill,
// ptrace, set*id, ...) is a violation.
//
// Debug switch: SeccompAction::Log (pmtr-parser -d) turns the kill into
// SCMP_ACT_LOG, so a missing entry shows up in the audit log instead of a
// dead parser.  Never in production.  The architecture check, the default
// action and the building of the filter are the same for every helper
// (common/seccomp_filter.cpp).
#include <linux/futex.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/seccomp_filter.hpp"
#include "parser/sandbox.hpp"
#include "parser/sandbox_private.hpp"

namespace pmtr {
namespace {

#define PMTR_RULE(name) PMTR_SECCOMP_RULE(name)
#define PMTR_RULE_IF(name, cond) PMTR_SECCOMP_RULE_IF(name, cond)

// ---- refused softly ---------------------------------------------------------
// These fail with EACCES and the process lives: library code probes them
// and copes with a failure, and killing the parser for it would be wrong.
//  - fstat/newfstatat: glibc's stdio sizes a stream's buffer with fstat and
//    falls back to BUFSIZ; glibc implements fstat(fd) as
//    newfstatat(fd, "", AT_EMPTY_PATH).  newfstatat also takes a path, so
//    allowing it would disclose the metadata of any file: refused, not
//    granted.  The parser reads its config to EOF and needs no size.
const SeccompSoftRefusal kRefuseSoftly[] = {
#ifdef __NR_fstat
    {SCMP_SYS(fstat), "fstat", EACCES},
#endif
#ifdef __NR_newfstatat
    {SCMP_SYS(newfstatat), "newfstatat", EACCES},
#endif
};

// ---- allowed ------------------------------------------------------------------
const SeccompRule kAllow[] = {
    // The channel to the monitor, at kParserChannelFd and nowhere else: a
    // socket leaked into the parser by mistake stays unusable.
    //  recvmsg: every record from the monitor; the Parse record brings the
    //           config fd with SCM_RIGHTS (RLIMIT_NOFILE leaves room for one).
    //  sendmsg: every record to the monitor (common/channel.cpp).
    //  sendto:  glibc's send(), for callers that send without sendmsg.
    PMTR_RULE_IF(recvmsg, int_arg_is(0, kParserChannelFd)),
    PMTR_RULE_IF(sendmsg, int_arg_is(0, kParserChannelFd)),
    PMTR_RULE_IF(sendto, int_arg_is(0, kParserChannelFd)),

    // The config: read from the received fd (its number is not known in
    // advance, so any fd), then closed; close also serves every unique_fd.
    PMTR_RULE(read),
    PMTR_RULE(close),

    // Memory.  glibc's malloc grows the heap with brk, serves large blocks
    // with mmap and returns them with munmap, moves them with mremap on
    // realloc, and gives pages back with madvise.  mprotect serves
    // non-main malloc arenas.  mmap and mprotect never grant PROT_EXEC.
    PMTR_RULE(brk),
    PMTR_RULE_IF(mmap, prot_rw_only(2)),
    PMTR_RULE_IF(mprotect, prot_rw_only(2)),
    PMTR_RULE(munmap),
    PMTR_RULE(mremap),
    PMTR_RULE(madvise),

    // The first exception thrown in the process runs pthread_once inside
    // libgcc's unwinder, which wakes waiters unconditionally.  The parser is
    // single-threaded: wake (private) is the only futex operation it makes.
    PMTR_RULE_IF(futex, int_arg_is(1, FUTEX_WAKE_PRIVATE)),

    // Last-resort message: stderr only.  Diagnostics travel on the channel.
    PMTR_RULE_IF(write, int_arg_is(0, STDERR_FILENO)),

    // Clocks: glibc reads them through the vDSO and falls back to the
    // syscall where the clocksource has no vDSO support (some VMs).
    PMTR_RULE(clock_gettime),
    PMTR_RULE(gettimeofday),

    // Returning from a signal handler (sanitizer runtimes install some).
    PMTR_RULE(rt_sigreturn),

    // Leaving.  glibc's _exit calls exit_group, then exit if that returned.
    PMTR_RULE(exit_group),
    PMTR_RULE(exit),
};

#if PMTR_SANDBOX_ASAN
// ---- SANITIZE=1 builds only (ASan and UBSan, always together) ---------------
// Not compiled into the production parser; the golden filter dump
// (tests/parser/sandbox_filter.pfc) describes the build without this block.
//  sigaltstack(NULL, ...): ASan's __asan_handle_no_return, run before every
//           throw, reads (never sets) the alternate signal stack.
//  pipe2(.., 0) and write to fds >= 3: UBSan's vptr check, the first time
//           it meets a (vtable, type) pair, tests whether the vtable is
//           readable by writing it into a fresh pipe (sanitizer_common's
//           IsAccessibleMemoryRange).  Refusing either makes it report a
//           false "invalid vptr".  stdin and stdout stay closed to writes.
//           RLIMIT_NOFILE is raised by two in these builds for that pipe.
const SeccompRule kAllowSanitizer[] = {
    PMTR_RULE_IF(sigaltstack, (scmp_arg_cmp{0, SCMP_CMP_EQ, 0, 0})),
    PMTR_RULE_IF(pipe2, int_arg_is(1, 0)),
    PMTR_RULE_IF(write, (scmp_arg_cmp{0, SCMP_CMP_GE, 3, 0})),
};
#endif

#undef PMTR_RULE
#undef PMTR_RULE_IF

SeccompPolicy parser_policy() {
  SeccompPolicy p;
  p.program = "pmtr-parser";
  p.refuse = kRefuseSoftly;
  p.allow[0] = kAllow;
#if PMTR_SANDBOX_ASAN
  p.allow[1] = kAllowSanitizer;
#endif
  return p;
}

}  // namespace

Status apply_parser_seccomp(SeccompAction action) { return load_seccomp_policy(parser_policy(), action); }

Result<std::string> export_parser_seccomp_pfc() { return export_seccomp_policy_pfc(parser_policy()); }

}  // namespace pmtr
