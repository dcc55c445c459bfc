#include "control/log_follow.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "control/text.hpp"

namespace pmtr::ctl {
namespace {

volatile sig_atomic_t g_stop = 0;

void on_stop(int) { g_stop = 1; }

// SIGINT and SIGTERM caught (blocked except while we sleep, so none is
// lost between the check and the sleep), SIGPIPE ignored (a closed
// reader is an EPIPE from write): all as it was once we return.
class SignalScope {
 public:
  SignalScope() {
    g_stop = 0;
    struct sigaction sa{};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    (void)::sigaction(SIGINT, &sa, &old_int_);
    (void)::sigaction(SIGTERM, &sa, &old_term_);
    struct sigaction ign{};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    (void)::sigaction(SIGPIPE, &ign, &old_pipe_);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    (void)::sigprocmask(SIG_BLOCK, &block, &old_mask_);
    sleep_mask_ = old_mask_;
    sigdelset(&sleep_mask_, SIGINT);
    sigdelset(&sleep_mask_, SIGTERM);
  }
  ~SignalScope() {
    (void)::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    (void)::sigaction(SIGINT, &old_int_, nullptr);
    (void)::sigaction(SIGTERM, &old_term_, nullptr);
    (void)::sigaction(SIGPIPE, &old_pipe_, nullptr);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

  // Sleeps `ms`, or until SIGINT/SIGTERM; true when one came.
  bool sleep(int ms) const {
    const timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    (void)::ppoll(nullptr, 0, &ts, &sleep_mask_);
    return g_stop != 0;
  }

 private:
  struct sigaction old_int_{}, old_term_{}, old_pipe_{};
  sigset_t old_mask_{}, sleep_mask_{};
};

// Copies what the file holds beyond `offset` to `out`; 0 or a write's errno.
int drain(const OpenedLog& f, uint64_t& offset, int out) {
  if (!f.fd) return 0;
  struct stat st{};
  // Cut back under us (pmtr-log truncates a batch a kill interrupted, and
  // writes it again): go on from the new end.
  if (::fstat(f.fd.get(), &st) == 0 && static_cast<uint64_t>(st.st_size) < offset)
    offset = static_cast<uint64_t>(st.st_size);
  char buf[64 * 1024];
  for (;;) {
    const ssize_t r = ::pread(f.fd.get(), buf, sizeof buf, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    if (const int e = write_all(out, std::string_view(buf, static_cast<size_t>(r))); e != 0) return e;
    offset += static_cast<uint64_t>(r);
  }
}

// Whether the name `current` now means a file other than `f`; false while
// it does not exist (between pmtr-log's rename and its create).
bool replaced(const std::string& path, const OpenedLog& f) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return false;
  return !f.fd || st.st_dev != f.dev || st.st_ino != f.ino;
}

}  // namespace

FollowEnd follow_log(const std::string& job_dir, OpenedLog current, uint64_t offset, int out) {
  const SignalScope signals;
  const std::string path = job_dir + "/" + kLogCurrent;
  FollowEnd end;
  for (;;) {
    if (const int e = drain(current, offset, out); e != 0) {
      if (e != EPIPE) end.write_err = e;
      return end;
    }
    if (replaced(path, current)) {
      OpenedLog next = open_log_file(path);
      if (next.how == LogOpen::Ok) {
        // The rest of the old file first: written before the rename.
        if (const int e = drain(current, offset, out); e != 0) {
          if (e != EPIPE) end.write_err = e;
          return end;
        }
        current = std::move(next);
        offset = 0;
        continue;
      }
      if (next.how != LogOpen::Missing) {
        end.open_error = log_open_text(path, next);
        end.denied = next.how == LogOpen::Denied;
        return end;
      }
    }
    if (signals.sleep(kFollowPollMs)) {
      // What came in the last moment is shown, then we end.
      (void)drain(current, offset, out);
      return end;
    }
  }
}

}  // namespace pmtr::ctl
