#include "common/wire.hpp"

#include <cstring>

namespace pmtr {

namespace {

// Little-endian bytes of v, appended in one insert (checking a config of
// 10,000 jobs encodes a few hundred thousand integers).
template <typename T>
void put_le(std::vector<std::byte>& buf, T v) {
  std::byte bytes[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) bytes[i] = static_cast<std::byte>(v >> (8 * i));
  buf.insert(buf.end(), bytes, bytes + sizeof(T));
}

}  // namespace

void WireWriter::u8(uint8_t v) { buf_.push_back(static_cast<std::byte>(v)); }
void WireWriter::u16(uint16_t v) { put_le(buf_, v); }
void WireWriter::u32(uint32_t v) { put_le(buf_, v); }
void WireWriter::u64(uint64_t v) { put_le(buf_, v); }
void WireWriter::str(std::string_view s) {
  u32(static_cast<uint32_t>(s.size()));
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  buf_.insert(buf_.end(), p, p + s.size());
}

void WireReader::fail(const char* why) noexcept {
  if (error_ == nullptr) error_ = why;
}

bool WireReader::take(size_t n, const std::byte** out) noexcept {
  if (error_ != nullptr) return false;
  if (n > remaining()) {
    fail("truncated record");
    return false;
  }
  *out = data_.data() + pos_;
  pos_ += n;
  return true;
}

uint8_t WireReader::u8() noexcept {
  const std::byte* p;
  if (!take(1, &p)) return 0;
  return static_cast<uint8_t>(p[0]);
}

uint16_t WireReader::u16() noexcept {
  const std::byte* p;
  if (!take(2, &p)) return 0;
  return static_cast<uint16_t>(static_cast<uint16_t>(p[0]) | static_cast<uint16_t>(p[1]) << 8);
}

uint32_t WireReader::u32() noexcept {
  const std::byte* p;
  if (!take(4, &p)) return 0;
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint32_t>(p[i]);
  return v;
}

uint64_t WireReader::u64() noexcept {
  const std::byte* p;
  if (!take(8, &p)) return 0;
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint64_t>(p[i]);
  return v;
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
