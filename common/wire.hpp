// Byte-level codec for the monitor's channels.  No structs on the wire:
// every field is written and read one at a time, little-endian, with a
// length cap on every string and list.  The reader has a sticky error and
// finish() demands that the whole record was consumed (OpenSMTPD's mproc
// habit), so a short, long or garbled record can only ever fail cleanly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pmtr {

class WireWriter {
 public:
  void u8(uint8_t v);
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void str(std::string_view s);   // u32 length + bytes
  void reserve(size_t n) { buf_.reserve(n); }
  [[nodiscard]] std::span<const std::byte> bytes() const { return buf_; }
  [[nodiscard]] size_t size() const { return buf_.size(); }
  std::vector<std::byte> take() { return std::move(buf_); }

 private:
  std::vector<std::byte> buf_;
};

class WireReader {
 public:
  explicit WireReader(std::span<const std::byte> data) noexcept : data_(data) {}

  uint8_t u8() noexcept;
  uint16_t u16() noexcept;
  uint32_t u32() noexcept;
  uint64_t u64() noexcept;
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
  bool take(size_t n, const std::byte** out) noexcept;
  std::span<const std::byte> data_;
  size_t pos_ = 0;
  const char* error_ = nullptr;
};

}  // namespace pmtr
