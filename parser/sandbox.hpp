// The pmtr-parser sandbox (SPEC §4), applied once, right after exec and
// before any input is read.  Order: rlimits, no supplementary groups,
// setresgid/setresuid, proof the drop holds, every capability cleared
// (bounding and ambient too), not dumpable, no_new_privs, seccomp allowlist
// whose default action kills the process.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.hpp"

namespace pmtr {

// The monitor places the parser's end of the channel at this fd before
// exec; the seccomp filter lets socket calls through on this fd only.
inline constexpr int kParserChannelFd = 3;

// RLIMIT_NOFILE inside the sandbox: fd numbers 0..4, i.e. stdin, stdout,
// stderr, the channel, and the one config fd a Parse message brings.
inline constexpr int kParserOpenFiles = 5;

struct SandboxIdentity {
  uid_t uid = 0;   // the `pmtr` user (or `nobody`), resolved by the monitor
  gid_t gid = 0;
};

enum class SeccompAction {
  Kill,     // production: SCMP_ACT_KILL_PROCESS
  Log,      // debug switch (-d on pmtr-parser): allow, but log to the audit log
};

// Applies every step; on error the caller must exit without reading input.
// When not started as root, the uid/gid/capability steps are skipped (an
// ordinary user cannot change them) and the rest still applies.
[[nodiscard]] Status enter_parser_sandbox(const SandboxIdentity& id, SeccompAction action);

// Only the seccomp step (tests apply it in a forked child).
[[nodiscard]] Status apply_parser_seccomp(SeccompAction action);

// The filter in libseccomp's PFC text form (tests diff it with a golden file).
[[nodiscard]] Result<std::string> export_parser_seccomp_pfc();

}  // namespace pmtr
