// Writes what WireWriter would (common/job_layout.hpp walks it: little-
// endian integers, strings as a u32 length and their bytes) into room
// sized beforehand with encoded_job_size(), with no allocation and no
// check per field beyond the bounds.  Never past the end: a write that
// would not fit is dropped and the cursor marked as overrun, so a writer
// out of step with the byte count is caught by filled(), not by memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "common/wire.hpp"

namespace pmtr {

class LayoutCursor {
 public:
  LayoutCursor(std::byte* at, std::byte* end) noexcept : at_(at), end_(end) {}
  void u8(uint8_t v) noexcept { le(v); }
  void u16(uint16_t v) noexcept { le(v); }
  void u32(uint32_t v) noexcept { le(v); }
  void i32(int32_t v) noexcept { le(static_cast<uint32_t>(v)); }
  void u64(uint64_t v) noexcept { le(v); }
  void boolean(bool v) noexcept { le(static_cast<uint8_t>(v ? 1 : 0)); }
  void str(std::string_view s) noexcept {
    le(static_cast<uint32_t>(s.size()));
    if (s.empty() || !room(s.size())) return;
    std::memcpy(at_, s.data(), s.size());
    at_ += s.size();
  }
  // Every byte written, and exactly the room there was.
  [[nodiscard]] bool filled() const noexcept { return !overrun_ && at_ == end_; }

 private:
  template <typename T>
  void le(T v) noexcept {
    static_assert(std::is_unsigned_v<T>);
    if (!room(sizeof(T))) return;
    v = wire_detail::to_le(v);
    std::memcpy(at_, &v, sizeof v);
    at_ += sizeof v;
  }
  bool room(size_t n) noexcept {
    if (overrun_ || static_cast<size_t>(end_ - at_) < n) overrun_ = true;
    return !overrun_;
  }
  std::byte* at_;
  std::byte* end_;
  bool overrun_ = false;
};

}  // namespace pmtr
