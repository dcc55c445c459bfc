#include "monitor/helper_stderr.hpp"

#include "common/log.hpp"

namespace pmtr {
namespace {

LineForwarder::Emit logged(const LineForwarder& lines) {
  return [&lines](const std::string& line) { log_warnx("%s: %s", lines.tag().c_str(), line.c_str()); };
}

}  // namespace

void HelperStderr::watch(unique_fd fd, std::string tag) {
  close();
  lines_.reset(std::move(fd), std::move(tag));
  (void)loop_.add(lines_.fd(), [this](uint32_t) { on_readable(); });
}

void HelperStderr::on_readable() {
  if (!lines_.pump(logged(lines_))) close();
}

void HelperStderr::finish() {
  if (!lines_.open()) return;
  lines_.flush(logged(lines_));
  close();
}

void HelperStderr::close() {
  if (!lines_.open()) return;
  loop_.remove(lines_.fd());
  lines_.reset(unique_fd(), {});
}

}  // namespace pmtr
