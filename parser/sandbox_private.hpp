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

// RLIMIT_AS and RLIMIT_DATA of the parser (not applied under ASan).  The
// input is capped at limits::kConfigBytes (64 MiB); reading it, the parsed
// jobs, the monitor's job table and the diff fit in a small multiple of
// that.  The cap only has to stop a runaway parser from taking the host's
// memory with it.
inline constexpr uint64_t kParserMemoryBytes = uint64_t{1} << 30;

}  // namespace pmtr::sandbox_detail
