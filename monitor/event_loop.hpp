// The monitor's single event loop: epoll over a handful of fds (signalfd,
// timerfd, inotify, the parser channel, spawn error pipes).  No polling: a
// wait blocks until the kernel reports something.
#pragma once

#include <cstdint>
#include <chrono>
#include <functional>
#include <unordered_map>

#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

class EventLoop {
 public:
  using Handler = std::function<void(uint32_t events)>;

  // Who goes first when several fds are ready at once: the jobs' own
  // events (signals, the timer, readiness) before anything a client of
  // the control socket asks, so a busy client never delays a restart.
  enum class Priority : uint8_t { Jobs, Clients };

  [[nodiscard]] Status init();
  // The fd stays owned by the caller; remove() it before closing it.
  [[nodiscard]] Status add(int fd, Handler handler, Priority priority = Priority::Jobs);
  void remove(int fd) noexcept;
  // Also (or no longer) wake the handler when the fd is writable: a
  // client that has not read its reply yet.
  void want_writable(int fd, bool on) noexcept;
  // Stop (or resume) waking the handler at all, the fd staying added: a
  // client held back while the control socket is over its budget.
  void mute(int fd, bool muted, bool writable = false) noexcept;
  // Waits (timeout_ms < 0: forever) and runs the handlers of ready fds.
  [[nodiscard]] Status run_once(int timeout_ms);

 private:
  struct Entry {
    Handler handler;
    Priority priority;
  };
  unique_fd epoll_;
  std::unordered_map<int, Entry> handlers_;
};

// A CLOCK_MONOTONIC timerfd armed for one absolute deadline at a time: the
// monitor re-arms it for its earliest timer after each batch of events, and
// disarms it when nothing is due, so an idle monitor never wakes up.
class DeadlineTimer {
 public:
  [[nodiscard]] Status init();
  void arm(std::chrono::steady_clock::time_point when) noexcept;
  void disarm() noexcept;
  void drain() noexcept;    // consume the expiration count
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }

 private:
  unique_fd fd_;
  std::chrono::steady_clock::time_point armed_ = std::chrono::steady_clock::time_point::max();
};

}  // namespace pmtr
