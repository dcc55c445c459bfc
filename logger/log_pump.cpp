#include "logger/log_pump.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "common/syscalls.hpp"
#include "logger/record_format.hpp"
#include "logger/timestamp.hpp"

namespace pmtr {
namespace {

// The formatted records of one batch stay under this: the buffer is
// pmtr-log's largest allocation (memory target: 2 MiB with 1,000 jobs).
constexpr size_t kMaxBatchOut = 128 * 1024;

[[noreturn]] void die(const char* what, const Error& e) {
  // Past the journal's point of no return: only a fresh pmtr-log, reading
  // the journal, can tell what moved.  The monitor starts one.
  std::fprintf(stderr, "pmtr-log: %s: %s; exiting so that a new pmtr-log recovers the batch\n", what,
               e.message().c_str());
  std::_Exit(1);
}

}  // namespace

Status LogPump::init() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) return Error::from_errno("scratch pipe");
  scratch_read_.reset(p[0]);
  scratch_write_.reset(p[1]);
  const int bytes = ::fcntl(p[1], F_GETPIPE_SZ);
  if (bytes <= 0) return Error::from_errno("scratch pipe: F_GETPIPE_SZ");
  scratch_bytes_ = static_cast<size_t>(bytes);
  scratch_slots_ = scratch_bytes_ / 4096;
  out_.reserve(kMaxBatchOut + kMaxRecordBytes + 128);
  return {};
}

Status LogPump::rotate(LogStream& s) {
  if (settings_.to_stderr) return {};
  // A new pmtr-log opens files at their first batch: a rotation asked for
  // before that (while the last one was down) opens it now.
  if (!s.file.is_open()) {
    if (Status st = s.file.open(settings_.out_fd, s.dir); !st) return st;
  }
  if (s.file.size() == 0) return {};
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return s.file.rotate(settings_.out_fd, s.dir, settings_.keep, now);
}

PumpOutcome LogPump::batch(LogStream& s, bool flush_partial, std::string& why) {
  const bool to_file = !settings_.to_stderr;
  last_peeked_ = 0;
  last_consumed_ = 0;
  if (to_file && !s.file.is_open()) {
    if (Status st = s.file.open(settings_.out_fd, s.dir); !st) {
      why = settings_.dir_path + "/" + st.error().message();
      return PumpOutcome::Held;
    }
  }
  static char in[1 << 20];   // at most the scratch pipe's size; only touched pages are resident
  const ssize_t n = retry_eintr(
      [&] { return ::tee(s.pipe.get(), scratch_write_.get(), std::min(scratch_bytes_, sizeof in), SPLICE_F_NONBLOCK); });
  if (n < 0) {
    if (errno == EAGAIN) return PumpOutcome::Empty;
    why = std::string("reading the job's pipe: ") + std::strerror(errno);
    return PumpOutcome::Held;
  }
  if (n == 0) return PumpOutcome::Ended;
  last_peeked_ = static_cast<size_t>(n);
  // Ours alone and just filled: the read takes it all.
  const IoResult r = sys_read(scratch_read_.get(), in, static_cast<size_t>(n));
  if (!r.ok() || r.bytes != static_cast<size_t>(n)) die("scratch pipe", Error{r.err, "short read"});

  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  char head[kStampBytes + 1], cont[kStampBytes + 1];
  format_stamp(now, head);
  std::memcpy(cont, head, kStampBytes);
  head[kStampBytes] = ' ';
  cont[kStampBytes] = '+';
  RecordHeads heads{std::string_view(head, sizeof head), std::string_view(cont, sizeof cont)};
  if (!to_file) heads = RecordHeads{s.prefix, s.prefix};
  out_.clear();
  bool mid_line = s.mid_line;
  const size_t consumed = format_records(std::string_view(in, static_cast<size_t>(n)), heads,
                                         flush_partial || s.hup, mid_line, out_, kMaxBatchOut);
  if (consumed == 0) return PumpOutcome::Partial;

  if (to_file && s.file.size() > 0 && s.file.size() + out_.size() > settings_.rotate_bytes) {
    if (Status st = rotate(s); !st) {
      std::fprintf(stderr, "job %s: rotating %s/%s: %s\n", s.name.c_str(), settings_.dir_path.c_str(), s.dir.c_str(),
                   st.error().message().c_str());
      if (!s.file.is_open()) {
        why = settings_.dir_path + "/" + s.dir + ": " + st.error().message();
        return PumpOutcome::Held;
      }
    }
  }
  if (Status st = counter_.drain_if_needed(scratch_slots_); !st) die("counter pipe", st.error());
  const uint64_t level = counter_.level();

  const int sink = to_file ? s.file.fd() : settings_.out_fd;
  const uint64_t size_before = to_file ? s.file.size() : 0;
  journal_.writing(s.slot, to_file ? s.file.inode() : 0, size_before);
  const IoResult w = sys_write_all(sink, out_.data(), out_.size());
  if (!w.ok()) {
    // Nothing of the batch may stay: the pipe still has all of it.  If it
    // cannot be cut off here, the journal still says Writing and the next
    // pmtr-log cuts it (the monitor starts one at once).
    if (to_file && w.bytes > 0) {
      if (Status t = s.file.truncate_to(size_before); !t) die("cutting off a failed batch", t.error());
    }
    journal_.idle();
    why = (to_file ? settings_.dir_path + "/" + s.dir + "/" + kCurrentName : std::string("pmtr's stderr")) + ": " +
          std::strerror(w.err);
    return PumpOutcome::Held;
  }
  journal_.consuming(s.slot, consumed, level);
  if (Status st = counter_.consume(s.pipe.get(), consumed); !st) die("consuming a written batch", st.error());
  journal_.idle();
  if (to_file) s.file.grew(out_.size());
  s.mid_line = mid_line;
  journal_.set_mid_line(s.slot, mid_line);
  ++batches_;
  last_consumed_ = consumed;
  if (consumed < static_cast<size_t>(n)) {
    // Cut by the batch's output cap (whole lines left) or a partial line.
    // A pipe that filled the scratch pipe may hold more behind: read on
    // (a fast writer's batch nearly always ends in a cut line).
    const std::string_view rest(in + consumed, static_cast<size_t>(n) - consumed);
    const bool whole = rest.find('\n') != std::string_view::npos || rest.size() >= kMaxRecordBytes ||
                       static_cast<size_t>(n) >= scratch_bytes_;
    return whole ? PumpOutcome::More : PumpOutcome::Partial;
  }
  return static_cast<size_t>(n) >= scratch_bytes_ ? PumpOutcome::More : PumpOutcome::Empty;
}

}  // namespace pmtr
