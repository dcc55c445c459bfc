// Output text without iostreams or printf: numbers through to_chars, and
// an output buffer written out in large pieces as rows are added, so
// `status` on 100,000 jobs is a few dozen writes from one reused buffer
// (touching fresh pages for a whole 80 MB `metrics` costs more than
// formatting it).
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

// Text on its way to an fd.  Formatters append to text() and call
// row_done() between rows; once kFlushBytes have collected they go out in
// one write and the same buffer fills again.  With no fd (tests), the
// whole text stays in text().
class OutBuffer {
 public:
  static constexpr size_t kFlushBytes = 128 * 1024;

  explicit OutBuffer(int fd = -1) : fd_(fd) {
    if (fd_ >= 0) buf_.reserve(kFlushBytes + 4096);
  }
  [[nodiscard]] std::string& text() noexcept { return buf_; }
  void row_done() noexcept {
    if (fd_ >= 0 && buf_.size() >= kFlushBytes) flush();
  }
  // Writes what is left; 0, or the errno of the first failed write (after
  // which nothing more is written).
  [[nodiscard]] int finish() noexcept;

 private:
  void flush() noexcept;
  int fd_;
  int err_ = 0;
  std::string buf_;
};

}  // namespace pmtr::ctl
