// Byte-level codec for the monitor's channels.  No structs on the wire:
// every field is written and read one at a time, little-endian, with a
// length cap on every string and list.  The reader has a sticky error and
// finish() demands that the whole record was consumed (OpenSMTPD's mproc
// habit), so a short, long or garbled record can only ever fail cleanly.
//
// Both sides are on the path of every job of every parse (`pmtr -t` on
// 10,000 jobs writes and reads a few hundred thousand fields), so the
// per-field paths are inline: a bounds check and a fixed-size copy.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pmtr {

namespace wire_detail {

template <typename T>
inline T to_le(T v) noexcept {
  if constexpr (std::endian::native == std::endian::little || sizeof(T) == 1) {
    return v;
  } else if constexpr (sizeof(T) == 2) {
    return __builtin_bswap16(v);
  } else if constexpr (sizeof(T) == 4) {
    return __builtin_bswap32(v);
  } else {
    return __builtin_bswap64(v);
  }
}

}  // namespace wire_detail

class WireWriter {
 public:
  void u8(uint8_t v) { put(v); }
  void u16(uint16_t v) { put(v); }
  void u32(uint32_t v) { put(v); }
  void u64(uint64_t v) { put(v); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  // u32 length + bytes
  void str(std::string_view s) {
    std::byte* p = room(4 + s.size());
    const uint32_t len = wire_detail::to_le(static_cast<uint32_t>(s.size()));
    std::memcpy(p, &len, 4);
    if (!s.empty()) std::memcpy(p + 4, s.data(), s.size());
  }
  void reserve(size_t n) {
    if (n > buf_.size()) grow_to(n);
  }
  [[nodiscard]] std::span<const std::byte> bytes() const { return {buf_.data(), size_}; }
  [[nodiscard]] size_t size() const { return size_; }
  std::vector<std::byte> take() {
    buf_.resize(size_);
    size_ = 0;
    return std::move(buf_);
  }

 private:
  template <typename T>
  void put(T v) {
    v = wire_detail::to_le(v);
    std::memcpy(room(sizeof v), &v, sizeof v);
  }
  // Where the next n bytes go; they count as written.
  std::byte* room(size_t n) {
    if (buf_.size() - size_ < n) grow_to(size_ + n);
    std::byte* p = buf_.data() + size_;
    size_ += n;
    return p;
  }
  void grow_to(size_t n);   // at least n bytes of buffer, doubling

  // The buffer: its size is the room allocated, size_ the bytes written
  // (a vector's own size would zero-fill or check capacity per field).
  std::vector<std::byte> buf_;
  size_t size_ = 0;
};

class WireReader {
 public:
  explicit WireReader(std::span<const std::byte> data) noexcept : data_(data) {}

  uint8_t u8() noexcept { return get<uint8_t>(); }
  uint16_t u16() noexcept { return get<uint16_t>(); }
  uint32_t u32() noexcept { return get<uint32_t>(); }
  uint64_t u64() noexcept { return get<uint64_t>(); }
  int32_t i32() noexcept { return static_cast<int32_t>(u32()); }
  bool boolean() noexcept;               // only 0 or 1
  std::string str(size_t max_len) noexcept;  // no NUL inside, len <= max_len
  // A list count, checked against a cap and against the bytes left (each
  // element takes at least min_elem_bytes), so a lying count cannot make the
  // decoder allocate.
  uint32_t count(size_t max_count, size_t min_elem_bytes) noexcept;

  // Marks the record bad with a reason (first reason wins).
  void fail(const char* why) noexcept;
  [[nodiscard]] bool ok() const noexcept { return error_ == nullptr; }
  [[nodiscard]] const char* error() const noexcept { return error_ ? error_ : "ok"; }
  [[nodiscard]] size_t remaining() const noexcept { return data_.size() - pos_; }
  // True only if no field failed and every byte was consumed.
  [[nodiscard]] bool finish() noexcept;

 private:
  template <typename T>
  T get() noexcept {
    const std::byte* p;
    if (!take(sizeof(T), &p)) return 0;
    T v;
    std::memcpy(&v, p, sizeof v);
    return wire_detail::to_le(v);
  }
  bool take(size_t n, const std::byte** out) noexcept {
    if (error_ != nullptr) return false;
    if (n > remaining()) {
      fail("truncated record");
      return false;
    }
    *out = data_.data() + pos_;
    pos_ += n;
    return true;
  }
  std::span<const std::byte> data_;
  size_t pos_ = 0;
  const char* error_ = nullptr;
};

}  // namespace pmtr
