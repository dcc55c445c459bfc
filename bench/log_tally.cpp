#include "bench/log_tally.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace pmtr::bench {
namespace {

constexpr size_t kDigits = 10;

bool bookkeeping(const std::string& name) { return name == "lock" || name == "state" || name == "config"; }

// RAII for the one fd a tally reads through.
struct ReadFd {
  int fd;
  explicit ReadFd(const std::string& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~ReadFd() {
    if (fd >= 0) ::close(fd);
  }
  ReadFd(const ReadFd&) = delete;
  ReadFd& operator=(const ReadFd&) = delete;
};

}  // namespace

void LineTally::line(const char* p, size_t n) {
  const char* hash = static_cast<const char*>(std::memchr(p, '#', n));
  uint64_t v = 0;
  bool ok = hash != nullptr && static_cast<size_t>(p + n - hash) > kDigits;
  for (size_t i = 1; ok && i <= kDigits; ++i) {
    const char c = hash[i];
    ok = c >= '0' && c <= '9';
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok) {
    ++unnumbered_;
    return;
  }
  ++numbered_;
  if (v >= seen_.size()) seen_.resize(std::max<uint64_t>(v + 1, seen_.size() * 2));
  if (seen_[v]) ++duplicates_;
  seen_[v] = true;
}

void LineTally::feed(const char* data, size_t n) {
  bytes_ += n;
  const char* end = data + n;
  while (data < end) {
    const char* nl = static_cast<const char*>(std::memchr(data, '\n', static_cast<size_t>(end - data)));
    if (nl == nullptr) {
      partial_.append(data, end);
      return;
    }
    if (partial_.empty()) {
      line(data, static_cast<size_t>(nl - data));
    } else {
      partial_.append(data, nl);
      line(partial_.data(), partial_.size());
      partial_.clear();
    }
    data = nl + 1;
  }
}

void LineTally::end_file() {
  if (partial_.empty()) return;
  line(partial_.data(), partial_.size());
  partial_.clear();
}

uint64_t LineTally::missing(uint64_t sent) const {
  uint64_t n = 0;
  for (uint64_t i = 0; i < sent; ++i)
    if (i >= seen_.size() || !seen_[i]) ++n;
  return n;
}

uint64_t LineTally::beyond(uint64_t sent) const {
  uint64_t n = 0;
  for (uint64_t i = sent; i < seen_.size(); ++i)
    if (seen_[i]) ++n;
  return n;
}

bool tally_dir(const std::string& dir, LineTally* t) {
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(dir, ec);
  if (ec) return false;
  static char buf[1 << 20];
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return false;
    const auto& e = *it;
    if (!e.is_regular_file(ec) || bookkeeping(e.path().filename().string())) continue;
    ReadFd f(e.path().string());
    if (f.fd < 0) return false;
    for (;;) {
      const ssize_t r = ::read(f.fd, buf, sizeof buf);
      if (r < 0) return false;
      if (r == 0) break;
      t->feed(buf, static_cast<size_t>(r));
    }
    t->end_file();
  }
  return true;
}

uint64_t dir_bytes(const std::string& dir) {
  std::error_code ec;
  uint64_t n = 0;
  // A logger renaming a file while we look: the error ends the walk, and
  // the next look sees a different total, as it should.
  std::filesystem::recursive_directory_iterator it(dir, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fe;
    if (it->is_regular_file(fe)) n += it->file_size(fe);
  }
  return n;
}

}  // namespace pmtr::bench
