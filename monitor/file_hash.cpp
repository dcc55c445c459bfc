#include "monitor/file_hash.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/unique_fd.hpp"

namespace pmtr {

uint64_t hash_file_content(const std::string& path) noexcept {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return 0;
  // FNV-1a 64: change detection for files root chose to depend on, not a
  // defence against crafted collisions.
  uint64_t h = 0xcbf29ce484222325ULL;
  unsigned char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return 0;
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      h ^= buf[i];
      h *= 0x100000001b3ULL;
    }
  }
  return h == 0 ? 1 : h;
}

}  // namespace pmtr
