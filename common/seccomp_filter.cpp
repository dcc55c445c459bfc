#include "common/seccomp_filter.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include "common/unique_fd.hpp"

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
#error "the helpers' seccomp policies are written for x86_64 and aarch64 only"
#endif

struct CtxRelease {
  void operator()(void* ctx) const noexcept { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxRelease>;

Error seccomp_error(int rc, std::string what) { return Error{-rc, "seccomp: " + std::move(what)}; }

Status add_rules(void* ctx, std::span<const SeccompRule> rules) {
  for (const SeccompRule& r : rules) {
    const int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, r.nr, r.nargs, r.nargs ? r.args : nullptr);
    if (rc < 0) return seccomp_error(rc, std::string("allow ") + r.name);
  }
  return {};
}

// The whole policy as a libseccomp context, not yet loaded.
Result<Ctx> build_filter(const SeccompPolicy& policy, SeccompAction action) {
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
  // No thread may stay unfiltered (the helpers have one; a library could
  // have started another).
  if (const int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_TSYNC, 1); rc < 0)
    return seccomp_error(rc, "tsync");
  if (action == SeccompAction::Log) {
    // Report the soft refusals too, not only what would have killed.
    if (const int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_LOG, 1); rc < 0)
      return seccomp_error(rc, "log");
  }

  for (const SeccompSoftRefusal& s : policy.refuse) {
    const int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(static_cast<uint32_t>(s.err)), s.nr, 0);
    if (rc < 0) return seccomp_error(rc, std::string("refuse ") + s.name);
  }
  for (std::span<const SeccompRule> rules : policy.allow)
    if (Status s = add_rules(ctx.get(), rules); !s) return s.error();
  return ctx;
}

}  // namespace

Status load_seccomp_policy(const SeccompPolicy& policy, SeccompAction action) {
  Result<Ctx> ctx = build_filter(policy, action);
  if (!ctx) return ctx.error();
  if (const int rc = seccomp_load(ctx->get()); rc < 0) return seccomp_error(rc, "load");
  return {};
}

Result<std::string> export_seccomp_policy_pfc(const SeccompPolicy& policy) {
  Result<Ctx> ctx = build_filter(policy, SeccompAction::Kill);
  if (!ctx) return ctx.error();
  unique_fd fd(memfd_create(policy.program, MFD_CLOEXEC));
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
