// pmtrctl log: the last lines of a job's captured output, read from its
// files (logger/log_file.hpp: DIR/NAME/current, and the archives
// @<stamp>.log beside it, whose names sort by time) with the rights of
// whoever runs pmtrctl: the monitor only says where they are.  The files
// are 0640 pmtr:adm, so reading them is exactly what group adm may do.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"

namespace pmtr::ctl {

inline constexpr const char* kLogCurrent = "current";

enum class LogOpen : uint8_t { Ok, Missing, Denied, NotRegular, Failed };

struct OpenedLog {
  unique_fd fd;
  LogOpen how = LogOpen::Failed;
  int err = 0;          // errno, for Failed
  dev_t dev = 0;
  ino_t ino = 0;
  uint64_t size = 0;    // when opened
};

// Opens a log file to read: O_NOFOLLOW (a symbolic link planted there is
// refused, not followed) and a regular file only (a FIFO would block us).
[[nodiscard]] OpenedLog open_log_file(const std::string& path) noexcept;
// "permission denied: PATH (members of group adm may read the logs)", ...
[[nodiscard]] std::string log_open_text(const std::string& path, const OpenedLog& o);

// The last `n` lines of the first `end` bytes of `fd` (a last line without
// its newline counts), as bytes; `found` gets how many lines that is
// (fewer than n when the file has fewer).
[[nodiscard]] std::string last_lines(int fd, uint64_t end, size_t n, size_t& found);

// The archives in a job's directory, newest first ("@...log" names).
[[nodiscard]] std::vector<std::string> archive_names(const std::string& job_dir);

// The last `n` lines of a job's log: those of `current` (its first
// `current_end` bytes; fd -1: there is no current), preceded, when it has
// fewer, by the last lines of the newest archives.  An archive that is
// `current` itself (renamed since it was opened) is skipped.
[[nodiscard]] std::string tail_log(const std::string& job_dir, const OpenedLog& current, uint64_t current_end,
                                   size_t n);

}  // namespace pmtr::ctl
