#include "parser/siphash.hpp"

#include <bit>
#include <cstring>

namespace pmtr {
namespace {

// Little-endian loads and stores whatever the host's order (the reference
// defines the function on bytes).
uint64_t load_le64(const void* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

void store_le64(uint8_t* p, uint64_t v) noexcept {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof v);
}

struct State {
  uint64_t v0, v1, v2, v3;

  void round() noexcept {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }
  void compress(uint64_t m) noexcept {   // c = 2
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  uint64_t finalize() noexcept {   // d = 4
    round();
    round();
    round();
    round();
    return v0 ^ v1 ^ v2 ^ v3;
  }
};

}  // namespace

SipTag128 siphash_2_4_128(std::string_view data, const SipKey& key) noexcept {
  const uint64_t k0 = load_le64(key.data());
  const uint64_t k1 = load_le64(key.data() + 8);
  State s{0x736f6d6570736575ull ^ k0, 0x646f72616e646f6dull ^ k1, 0x6c7967656e657261ull ^ k0,
          0x7465646279746573ull ^ k1};
  s.v1 ^= 0xee;   // the 128-bit variant

  const size_t whole = data.size() - data.size() % 8;
  for (size_t at = 0; at < whole; at += 8) s.compress(load_le64(data.data() + at));
  // The last block: the remaining bytes, and the length's low byte on top.
  char tail[8] = {};
  if (data.size() > whole) std::memcpy(tail, data.data() + whole, data.size() - whole);
  s.compress(load_le64(tail) | (static_cast<uint64_t>(data.size()) << 56));

  SipTag128 out;
  s.v2 ^= 0xee;
  store_le64(out.data(), s.finalize());
  s.v1 ^= 0xdd;
  store_le64(out.data() + 8, s.finalize());
  return out;
}

}  // namespace pmtr
