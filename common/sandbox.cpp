// The helpers' sandbox recipe (pmtr-parser, pmtr-log).  One small
// function per step; enter_sandbox() runs them in a fixed order, and the
// order is the point:
//
//   1. rlimits            Lowering them needs no privilege.  RLIMIT_NPROC
//                         goes in before the uid change so the change itself
//                         is measured against it: the kernel then marks the
//                         process, and even an execve would fail (EAGAIN);
//                         fork is refused whenever it is tried.
//   1b. chroot            pmtr-log only, root only: into the directory the
//                         monitor handed over, so that no path it could
//                         name (absolute, "..", a symlink's target) leaves
//                         it.  Needs CAP_SYS_CHROOT, so before the drop.
//   2. bounding set       Emptied while we are still root: PR_CAPBSET_DROP
//                         needs CAP_SETPCAP in the effective set, and the
//                         uid change below takes that away.  Afterwards
//                         nothing, not even an exec of a file with
//                         capabilities, can bring a capability back.
//   3. setgroups(0)       Needs CAP_SETGID, so before the uid change.
//   4. setresgid          Same; real, effective and saved all set, so no
//                         saved id is left to switch back to.
//   5. setresuid          Last of the id changes (after it no CAP_SET*ID is
//                         left).  PR_SET_KEEPCAPS is off, so the kernel
//                         clears the permitted, effective and ambient sets.
//   6. proof              setuid(0) and setgid(0) must fail, and the ids
//                         read back must be exactly the ones asked for.
//                         Nothing rejects uid 0 or gid 0 up front: the
//                         proof is what catches them (and any kernel or
//                         securebits surprise that kept a capability).
//   7. capabilities       Every set cleared explicitly, inheritable too
//                         (the uid change leaves it alone), and ambient:
//                         lowering needs no privilege.
//   8. verification       All five sets (effective, permitted, inheritable,
//                         bounding, ambient) read back empty.
//   9. not dumpable       No core, no ptrace attach by the same uid, and
//                         /proc/<pid> owned by root.
//  10. no_new_privs       Required before an unprivileged seccomp filter,
//                         and no exec could ever gain privileges again.
//  11. seccomp            Each helper's own policy, loaded by its caller
//                         (parser/sandbox_policy.cpp, logger/sandbox_policy.cpp).
//
// Not started as root (an ordinary user trying pmtr, or per-user daemons):
// steps 1b and 3-6 are impossible and skipped.  Steps 7-8 still run, for a
// process can hold capabilities without being root (file capabilities,
// systemd's AmbientCapabilities=); the bounding set, which only
// CAP_SETPCAP can lower, is emptied (step 2) and checked only when we hold
// that.  RLIMIT_NPROC is left alone.  Steps 1 and 9-10 always run.
//
// RLIMIT_NOFILE is already down when the later steps run, and after a
// chroot /proc is out of reach.  Nothing here needs to open a file:
// libcap-ng reads /proc/<tid>/status for the bounding and ambient sets when
// it can and falls back to prctl when not, and the verification (step 8)
// asks the kernel with prctl directly.
#include <cap-ng.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <string>

#include "common/sandbox.hpp"
#include "common/sandbox_asan.hpp"

