#include "common/wire.hpp"

#include <algorithm>

namespace pmtr {

void WireWriter::grow_to(size_t n) {
  // Doubling keeps appends amortised O(1); the new room is zero-filled
  // once here, never per field.
  buf_.resize(std::max({n, 2 * buf_.size(), size_t{64}}));
}

void WireReader::fail(const char* why) noexcept {
  if (error_ == nullptr) error_ = why;
}

bool WireReader::boolean() noexcept {
  const uint8_t v = u8();
  if (v > 1) fail("boolean out of range");
  return v == 1;
}

std::string WireReader::str(size_t max_len) noexcept {
  const uint32_t len = u32();
  if (!ok()) return {};
  if (len > max_len) {
    fail("string too long");
    return {};
  }
  const std::byte* p;
  if (!take(len, &p)) return {};
  if (std::memchr(p, 0, len) != nullptr) {
    fail("NUL byte inside string");
    return {};
  }
  return std::string(reinterpret_cast<const char*>(p), len);
}

uint32_t WireReader::count(size_t max_count, size_t min_elem_bytes) noexcept {
  const uint32_t n = u32();
  if (!ok()) return 0;
  if (n > max_count) {
    fail("list too long");
    return 0;
  }
  if (min_elem_bytes != 0 && n > remaining() / min_elem_bytes) {
    fail("truncated record");
    return 0;
  }
  return n;
}

bool WireReader::finish() noexcept {
  if (ok() && remaining() != 0) fail("trailing bytes after record");
  return ok();
}

}  // namespace pmtr
