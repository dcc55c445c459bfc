#include "monitor/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/timerfd.h>

#include <chrono>
#include <vector>

#include "common/syscalls.hpp"

namespace pmtr {

Status EventLoop::init() {
  epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) return Error::from_errno("epoll_create1");
  return {};
}

Status EventLoop::add(int fd, Handler handler) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) return Error::from_errno("epoll_ctl add");
  handlers_[fd] = std::move(handler);
  return {};
}

void EventLoop::want_writable(int fd, bool on) noexcept {
  epoll_event ev{};
  ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev);
}

void EventLoop::remove(int fd) noexcept {
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  handlers_.erase(fd);
}

Status EventLoop::run_once(int timeout_ms) {
  epoll_event events[64];
  const ReadyResult ready = sys_epoll_wait(epoll_.get(), events, 64, timeout_ms);
  if (!ready.ok()) return Error{ready.err, "epoll_wait"};
  for (int i = 0; i < ready.count; ++i) {
    // A handler may remove other fds (a job's error pipe closed on reap):
    // look each one up at dispatch time, and copy the handler since it may
    // remove itself.
    auto it = handlers_.find(events[i].data.fd);
    if (it == handlers_.end()) continue;
    Handler h = it->second;
    h(events[i].events);
  }
  return {};
}

Status DeadlineTimer::init() {
  fd_.reset(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!fd_) return Error::from_errno("timerfd_create");
  return {};
}

void DeadlineTimer::arm(std::chrono::steady_clock::time_point when) noexcept {
  if (when == armed_) return;
  if (when == std::chrono::steady_clock::time_point::max()) return disarm();
  armed_ = when;
  // steady_clock is CLOCK_MONOTONIC on Linux/libstdc++.
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
  itimerspec its{};
  its.it_value.tv_sec = ns / 1000000000;
  its.it_value.tv_nsec = ns % 1000000000;
  if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
  timerfd_settime(fd_.get(), TFD_TIMER_ABSTIME, &its, nullptr);
}

void DeadlineTimer::disarm() noexcept {
  if (armed_ == std::chrono::steady_clock::time_point::max()) return;
  armed_ = std::chrono::steady_clock::time_point::max();
  itimerspec its{};
  timerfd_settime(fd_.get(), 0, &its, nullptr);
}

void DeadlineTimer::drain() noexcept {
  // Nothing to do with the count or an error (EAGAIN: not expired after all).
  uint64_t expirations;
  (void)sys_read(fd_.get(), &expirations, sizeof expirations);
  // Expired: a later arm() for the same instant must really re-arm.
  armed_ = std::chrono::steady_clock::time_point::max();
}

}  // namespace pmtr
