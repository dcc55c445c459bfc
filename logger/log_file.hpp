// One job's files below the log directory: DIR/NAME/current, written to,
// and its archives DIR/NAME/@<stamp>.log.  Every name is opened relative
// to a directory fd with O_NOFOLLOW, one component at a time (the job's
// directory, then the file), so no symbolic link is ever followed, and
// the file must then be a regular file with one link: a symlink, FIFO,
// device or hard link planted where a log goes is refused, not written.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

inline constexpr const char* kCurrentName = "current";
inline constexpr mode_t kLogFileMode = 0640;
inline constexpr mode_t kLogDirMode = 0750;

class LogFile {
 public:
  // Creates DIR/dir if missing and opens (creating) its `current` for
  // appending.  The error names the file and what is wrong with it.
  [[nodiscard]] Status open(int root, const std::string& dir);
  [[nodiscard]] bool is_open() const noexcept { return fd_.valid(); }
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] uint64_t size() const noexcept { return size_; }
  [[nodiscard]] uint64_t inode() const noexcept { return inode_; }
  void grew(uint64_t n) noexcept { size_ += n; }
  // Cuts `current` back (a batch that failed or was cut by a kill).
  [[nodiscard]] Status truncate_to(uint64_t size);
  // Renames `current` to @<now>.log, deletes the oldest archives beyond
  // `keep`, and opens a new `current`.
  [[nodiscard]] Status rotate(int root, const std::string& dir, uint32_t keep, const timespec& now);
  void close() noexcept { fd_.reset(); }

 private:
  unique_fd fd_;
  uint64_t size_ = 0;
  uint64_t inode_ = 0;
};

// The archive names of a job directory ("@<stamp>.log"), sorted: oldest first.
[[nodiscard]] Result<std::vector<std::string>> list_archives(int dirfd);
// Deletes the oldest archives beyond `keep`.
[[nodiscard]] Status prune_archives(int dirfd, uint32_t keep);

}  // namespace pmtr
