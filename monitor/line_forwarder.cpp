#include "monitor/line_forwarder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/diagnostic.hpp"
#include "common/syscalls.hpp"

namespace pmtr {

void LineForwarder::reset(unique_fd fd, std::string tag) {
  fd_ = std::move(fd);
  tag_ = std::move(tag);
  partial_.clear();
  if (fd_) {
    const int flags = fcntl(fd_.get(), F_GETFL);
    if (flags >= 0) fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK);
  }
}

bool LineForwarder::pump(const Emit& emit) {
  char buf[4096];
  size_t taken = 0;
  while (fd_ && taken < kReadBudget) {
    const ssize_t n = retry_eintr([&] { return ::read(fd_.get(), buf, sizeof buf); });
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n <= 0) {
      flush(emit);
      return false;
    }
    taken += static_cast<size_t>(n);
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        emit(escape_for_log(partial_));
        partial_.clear();
        continue;
      }
      partial_.push_back(buf[i]);
      if (partial_.size() >= kMaxLine) {
        emit(escape_for_log(partial_));
        partial_.clear();
      }
    }
  }
  return fd_.valid();
}

void LineForwarder::flush(const Emit& emit) {
  if (partial_.empty()) return;
  emit(escape_for_log(partial_));
  partial_.clear();
}

}  // namespace pmtr
