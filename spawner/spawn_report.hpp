// The child's failure record on the error pipe: one step byte, then the
// errno as 4 bytes little-endian; 5 bytes in all, written with a single
// write() (atomic: far below PIPE_BUF).  Encoded by hand, byte by byte,
// so the post-fork child needs no library call to produce it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "spawner/spawn.hpp"

namespace pmtr {

inline constexpr size_t kSpawnRecordBytes = 5;

// Async-signal-safe: used by the post-fork child.
constexpr void encode_spawn_record(SpawnStep step, int err,
                                   unsigned char (&out)[kSpawnRecordBytes]) noexcept {
  const auto e = static_cast<uint32_t>(err);
  out[0] = static_cast<unsigned char>(step);
  out[1] = static_cast<unsigned char>(e & 0xffu);
  out[2] = static_cast<unsigned char>((e >> 8) & 0xffu);
  out[3] = static_cast<unsigned char>((e >> 16) & 0xffu);
  out[4] = static_cast<unsigned char>((e >> 24) & 0xffu);
}

// On the shared channel a record is the child's pid (4 bytes
// little-endian) followed by the 5-byte record above.
inline constexpr size_t kSharedSpawnRecordBytes = 4 + kSpawnRecordBytes;

// Strict: exactly kSpawnRecordBytes, a known step, an errno in 1..4095
// (the kernel's range).  Anything else is nullopt.
[[nodiscard]] std::optional<SpawnFailure> decode_spawn_record(
    std::span<const unsigned char> bytes) noexcept;

}  // namespace pmtr
