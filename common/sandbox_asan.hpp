// Whether this build runs under AddressSanitizer, for the helpers' sandbox
// code and its tests.  ASan reserves terabytes of shadow address space and
// runs a little code of its own inside a sandbox, so a few things differ in
// a SANITIZE=1 build: no address-space cap, and a marked block of extra
// allows in each seccomp policy.  g++ defines __SANITIZE_ADDRESS__; clang
// (the fuzz build) answers __has_feature.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define PMTR_SANDBOX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PMTR_SANDBOX_ASAN 1
#endif
#endif
#ifndef PMTR_SANDBOX_ASAN
#define PMTR_SANDBOX_ASAN 0
#endif

namespace pmtr::sandbox_detail {

// SANITIZE=1 only: room for the pipe UBSan's vptr check opens to probe
// memory (see the sanitizer block of each helper's seccomp policy).
inline constexpr int kSanitizerExtraFds = PMTR_SANDBOX_ASAN ? 2 : 0;

}  // namespace pmtr::sandbox_detail
