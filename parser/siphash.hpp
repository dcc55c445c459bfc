// SipHash-2-4 with its 128-bit tag (Aumasson and Bernstein, "SipHash: a
// fast short-input PRF"), byte for byte the reference implementation's
// siphash(in, inlen, k, out, 16), so its published vectors are our tests.
//
// The parser digests each job's definition with it (parser/job_key_table.hpp):
// it needs a 128-bit function whose outputs do not collide by accident, and
// SipHash is a short, well-studied one that needs no library.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace pmtr {

using SipKey = std::array<uint8_t, 16>;
using SipTag128 = std::array<uint8_t, 16>;

[[nodiscard]] SipTag128 siphash_2_4_128(std::string_view data, const SipKey& key) noexcept;

}  // namespace pmtr
