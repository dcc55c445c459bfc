// Shared by the sandbox's two source files and its tests only; not part of
// the API (that is parser/sandbox.hpp).
#pragma once

#include <cstdint>

// AddressSanitizer reserves terabytes of shadow address space and runs a
// little code of its own inside the sandbox, so a few things differ in a
// SANITIZE=1 build: no address-space cap, and a marked block of extra
// allows in the seccomp policy.  g++ defines __SANITIZE_ADDRESS__; clang
// (the fuzz build) answers __has_feature.
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
// memory (see the sanitizer block in parser/sandbox_policy.cpp).
inline constexpr int kSanitizerExtraFds = PMTR_SANDBOX_ASAN ? 2 : 0;

// RLIMIT_AS and RLIMIT_DATA of the parser (not applied under ASan).  The
// cap only has to stop a runaway parser from taking the host's memory with
// it; it must never refuse a config the limits allow.  Measured peaks
// (VmPeak, x86_64, reload with every job changed, so the monitor's table
// and the new jobs are both held): 52 MiB config of 200000 ordinary jobs,
// 1.05 GB; 62 MiB config of 121272 jobs with 256 one-letter arguments each
// (the densest legal shape), 3.2 GB.  4 GiB leaves a little headroom.
inline constexpr uint64_t kParserMemoryBytes = uint64_t{4} << 30;

}  // namespace pmtr::sandbox_detail