namespace pmtr {
namespace {

// ---- 1. rlimits -------------------------------------------------------------

// Sets soft and hard limit to `value`, or to the current hard limit when
// that is already lower (raising a hard limit needs CAP_SYS_RESOURCE).
Status cap_rlimit(int resource, const char* name, rlim_t value) {
  rlimit cur{};
  if (getrlimit(resource, &cur) != 0) return Error::from_errno(std::string("getrlimit ") + name);
  const rlim_t v = cur.rlim_max == RLIM_INFINITY ? value : std::min(value, cur.rlim_max);
  const rlimit want{v, v};
  if (setrlimit(resource, &want) != 0) return Error::from_errno(std::string("setrlimit ") + name);
  return {};
}

Status set_rlimits(const SandboxLimits& l, bool changing_uid) {
  // What the helper's channel, stdio and handed fds need; SANITIZE=1
  // builds get two more (common/sandbox_asan.hpp).
  const rlim_t nofile = l.open_files + sandbox_detail::kSanitizerExtraFds;
  if (Status s = cap_rlimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", nofile); !s) return s;
  // No file may grow beyond this (the parser: none at all).  A write past
  // it raises SIGXFSZ, which would kill the helper if stderr were a log
  // file (pmtr -F 2>>log): ignored, so that write fails with EFBIG instead.
  if (Status s = cap_rlimit(RLIMIT_FSIZE, "RLIMIT_FSIZE", l.file_bytes); !s) return s;
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  if (sigaction(SIGXFSZ, &ign, nullptr) != 0) return Error::from_errno("sigaction SIGXFSZ");
  // A core would hold what the helper read; nowhere to write it anyway.
  if (Status s = cap_rlimit(RLIMIT_CORE, "RLIMIT_CORE", 0); !s) return s;
  // The new user may not have a single process more (the filters forbid
  // fork as well).  Only meaningful with our own uid: RLIMIT_NPROC counts
  // every process of the real uid, and an ordinary user's other processes
  // would make the limit misleading.
  if (changing_uid) {
    if (Status s = cap_rlimit(RLIMIT_NPROC, "RLIMIT_NPROC", 0); !s) return s;
  }
#if !PMTR_SANDBOX_ASAN
  // A runaway helper must not take the host's memory with it.  Not under
  // ASan, whose shadow memory alone is terabytes of address space.
  if (l.memory_bytes != 0) {
    if (Status s = cap_rlimit(RLIMIT_AS, "RLIMIT_AS", l.memory_bytes); !s) return s;
    if (Status s = cap_rlimit(RLIMIT_DATA, "RLIMIT_DATA", l.memory_bytes); !s) return s;
  }
#endif
  return {};
}

// ---- 1b. chroot ---------------------------------------------------------------

Status enter_root(int dir_fd) {
  if (fchdir(dir_fd) != 0) return Error::from_errno("fchdir to the chroot directory");
  if (chroot(".") != 0) return Error::from_errno("chroot");
  // The working directory is the new root already; say so explicitly, so
  // that no relative lookup could start above it.
  if (chdir("/") != 0) return Error::from_errno("chdir / after chroot");
  return {};
}

// ---- 2. bounding set (and 7, when not root) --------------------------------------

bool have_effective(unsigned cap) {
  return capng_get_caps_process() == 0 && capng_have_capability(CAPNG_EFFECTIVE, cap) == 1;
}

// libcap-ng empties the bounding set only while CAP_SETPCAP is effective
// (and then fails without setting errno): say so rather than print a
// stale errno.
Status apply_empty_bounding_set() {
  if (!have_effective(CAP_SETPCAP)) return Error{EPERM, "empty the bounding set: CAP_SETPCAP is not held"};
  capng_clear(CAPNG_SELECT_BOUNDS);
  errno = 0;
  if (capng_apply(CAPNG_SELECT_BOUNDS) != 0) return Error{errno, "capng_apply bounding set"};
  return {};
}

// ---- 3-5. ids -------------------------------------------------------------------

Status change_ids(const SandboxIdentity& id) {
  // Should an inherited PR_SET_KEEPCAPS be on, setresuid would keep the
  // permitted set.
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return Error::from_errno("prctl PR_SET_KEEPCAPS");
  if (setgroups(0, nullptr) != 0) return Error::from_errno("setgroups");
  if (setresgid(id.gid, id.gid, id.gid) != 0)
    return Error::from_errno("setresgid " + std::to_string(id.gid));
  if (setresuid(id.uid, id.uid, id.uid) != 0)
    return Error::from_errno("setresuid " + std::to_string(id.uid));
  return {};
}

// ---- 6. proof ---------------------------------------------------------------------

Status prove_ids(const SandboxIdentity& id) {
  // As s6-applyuidgid and OpenSSH's permanently_set_uid do: try to go back.
  // If either call succeeds we are not sandboxed (the caller exits at
  // once, so having regained root for that moment changes nothing).
  if (setuid(0) != -1) return Error{0, "proof: setuid(0) succeeded after the uid drop"};
  if (setgid(0) != -1) return Error{0, "proof: setgid(0) succeeded after the gid drop"};
  uid_t ru = 0, eu = 0, su = 0;
  gid_t rg = 0, eg = 0, sg = 0;
  if (getresuid(&ru, &eu, &su) != 0) return Error::from_errno("getresuid");
  if (getresgid(&rg, &eg, &sg) != 0) return Error::from_errno("getresgid");
  if (ru != id.uid || eu != id.uid || su != id.uid) return Error{0, "proof: uids differ from the ones set"};
  if (rg != id.gid || eg != id.gid || sg != id.gid) return Error{0, "proof: gids differ from the ones set"};
  const int groups = getgroups(0, nullptr);
  if (groups != 0) return Error{groups < 0 ? errno : 0, "proof: supplementary groups remain"};
  return {};
}

// ---- 7. capabilities ------------------------------------------------------------

Status clear_capabilities() {
  capng_clear(static_cast<capng_select_t>(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT));
  if (capng_apply(CAPNG_SELECT_CAPS) != 0)
    return Error::from_errno("capng_apply effective/permitted/inheritable");
  if (capng_apply(CAPNG_SELECT_AMBIENT) != 0) return Error::from_errno("capng_apply ambient");
  return {};
}

// ---- 8. verification ------------------------------------------------------------

// Reads every set back: effective, permitted and inheritable through
// libcap-ng (capget), bounding and ambient straight from the kernel
// (prctl), capability by capability up to the kernel's last one.
Status verify_no_capabilities(bool check_bounding) {
  if (capng_get_caps_process() != 0) return Error::from_errno("capng_get_caps_process");
  int cap = 0;
  for (;; ++cap) {
    const int in_bounding = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (in_bounding < 0) {
      if (errno == EINVAL && cap > 0) break;   // past the kernel's last capability
      return Error::from_errno("prctl PR_CAPBSET_READ");
    }
    if (cap >= 64) return Error{0, "verify: more capabilities than fit in a set"};
    const std::string which = "verify: capability " + std::to_string(cap) + " still in the ";
    const auto c = static_cast<unsigned>(cap);
    // capng_have_capability answers 1, or -1 on failure: both refuse.
    if (capng_have_capability(CAPNG_EFFECTIVE, c) != 0) return Error{0, which + "effective set"};
    if (capng_have_capability(CAPNG_PERMITTED, c) != 0) return Error{0, which + "permitted set"};
    if (capng_have_capability(CAPNG_INHERITABLE, c) != 0) return Error{0, which + "inheritable set"};
    const int ambient = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
    if (ambient != 0) return Error{ambient < 0 ? errno : 0, which + "ambient set"};
    if (check_bounding && in_bounding != 0) return Error{0, which + "bounding set"};
  }
  return {};
}

// ---- 9-10. process flags -----------------------------------------------------------

Status set_not_dumpable() {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return Error::from_errno("prctl PR_SET_DUMPABLE");
  if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return Error{0, "verify: still dumpable"};
  return {};
}

Status set_no_new_privs() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Error::from_errno("prctl PR_SET_NO_NEW_PRIVS");
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) return Error{0, "verify: no_new_privs not set"};
  return {};
}

}  // namespace

Status enter_sandbox(const SandboxIdentity& id, const SandboxLimits& limits) {
  const bool root = geteuid() == 0;

  if (Status s = set_rlimits(limits, root); !s) return s;
  if (root && limits.chroot_fd >= 0) {
    if (Status s = enter_root(limits.chroot_fd); !s) return s;
  }
  // Root empties the bounding set before the uid change (step 2); anyone
  // else only when holding CAP_SETPCAP, which step 7 is about to clear.
  bool bounding_emptied = false;
  if (root) {
    if (Status s = apply_empty_bounding_set(); !s) return s;
    bounding_emptied = true;
    if (Status s = change_ids(id); !s) return s;
    if (Status s = prove_ids(id); !s) return s;
  } else if (have_effective(CAP_SETPCAP)) {
    if (Status s = apply_empty_bounding_set(); !s) return s;
    bounding_emptied = true;
  }
  if (Status s = clear_capabilities(); !s) return s;
  if (Status s = verify_no_capabilities(bounding_emptied); !s) return s;
  if (Status s = set_not_dumpable(); !s) return s;
  return set_no_new_privs();
}

}  // namespace pmtr
