#include "control/log_tail.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/syscalls.hpp"

namespace pmtr::ctl {
namespace {

constexpr size_t kChunk = 64 * 1024;

// pread of [at, at + len), whole unless the file shrank; false on error.
bool read_at(int fd, uint64_t at, size_t len, std::string& out) {
  const size_t base = out.size();
  out.resize(base + len);
  size_t got = 0;
  while (got < len) {
    const ssize_t r = ::pread(fd, out.data() + base + got, len - got, static_cast<off_t>(at + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      out.resize(base + got);
      return r == 0;
    }
    got += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

OpenedLog open_log_file(const std::string& path) noexcept {
  OpenedLog o;
  // O_NONBLOCK: a FIFO planted there must not hold us in open().
  const int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  unique_fd fd(retry_eintr([&] { return ::open(path.c_str(), flags); }));
  if (!fd) {
    o.err = errno;
    // ELOOP: the last component is a symbolic link.
    o.how = o.err == ENOENT || o.err == ENOTDIR ? LogOpen::Missing
            : o.err == EACCES || o.err == EPERM ? LogOpen::Denied
            : o.err == ELOOP                    ? LogOpen::NotRegular
                                                : LogOpen::Failed;
    return o;
  }
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) {
    o.err = errno;
    return o;
  }
  if (!S_ISREG(st.st_mode)) {
    o.how = LogOpen::NotRegular;
    return o;
  }
  o.fd = std::move(fd);
  o.how = LogOpen::Ok;
  o.dev = st.st_dev;
  o.ino = st.st_ino;
  o.size = static_cast<uint64_t>(st.st_size);
  return o;
}

std::string log_open_text(const std::string& path, const OpenedLog& o) {
  switch (o.how) {
    case LogOpen::Ok: return path;
    case LogOpen::Missing: return path + ": no such file";
    case LogOpen::Denied: return "permission denied: " + path + " (members of group adm may read the logs)";
    case LogOpen::NotRegular: return path + ": not a regular file; refused";
    case LogOpen::Failed: break;
  }
  return path + ": " + std::strerror(o.err);
}

std::string last_lines(int fd, uint64_t end, size_t n, size_t& found) {
  found = 0;
  if (n == 0 || end == 0) return {};
  // Backwards a chunk at a time to the newline before the n-th last line;
  // the newline that ends the file ends the last line, it starts none.
  uint64_t start = 0;
  uint64_t pos = end;
  size_t newlines = 0;
  bool first = true;
  std::string chunk;
  while (pos > 0) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(pos, kChunk));
    chunk.clear();
    if (!read_at(fd, pos - len, len, chunk) || chunk.size() != len) return {};
    size_t i = len;
    if (first && chunk[len - 1] == '\n') --i;
    first = false;
    bool done = false;
    while (i > 0) {
      const void* nl = ::memrchr(chunk.data(), '\n', i);
      if (nl == nullptr) break;
      i = static_cast<size_t>(static_cast<const char*>(nl) - chunk.data());
      if (++newlines == n) {
        start = pos - len + i + 1;
        done = true;
        break;
      }
    }
    pos -= len;
    if (done) break;
  }
  found = pos == 0 && newlines < n ? newlines + 1 : n;
  std::string out;
  if (!read_at(fd, start, static_cast<size_t>(end - start), out)) return {};
  return out;
}

std::vector<std::string> archive_names(const std::string& job_dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(job_dir.c_str());
  if (d == nullptr) return names;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view n = e->d_name;
    if (n.size() > 5 && n.front() == '@' && n.ends_with(".log")) names.emplace_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end(), std::greater<>());
  return names;
}

std::string tail_log(const std::string& job_dir, const OpenedLog& current, uint64_t current_end, size_t n) {
  size_t found = 0;
  std::string text = current.fd ? last_lines(current.fd.get(), current_end, n, found) : std::string();
  if (found >= n) return text;
  for (const std::string& name : archive_names(job_dir)) {
    OpenedLog a = open_log_file(job_dir + "/" + name);
    // Gone since it was listed (pruned), or one we may not read: the
    // lines we have are still the newest.
    if (a.how != LogOpen::Ok) continue;
    if (current.fd && a.dev == current.dev && a.ino == current.ino) continue;
    size_t got = 0;
    std::string older = last_lines(a.fd.get(), a.size, n - found, got);
    if (!older.empty() && older.back() != '\n') older += '\n';
    text.insert(0, older);
    found += got;
    if (found >= n) break;
  }
  return text;
}

}  // namespace pmtr::ctl
