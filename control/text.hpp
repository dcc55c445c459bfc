// Output text without iostreams or printf: numbers through to_chars, and
// one write loop for a whole buffer, so `status` on 100,000 jobs is a few
// large writes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pmtr::ctl {

void append_u64(std::string& out, uint64_t v);
void append_i64(std::string& out, int64_t v);
// Milliseconds as decimal seconds, exactly and without trailing zeros:
// 1500 -> "1.5", 2000 -> "2", 1 -> "0.001".
void append_ms_as_seconds(std::string& out, uint64_t ms);
// `text` left- or right-aligned in `width` columns (no padding when it is
// already as wide).
void append_left(std::string& out, std::string_view text, size_t width);
void append_right(std::string& out, std::string_view text, size_t width);

// Writes all of `data` (EINTR and short writes handled); 0 or an errno.
[[nodiscard]] int write_all(int fd, std::string_view data) noexcept;

}  // namespace pmtr::ctl
