// What the monitor and pmtr-net agree on besides the channel's messages:
// pmtr-net's fds, at fixed numbers (the monitor places them before exec,
// so the seccomp policy can name them), and the nonce cache's size.
#pragma once

#include "common/limits.hpp"

namespace pmtr {

inline constexpr int kNetChannelFd = 3;
inline constexpr int kNetNoncesFd = 4;     // the nonce cache's memfd, kept by the monitor (net/nonce_cache.hpp)
inline constexpr int kNetListenFd = 5;     // the `listen on` socket, bound by the monitor (with --listen)
inline constexpr int kNetKeyFd = 6;        // a memfd holding the key (with --keyed); closed before the filter
// The socket of the i-th `report to` is kNetReportFd0 + i: fds 8 to 15, one
// aligned block, so that the seccomp filter names them with one mask.
inline constexpr int kNetReportFd0 = 8;
inline constexpr int kNetReportFdEnd = kNetReportFd0 + static_cast<int>(limits::kReportTargets);
static_assert(limits::kReportTargets == 8, "the report fds are the aligned block 8..15 (net/sandbox_policy.cpp)");

// The nonce cache (net/nonce_cache.hpp): a magic word and 8192 slots of a
// 16-byte nonce and its 8-byte expiry.
inline constexpr size_t kNonceSlots = 8192;
inline constexpr size_t kNonceTableBytes = 8 + kNonceSlots * 24;

// pmtr-net exits with this when a `report to` name did not resolve: the
// monitor starts a new one at once (no backoff), which tries again.
inline constexpr int kNetExitResolveAgain = 3;

}  // namespace pmtr
