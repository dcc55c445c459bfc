// The pmtr-parser sandbox (SPEC §4), applied once, right after exec and
// before any input is read: the helpers' shared recipe (common/sandbox.hpp:
// rlimits, no supplementary groups, setresgid/setresuid, proof the drop
// holds, every capability cleared, not dumpable, no_new_privs) with the
// parser's limits, then the parser's own seccomp allowlist whose default
// action kills the process (parser/sandbox_policy.cpp).
#pragma once

#include <string>

#include "common/result.hpp"
#include "common/sandbox.hpp"

namespace pmtr {

// The monitor places the parser's end of the channel at this fd before
// exec; the seccomp filter lets socket calls through on this fd only.
inline constexpr int kParserChannelFd = 3;

// RLIMIT_NOFILE inside the sandbox: fd numbers 0..4, i.e. stdin, stdout,
// stderr, the channel, and the one config fd a Parse message brings.
inline constexpr int kParserOpenFiles = 5;

// Applies every step; on error the caller must exit without reading input.
// When not started as root, the uid/gid/capability steps are skipped (an
// ordinary user cannot change them) and the rest still applies.
[[nodiscard]] Status enter_parser_sandbox(const SandboxIdentity& id, SeccompAction action);

// Only the seccomp step (tests apply it in a forked child).
[[nodiscard]] Status apply_parser_seccomp(SeccompAction action);

// The filter in libseccomp's PFC text form (tests diff it with a golden file).
[[nodiscard]] Result<std::string> export_parser_seccomp_pfc();

}  // namespace pmtr
