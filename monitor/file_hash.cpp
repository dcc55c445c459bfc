#include "monitor/file_hash.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_set>

#include "common/diagnostic.hpp"
#include "common/log.hpp"
#include "common/syscalls.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {
namespace {

// Filesystems whose "files" are kernel interfaces: reading one as root can
// consume data (/proc/kmsg), block, or be expensive, and none of them is a
// file anyone edits.
bool kernel_interface_fs(unsigned long type) noexcept {
  switch (type) {
    case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case DEBUGFS_MAGIC: case TRACEFS_MAGIC:
    case SECURITYFS_MAGIC: case CGROUP_SUPER_MAGIC: case CGROUP2_SUPER_MAGIC: case BPF_FS_MAGIC:
    case EFIVARFS_MAGIC: case PSTOREFS_MAGIC: case SELINUX_MAGIC: case SMACK_MAGIC:
    case BINFMTFS_MAGIC: case 0x62656570 /* configfs */: case 0x65735543 /* fusectl */:
      return true;
    default:
      return false;
  }
}

const char* file_kind(mode_t mode) noexcept {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

DependsDigest refused(std::string why) { return DependsDigest{kHashRefused, std::move(why)}; }

std::string dir_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

// MurmurHash3's 64-bit mixing, a word at a time: change detection for
// files root chose to depend on, not a defence against crafted collisions
// (whoever can craft the file's content can restart the job anyway).
// Eight bytes per step keeps a whole 1 MiB file well under a millisecond.
class ContentHash {
 public:
  void word(uint64_t k) noexcept {
    k *= 0x87c37b91114253d5ULL;
    k = rotl(k, 31);
    k *= 0x4cf5ad432745937fULL;
    h_ ^= k;
    h_ = rotl(h_, 27) * 5 + 0x52dce729;
  }
  [[nodiscard]] uint64_t finish(uint64_t length) noexcept {
    uint64_t h = h_ ^ length;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h < 2 ? h + 2 : h;   // 0 and 1 mean missing and refused
  }

 private:
  static uint64_t rotl(uint64_t x, int r) noexcept { return (x << r) | (x >> (64 - r)); }
  uint64_t h_ = 0x9368e53c2f6af274ULL;
};

// Reads at most kDependsMaxBytes + 1 bytes: one more than the cap shows a
// file that grew past it after the fstat.
DependsDigest hash_open_file(int fd) {
  ContentHash hash;
  unsigned char buf[16384];
  size_t carry = 0;   // bytes of an unfinished word at the front of buf
  uint64_t total = 0;
  for (;;) {
    const ssize_t n = retry_eintr([&] { return ::read(fd, buf + carry, sizeof buf - carry); });
    if (n < 0) return refused(std::string("read: ") + std::strerror(errno));
    if (n == 0) break;
    total += static_cast<uint64_t>(n);
    if (total > kDependsMaxBytes) return refused("grew past 1 MiB while being read");
    const size_t have = carry + static_cast<size_t>(n);
    const size_t whole = have - have % 8;
    for (size_t i = 0; i < whole; i += 8) {
      uint64_t k;
      std::memcpy(&k, buf + i, 8);
      hash.word(k);
    }
    carry = have - whole;
    std::memmove(buf, buf + whole, carry);
  }
  if (carry > 0) {
    uint64_t k = 0;
    std::memcpy(&k, buf, carry);
    hash.word(k);
  }
  return DependsDigest{hash.finish(total), {}};
}

// Opens the regular file that `target` (an O_PATH fd) refers to for
// reading.  Through /proc/self/fd the very inode that was checked is
// opened, whatever happens to its name meanwhile; without /proc the name is
// opened again (O_NOFOLLOW, O_NONBLOCK) and must still be the same inode.
unique_fd reopen_for_reading(int target, const struct stat& checked, const std::string& path,
                             std::string* why) {
  char proc_path[48];
  std::snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", target);
  constexpr int kFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  unique_fd fd(retry_eintr([&] { return ::open(proc_path, kFlags); }));
  if (!fd && errno == ENOENT)
    fd.reset(retry_eintr([&] { return ::open(path.c_str(), kFlags | O_NOFOLLOW); }));
  if (!fd) {
    *why = std::string("open: ") + std::strerror(errno);
    return fd;
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || st.st_dev != checked.st_dev || st.st_ino != checked.st_ino) {
    *why = "replaced while being opened";
    fd.reset();
  }
  return fd;
}

}  // namespace

DependsDigest digest_depends_file(const std::string& path, uid_t trusted_uid) {
  std::string current = path;
  for (int links = 0;; ++links) {
    if (current.empty() || current[0] != '/') return refused("not an absolute path");
    // O_PATH: nothing is opened yet (no device open routine runs, a FIFO
    // does not block); O_NOFOLLOW: a symlink is looked at, not followed.
    unique_fd node(retry_eintr([&] { return ::open(current.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC); }));
    if (!node) {
      if (errno == ENOENT || errno == ENOTDIR) return DependsDigest{kHashMissing, {}};
      return refused(std::string("cannot open: ") + std::strerror(errno));
    }
    struct stat st {};
    if (fstat(node.get(), &st) != 0) return refused(std::string("cannot stat: ") + std::strerror(errno));
    if (S_ISLNK(st.st_mode)) {
      if (st.st_uid != 0 && st.st_uid != trusted_uid)
        return refused("a symlink owned by uid " + std::to_string(st.st_uid) +
                       " (only root's symlinks are followed)");
      if (links + 1 > kDependsMaxLinks) return refused("too many levels of symlinks");
      char target[4096];
      const ssize_t n = readlinkat(node.get(), "", target, sizeof target - 1);
      if (n <= 0) return refused(std::string("cannot read the symlink: ") + std::strerror(errno));
      target[n] = '\0';
      current = target[0] == '/' ? std::string(target) : dir_of(current) + "/" + target;
      continue;
    }
    if (!S_ISREG(st.st_mode)) return refused(file_kind(st.st_mode));
    struct statfs fs {};
    if (fstatfs(node.get(), &fs) != 0) return refused(std::string("cannot statfs: ") + std::strerror(errno));
    if (kernel_interface_fs(static_cast<unsigned long>(fs.f_type)))
      return refused("a kernel interface file (/proc, /sys, ...), not a file to depend on");
    if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) > kDependsMaxBytes)
      return refused("larger than 1 MiB (" + std::to_string(st.st_size) + " bytes)");
    std::string why;
    unique_fd fd = reopen_for_reading(node.get(), st, current, &why);
    if (!fd) return refused(why);
    return hash_open_file(fd.get());
  }
}

uint64_t hash_file_content(const std::string& path) { return digest_depends_file(path, geteuid()).hash; }

uint64_t DependsHasher::hash(const std::string& path) {
  if (auto it = batch_.find(path); it != batch_.end()) return it->second;
  const DependsDigest d = digest_depends_file(path, geteuid());
  if (d.hash == kHashRefused) {
    auto [it, fresh] = refused_.try_emplace(path, d.why);
    if (fresh || it->second != d.why) {
      it->second = d.why;
      // The path came from the parser: escaped like every peer string.
      log_warnx("depends file %s not hashed: %s; its changes do not restart the jobs that list it",
                escape_for_log(path).c_str(), escape_for_log(d.why).c_str());
    }
  } else if (refused_.erase(path) != 0) {
    log_info("depends file %s is hashed again", escape_for_log(path).c_str());
  }
  if (in_batch_) batch_.emplace(path, d.hash);
  return d.hash;
}

void DependsHasher::retain(const std::vector<std::string>& paths) {
  const std::unordered_set<std::string> keep(paths.begin(), paths.end());
  for (auto it = refused_.begin(); it != refused_.end();)
    it = keep.count(it->first) != 0 ? std::next(it) : refused_.erase(it);
}

}  // namespace pmtr
