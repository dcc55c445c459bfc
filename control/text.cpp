#include "control/text.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "common/syscalls.hpp"

namespace pmtr::ctl {

void append_u64(std::string& out, uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_i64(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_ms_as_seconds(std::string& out, uint64_t ms) {
  append_u64(out, ms / 1000);
  uint64_t frac = ms % 1000;
  if (frac == 0) return;
  char digits[4] = {'.', static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                    static_cast<char>('0' + frac % 10)};
  size_t n = 4;
  while (digits[n - 1] == '0') --n;
  out.append(digits, n);
}

void append_left(std::string& out, std::string_view text, size_t width) {
  out += text;
  if (text.size() < width) out.append(width - text.size(), ' ');
}

void append_right(std::string& out, std::string_view text, size_t width) {
  if (text.size() < width) out.append(width - text.size(), ' ');
  out += text;
}

int write_all(int fd, std::string_view data) noexcept {
  while (!data.empty()) {
    const ssize_t n = retry_eintr([&] { return ::write(fd, data.data(), data.size()); });
    if (n < 0) return errno;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

void OutBuffer::flush() noexcept {
  if (err_ == 0) err_ = write_all(fd_, buf_);
  buf_.clear();
}

int OutBuffer::finish() noexcept {
  if (fd_ >= 0) flush();
  return err_;
}

}  // namespace pmtr::ctl
