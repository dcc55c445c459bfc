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
// dead parser.  Never in production.
#include <linux/futex.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include "common/unique_fd.hpp"
#include "parser/sandbox.hpp"
#include "parser/sandbox_private.hpp"

namespace pmtr {
namespace {

// ---- architecture ---------------------------------------------------------
// The filter matches syscall numbers of one ABI.  libseccomp puts the
// architecture test first in the program; a call made through any other
// ABI (int 0x80 on x86_64, x32) kills the process outright, in both modes.
#if defined(__x86_64__) && !defined(__ILP32__)
constexpr uint32_t kArch = SCMP_ARCH_X86_64;
constexpr const char* kArchName = "x86_64";
#elif defined(__aarch64__)
constexpr uint32_t kArch = SCMP_ARCH_AARCH64;
constexpr const char* kArchName = "aarch64";
#else
#error "pmtr-parser's seccomp policy is written for x86_64 and aarch64 only"
#endif

// ---- argument conditions --------------------------------------------------
// int arguments (fds, futex ops) are compared on their low 32 bits, as the
// kernel reads them.
constexpr scmp_datum_t kLow32 = 0xffffffffu;

constexpr scmp_arg_cmp int_arg_is(unsigned arg, int value) {
  return scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, kLow32, static_cast<scmp_datum_t>(static_cast<uint32_t>(value))};
}

// prot of mmap/mprotect: no bit other than PROT_READ|PROT_WRITE, so no
// PROT_EXEC (nothing writable ever becomes code) and no unknown bits.
constexpr scmp_arg_cmp prot_rw_only(unsigned arg) {
  return scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, ~static_cast<scmp_datum_t>(PROT_READ | PROT_WRITE), 0};
}

struct Rule {
  int nr;              // SCMP_SYS(...)
  const char* name;    // for error messages
  unsigned nargs;      // conditions that must all hold
  scmp_arg_cmp args[1];
};

#define PMTR_RULE(name) Rule{SCMP_SYS(name), #name, 0, {}}
#define PMTR_RULE_IF(name, cond) Rule{SCMP_SYS(name), #name, 1, {cond}}

// ---- refused softly ---------------------------------------------------------
// These fail with EACCES and the process lives: library code probes them
// and copes with a failure, and killing the parser for it would be wrong.
//  - fstat/newfstatat: glibc's stdio sizes a stream's buffer with fstat and
//    falls back to BUFSIZ; glibc implements fstat(fd) as
//    newfstatat(fd, "", AT_EMPTY_PATH).  newfstatat also takes a path, so
//    allowing it would disclose the metadata of any file: refused, not
//    granted.  The parser reads its config to EOF and needs no size.
struct SoftRefusal {
  int nr;
  const char* name;
  int err;
};
const SoftRefusal kRefuseSoftly[] = {
#ifdef __NR_fstat
    {SCMP_SYS(fstat), "fstat", EACCES},
#endif
#ifdef __NR_newfstatat
    {SCMP_SYS(newfstatat), "newfstatat", EACCES},
#endif
};

// ---- allowed ------------------------------------------------------------------
const Rule kAllow[] = {
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
const Rule kAllowSanitizer[] = {
    PMTR_RULE_IF(sigaltstack, (scmp_arg_cmp{0, SCMP_CMP_EQ, 0, 0})),
    PMTR_RULE_IF(pipe2, int_arg_is(1, 0)),
    PMTR_RULE_IF(write, (scmp_arg_cmp{0, SCMP_CMP_GE, 3, 0})),
};
#endif

#undef PMTR_RULE
#undef PMTR_RULE_IF

struct CtxRelease {
  void operator()(void* ctx) const noexcept { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxRelease>;

Error seccomp_error(int rc, std::string what) { return Error{-rc, "seccomp: " + std::move(what)}; }

Status add_rules(void* ctx, const Rule* rules, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const Rule& r = rules[i];
    const int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, r.nr, r.nargs, r.nargs ? r.args : nullptr);
    if (rc < 0) return seccomp_error(rc, std::string("allow ") + r.name);
  }
  return {};
}

// The whole policy as a libseccomp context, not yet loaded.
Result<Ctx> build_filter(SeccompAction action) {
  uint32_t violation = SCMP_ACT_KILL_PROCESS;
  switch (action) {
    case SeccompAction::Kill:
      violation = SCMP_ACT_KILL_PROCESS;
      break;
    case SeccompAction::Log:
      violation = SCMP_ACT_LOG;
      break;
  }

  if (seccomp_arch_native() != kArch)
    return Error{0, std::string("seccomp: libseccomp's native architecture is not ") + kArchName};
  Ctx ctx(seccomp_init(violation));
  if (!ctx) return Error{ENOMEM, "seccomp: init"};
  // A call through a foreign ABI is never ours: kill, even in Log mode.
  if (const int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc < 0)
    return seccomp_error(rc, "bad-arch action");
  // No thread may stay unfiltered (the parser has one; a library could
  // have started another).
  if (const int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_TSYNC, 1); rc < 0)
    return seccomp_error(rc, "tsync");
  if (action == SeccompAction::Log) {
    // Report the soft refusals too, not only what would have killed.
    if (const int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_LOG, 1); rc < 0)
      return seccomp_error(rc, "log");
  }

  for (const SoftRefusal& s : kRefuseSoftly) {
    const int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(static_cast<uint32_t>(s.err)), s.nr, 0);
    if (rc < 0) return seccomp_error(rc, std::string("refuse ") + s.name);
  }
  if (Status s = add_rules(ctx.get(), kAllow, std::size(kAllow)); !s) return s.error();
#if PMTR_SANDBOX_ASAN
  if (Status s = add_rules(ctx.get(), kAllowSanitizer, std::size(kAllowSanitizer)); !s) return s.error();
#endif
  return ctx;
}

}  // namespace

Status apply_parser_seccomp(SeccompAction action) {
  Result<Ctx> ctx = build_filter(action);
  if (!ctx) return ctx.error();
  // seccomp_load also sets no_new_privs (SCMP_FLTATR_CTL_NNP defaults to
  // on), so this function is safe on its own, as the tests use it.
  if (const int rc = seccomp_load(ctx->get()); rc < 0) return seccomp_error(rc, "load");
  return {};
}

Result<std::string> export_parser_seccomp_pfc() {
  Result<Ctx> ctx = build_filter(SeccompAction::Kill);
  if (!ctx) return ctx.error();
  unique_fd fd(memfd_create("pmtr-parser-pfc", MFD_CLOEXEC));
  if (!fd) return Error::from_errno("memfd_create");
  if (const int rc = seccomp_export_pfc(ctx->get(), fd.get()); rc < 0) return seccomp_error(rc, "export pfc");
  if (lseek(fd.get(), 0, SEEK_SET) != 0) return Error::from_errno("lseek");
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("read pfc");
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace pmtr
