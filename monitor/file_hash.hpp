// Content hash of a `depends` file.  The monitor hashes bytes, it never
// interprets them, and it does so as root inside its event loop, so what it
// agrees to read is narrow (SECURITY.md, "depends files"):
//
//   - a regular file on a disk filesystem, never a device, FIFO, socket,
//     directory, or a file of /proc, /sys and their kin (opened with O_PATH
//     first, so a device's open routine never runs);
//   - at most kDependsMaxBytes: a bigger file is refused without being read
//     (a 10 GiB sparse file costs one fstat), and a file that grows while
//     being read stops being read at the cap;
//   - a symlink at the end of the path is followed only when root (or the
//     uid pmtr runs as) owns it: a job's user who can write the file's
//     directory cannot point root at /dev/zero or /etc/shadow.
//
// A missing file hashes to kHashMissing and a refused one to kHashRefused,
// so a file appearing, disappearing, or becoming (un)hashable counts as a
// change, like any change of content.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace pmtr {

inline constexpr uint64_t kHashMissing = 0;   // no such file
inline constexpr uint64_t kHashRefused = 1;   // there, but not hashed (see DependsDigest::why)
// 1 MiB: configs, keys, certificates and scripts fit; hashing it from the
// page cache takes well under a millisecond, so no turn of the event loop
// spends more than that on one path.  A larger file (a program binary) is
// refused: list a small file that changes with it instead.
inline constexpr size_t kDependsMaxBytes = size_t{1} << 20;
// Symlinks followed at the end of a path before giving up (the kernel's
// own limit for a whole path is 40).
inline constexpr int kDependsMaxLinks = 8;

struct DependsDigest {
  uint64_t hash = kHashMissing;   // kHashMissing, kHashRefused, or the content's hash (>= 2)
  std::string why;                // kHashRefused: why, for the log
};

// trusted_uid: a symlink owned by root or by this uid is followed.
[[nodiscard]] DependsDigest digest_depends_file(const std::string& path, uid_t trusted_uid);

// digest_depends_file(path, geteuid()).hash.
[[nodiscard]] uint64_t hash_file_content(const std::string& path);

// The monitor's hook for the supervisor (Supervisor::hash_file).  Logs a
// refused path once, not at every reload or inotify event, and again only
// after it was hashable (or missing) in between or its reason changed.
class DependsHasher {
 public:
  uint64_t hash(const std::string& path);
  // A reload names the same file for many jobs, and an inotify read can
  // report it several times: within one batch each path is read once.
  // The monitor brackets applying a transaction and handling one inotify
  // read with these; outside a batch every call reads the file (a file may
  // change between turns of the loop).
  void begin_batch() noexcept {
    batch_.clear();
    in_batch_ = true;
  }
  void end_batch() noexcept {
    batch_.clear();
    in_batch_ = false;
  }
  // Forgets the log state of paths no job lists any more.
  void retain(const std::vector<std::string>& paths);

 private:
  bool in_batch_ = false;
  std::unordered_map<std::string, uint64_t> batch_;
  std::unordered_map<std::string, std::string> refused_;   // path -> the reason logged
};

}  // namespace pmtr
