#include "logger/counter_pipe.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "common/syscalls.hpp"

namespace pmtr {
namespace {

constexpr size_t kPage = 4096;

// The counter's buffer slots (F_GETPIPE_SZ / page), at least the 16 of a
// default pipe.
size_t slots_of(int fd) {
  const int bytes = ::fcntl(fd, F_GETPIPE_SZ);
  return bytes > 0 ? static_cast<size_t>(bytes) / kPage : 16;
}

}  // namespace

Result<uint64_t> CounterPipe::measure() const {
  int n = 0;
  if (::ioctl(rd_, FIONREAD, &n) != 0) return Error::from_errno("counter pipe: FIONREAD");
  return static_cast<uint64_t>(n);
}

Status CounterPipe::consume(int pipe, uint64_t n) {
  while (n > 0) {
    const ssize_t k = retry_eintr([&] { return ::splice(pipe, nullptr, wr_, nullptr, n, SPLICE_F_NONBLOCK); });
    if (k < 0) {
      // Never drained here: the journal's figures count on what is in
      // it.  EAGAIN means a full counter (drain_if_needed() keeps room) or
      // a batch no longer in the pipe; either way only what moved counts.
      return Error::from_errno("splice to the counter pipe");
    }
    if (k == 0) return Error{0, "splice to the counter pipe: the job's pipe ended early"};
    n -= static_cast<uint64_t>(k);
    level_ += static_cast<uint64_t>(k);
  }
  return {};
}

Status CounterPipe::drain_if_needed(size_t batch_slots) {
  if (slots_ == 0) slots_ = slots_of(wr_);
  // A batch was copied by tee into a pipe of batch_slots buffers, so it
  // spans at most that many of the job pipe's buffers, and its splice
  // takes at most one slot more than that here.
  if (slots_used_ + batch_slots + 1 > slots_) {
    if (Status s = drain(); !s) return s;
  }
  slots_used_ += batch_slots + 1;
  return {};
}

Status CounterPipe::drain() {
  char buf[16384];
  for (;;) {
    const IoResult r = sys_read(rd_, buf, sizeof buf);
    if (!r.ok()) {
      if (r.err == EAGAIN) break;
      return Error{r.err, "counter pipe: read"};
    }
    if (r.bytes == 0) break;
  }
  slots_used_ = 0;
  level_ = 0;
  return {};
}

}  // namespace pmtr
