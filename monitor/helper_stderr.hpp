// A helper's stderr (pmtr-log's, pmtr-net's) in the monitor's event loop:
// each line logged as a warning, escaped and tagged with the helper and
// its pid (LineForwarder), until the pipe ends; at the helper's exit, its
// last words first.
#pragma once

#include <string>

#include "common/unique_fd.hpp"
#include "monitor/event_loop.hpp"
#include "monitor/line_forwarder.hpp"

namespace pmtr {

class HelperStderr {
 public:
  explicit HelperStderr(EventLoop& loop) noexcept : loop_(loop) {}
  // Starts forwarding the read end of a new helper's stderr.
  void watch(unique_fd fd, std::string tag);
  // The helper was reaped: what is left in the pipe, the partial last line
  // included, is logged, and the pipe closed.
  void finish();

 private:
  void on_readable();
  void close();

  EventLoop& loop_;
  LineForwarder lines_;
};

}  // namespace pmtr
