#include "logger/log_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "common/syscalls.hpp"
#include "logger/timestamp.hpp"

namespace pmtr {
namespace {

// What is wrong with a file found where a log goes, or "" for a regular
// file with one link.
std::string not_a_log(const struct stat& st) {
  if (S_ISLNK(st.st_mode)) return "is a symbolic link";
  if (S_ISFIFO(st.st_mode)) return "is a FIFO";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "is a device";
  if (S_ISDIR(st.st_mode)) return "is a directory";
  if (!S_ISREG(st.st_mode)) return "is not a regular file";
  if (st.st_nlink != 1) return "has " + std::to_string(st.st_nlink) + " links";
  return {};
}

Error open_error(const std::string& what, int err) {
  // O_NOFOLLOW on a symbolic link fails with ELOOP: say what it means.
  if (err == ELOOP) return Error{0, what + " is a symbolic link; not following it"};
  if (err == ENXIO) return Error{0, what + " is a FIFO"};
  return Error{err, what};
}

Result<unique_fd> open_job_dir(int root, const std::string& dir) {
  if (::mkdirat(root, dir.c_str(), kLogDirMode) != 0 && errno != EEXIST) return Error::from_errno(dir);
  FdResult d = sys_openat(root, dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!d.ok()) {
    if (d.err == ENOTDIR) return Error{0, dir + " is not a directory (a symbolic link is not followed)"};
    return open_error(dir, d.err);
  }
  return std::move(d.fd);
}

}  // namespace

Status LogFile::open(int root, const std::string& dir) {
  fd_.reset();
  auto d = open_job_dir(root, dir);
  if (!d) return d.error();
  const std::string what = dir + "/" + kCurrentName;
  // O_NONBLOCK: a FIFO without a reader fails at once (ENXIO) instead of
  // blocking; one with a reader is refused below.
  FdResult f = sys_openat(d->get(), kCurrentName, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY,
                          kLogFileMode);
  if (!f.ok()) return open_error(what, f.err);
  struct stat st {};
  if (::fstat(f.fd.get(), &st) != 0) return Error::from_errno(what);
  if (std::string why = not_a_log(st); !why.empty()) return Error{0, what + " " + why + "; not writing to it"};
  fd_ = std::move(f.fd);
  size_ = static_cast<uint64_t>(st.st_size);
  inode_ = static_cast<uint64_t>(st.st_ino);
  return {};
}

Status LogFile::truncate_to(uint64_t size) {
  if (retry_eintr([&] { return ::ftruncate(fd_.get(), static_cast<off_t>(size)); }) != 0)
    return Error::from_errno("truncate");
  size_ = size;
  return {};
}

Status LogFile::rotate(int root, const std::string& dir, uint32_t keep, const timespec& now) {
  auto d = open_job_dir(root, dir);
  if (!d) return d.error();
  // The archive's name: the stamp of the rotation, and always after the
  // newest archive's, so that names keep sorting in the order the lines
  // were written (prune_archives deletes the first ones) even when the
  // clock stepped back or two rotations fall in one microsecond.
  timespec t = now;
  auto archives = list_archives(d->get());
  if (!archives) return archives.error();
  if (timespec last{}; !archives->empty() && parse_stamp(archives->back().c_str() + 1, last) &&
                       (t.tv_sec < last.tv_sec || (t.tv_sec == last.tv_sec && t.tv_nsec / 1000 <= last.tv_nsec / 1000))) {
    t = last;
    t.tv_nsec += 1000;
    if (t.tv_nsec >= 1000000000) {
      t.tv_nsec -= 1000000000;
      ++t.tv_sec;
    }
  }
  for (int tries = 0;; ++tries) {
    char name[1 + kStampBytes + 4 + 1];
    name[0] = '@';
    format_stamp(t, name + 1);
    std::memcpy(name + 1 + kStampBytes, ".log", 5);
    if (::syscall(SYS_renameat2, d->get(), kCurrentName, d->get(), name, RENAME_NOREPLACE) == 0) break;
    if (errno != EEXIST || tries == 8) return Error::from_errno(dir + "/" + kCurrentName + ": rename to " + name);
    t.tv_nsec += 1000;
    if (t.tv_nsec >= 1000000000) {
      t.tv_nsec -= 1000000000;
      ++t.tv_sec;
    }
  }
  fd_.reset();
  Status pruned = prune_archives(d->get(), keep);
  Status opened = open(root, dir);
  if (!pruned) return Error{pruned.error().err, dir + ": " + pruned.error().what};
  return opened;
}

Result<std::vector<std::string>> list_archives(int dirfd) {
  // getdents64 on the open directory (no opendir: it would open again).
  std::vector<std::string> archives;
  if (::lseek(dirfd, 0, SEEK_SET) != 0) return Error::from_errno("lseek");
  alignas(8) char buf[8192];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, dirfd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("read directory");
    }
    if (n == 0) break;
    for (long off = 0; off < n;) {
      const auto* e = reinterpret_cast<const dirent64*>(buf + off);
      const std::string_view name(e->d_name);
      if (name.size() > 5 && name.front() == '@' && name.substr(name.size() - 4) == ".log") archives.emplace_back(name);
      off += e->d_reclen;
    }
  }
  std::sort(archives.begin(), archives.end());
  return archives;
}

Status prune_archives(int dirfd, uint32_t keep) {
  auto listed = list_archives(dirfd);
  if (!listed) return listed.error();
  const std::vector<std::string>& archives = *listed;
  if (archives.size() <= keep) return {};
  for (size_t i = 0; i + keep < archives.size(); ++i)
    if (::unlinkat(dirfd, archives[i].c_str(), 0) != 0 && errno != ENOENT)
      return Error::from_errno("delete " + archives[i]);
  return {};
}

}  // namespace pmtr
