// The machinery under every helper's seccomp policy: a policy is written as
// tables (calls refused softly with an errno, calls allowed, some only with
// given arguments) in the helper's own file beside its main
// (parser/sandbox_policy.cpp, logger/sandbox_policy.cpp); this turns the
// tables into a libseccomp filter the same way for all of them.  The
// architecture check comes first (a call through any other ABI kills, even
// in Log mode), the default action kills the process, and no thread may
// stay unfiltered (TSYNC).
#pragma once

#include <seccomp.h>
#include <sys/mman.h>

#include <cstdint>
#include <span>
#include <string>

#include "common/result.hpp"
#include "common/sandbox.hpp"

namespace pmtr {

// int arguments (fds, futex ops, flags) are compared on their low 32 bits,
// as the kernel reads them.
inline constexpr scmp_datum_t kSeccompLow32 = 0xffffffffu;

constexpr scmp_arg_cmp int_arg_is(unsigned arg, int value) {
  return scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, kSeccompLow32,
                      static_cast<scmp_datum_t>(static_cast<uint32_t>(value))};
}

// prot of mmap/mprotect: no bit other than PROT_READ|PROT_WRITE, so no
// PROT_EXEC (nothing writable ever becomes code) and no unknown bits.
constexpr scmp_arg_cmp prot_rw_only(unsigned arg) {
  return scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, ~static_cast<scmp_datum_t>(PROT_READ | PROT_WRITE), 0};
}

// A flags argument with no bit outside `allowed`.
constexpr scmp_arg_cmp flags_within(unsigned arg, uint32_t allowed) {
  return scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, static_cast<scmp_datum_t>(~allowed & 0xffffffffu), 0};
}

struct SeccompRule {
  int nr;               // SCMP_SYS(...)
  const char* name;     // for error messages
  unsigned nargs;       // conditions that must all hold
  scmp_arg_cmp args[2];
};

#define PMTR_SECCOMP_RULE(name) ::pmtr::SeccompRule{SCMP_SYS(name), #name, 0, {}}
#define PMTR_SECCOMP_RULE_IF(name, cond) ::pmtr::SeccompRule{SCMP_SYS(name), #name, 1, {cond}}
#define PMTR_SECCOMP_RULE_IF2(name, c1, c2) ::pmtr::SeccompRule{SCMP_SYS(name), #name, 2, {c1, c2}}

// A call that fails with `err` and lets the process live: library code
// probes it and copes with the failure.
struct SeccompSoftRefusal {
  int nr;
  const char* name;
  int err;
};

// The tables of one policy (static arrays: a policy holds no copies).
struct SeccompPolicy {
  const char* program = "";                         // "pmtr-parser": names the export's memfd
  std::span<const SeccompSoftRefusal> refuse;
  std::span<const SeccompRule> allow[4];            // added in this order; empty ones skipped
};

// Builds and loads the filter.  seccomp_load also sets no_new_privs
// (SCMP_FLTATR_CTL_NNP defaults to on), so this is safe on its own, as the
// tests use it.
[[nodiscard]] Status load_seccomp_policy(const SeccompPolicy& policy, SeccompAction action);

// The filter (Kill mode) in libseccomp's PFC text form, for golden dumps.
[[nodiscard]] Result<std::string> export_seccomp_policy_pfc(const SeccompPolicy& policy);

}  // namespace pmtr
