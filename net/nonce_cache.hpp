// The nonces of the signed datagrams accepted in the last 60 s, in a
// memfd the monitor makes once and hands to every pmtr-net: a restarted
// pmtr-net (killed, or restarted at a reload) still refuses a replay of a
// datagram its predecessor accepted.  The monitor never reads it.
//
// A fixed table: a signed datagram passes the MAC check before it gets
// here, so only a key holder can fill it; a full table refuses new
// datagrams (fail closed) until entries expire.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/datagram_mac.hpp"
#include "common/net_fds.hpp"
#include "common/result.hpp"

namespace pmtr {

inline constexpr int64_t kNonceMemorySeconds = 60;

struct NonceSlot {
  int64_t expires = 0;   // Unix seconds; free when <= now
  Nonce nonce{};
};

struct NonceTable {
  uint64_t magic;
  NonceSlot slots[kNonceSlots];
};

static_assert(sizeof(NonceTable) == kNonceTableBytes, "the monitor sizes the memfd by kNonceTableBytes");

enum class NonceCheck { Fresh, Replayed, Full };

class NonceCache {
 public:
  NonceCache() = default;
  NonceCache(const NonceCache&) = delete;
  NonceCache& operator=(const NonceCache&) = delete;
  ~NonceCache();
  // Maps the memfd (before the seccomp filter); a table of another layout
  // (a zeroed new memfd) is cleared.
  [[nodiscard]] Status map(int fd);
  // Fresh: remembered until now + kNonceMemorySeconds.
  NonceCheck check_and_add(const Nonce& n, int64_t now) noexcept;

 private:
  NonceTable* table_ = nullptr;
};

}  // namespace pmtr
