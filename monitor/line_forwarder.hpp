// Lines a child writes on a pipe, forwarded to pmtr's own log: the
// parser's stderr in the foreground, under -t and as process 1 (sanitizer
// reports, last-resort errors).  Before, the parser wrote straight onto
// pmtr's stderr, so a parser taken over could print anything there: a
// forged log line, terminal escapes.  Now every line is escaped
// (escape_for_log) and tagged with where it came from.
#pragma once

#include <functional>
#include <string>

#include "common/unique_fd.hpp"

namespace pmtr {

class LineForwarder {
 public:
  // A line longer than this is forwarded in pieces: the buffer never grows.
  static constexpr size_t kMaxLine = 512;
  // Read per pump() call, so a chatty child cannot hold the event loop.
  static constexpr size_t kReadBudget = 16384;
  using Emit = std::function<void(const std::string& escaped_line)>;

  // fd: the read end, made non-blocking here.
  void reset(unique_fd fd, std::string tag);
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] bool open() const noexcept { return fd_.valid(); }
  [[nodiscard]] const std::string& tag() const noexcept { return tag_; }
  // Reads what is there now and emits each complete line.  False at end of
  // file or on an error: the partial last line has been emitted and the
  // caller should stop watching fd() and reset().
  bool pump(const Emit& emit);
  // Emits a partial last line, if any.
  void flush(const Emit& emit);

 private:
  unique_fd fd_;
  std::string tag_;
  std::string partial_;
};

}  // namespace pmtr
