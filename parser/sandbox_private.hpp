// Shared by the sandbox's two source files and its tests only; not part of
// the API (that is parser/sandbox.hpp).
#pragma once

#include <cstdint>

// PMTR_SANDBOX_ASAN and kSanitizerExtraFds: the same for every helper.
#include "common/sandbox_asan.hpp"

namespace pmtr::sandbox_detail {

// RLIMIT_AS and RLIMIT_DATA of the parser (not applied under ASan).  The
// cap only has to stop a runaway parser from taking the host's memory with
// it; it must never refuse a config the limits allow.  Measured peaks
// (VmPeak, x86_64, reload with every job changed, so the monitor's table
// and the new jobs are both held): 52 MiB config of 200000 ordinary jobs,
// 1.05 GB; 62 MiB config of 121272 jobs with 256 one-letter arguments each
// (the densest legal shape), 3.2 GB.  4 GiB leaves a little headroom.
inline constexpr uint64_t kParserMemoryBytes = uint64_t{4} << 30;

}  // namespace pmtr::sandbox_detail
