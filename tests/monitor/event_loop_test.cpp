// EventLoop (epoll dispatch) and DeadlineTimer (one absolute timerfd
// deadline).  Waits poll the fd with a deadline; only "does not fire"
// uses a plain poll timeout, since it asserts an absence.
#include "monitor/event_loop.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <vector>

#include "common/syscalls.hpp"
#include "common/unique_fd.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

bool wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  const ReadyResult r = sys_poll(&p, 1, static_cast<int>(timeout.count()));
  return r.ok() && r.count > 0;
}

struct Pipe {
  unique_fd r, w;
  Pipe() {
    int fds[2];
    CHECK_EQUAL(0, pipe2(fds, O_CLOEXEC | O_NONBLOCK));
    r.reset(fds[0]);
    w.reset(fds[1]);
  }
  void put(char c) const { CHECK_EQUAL(1, ::write(w.get(), &c, 1)); }
  char get() const {
    char c = 0;
    CHECK_EQUAL(1, ::read(r.get(), &c, 1));
    return c;
  }
};

// run_once until done() or the deadline.
template <typename Pred>
bool run_until(EventLoop& loop, Pred done, std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!done() && SteadyClock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (!loop.run_once(static_cast<int>(left.count())).ok()) return false;
  }
  return done();
}

}  // namespace

// One group for the file: the loop and the timer it is woken by.
TEST_GROUP(EventLoop) {
  EventLoop loop;
  DeadlineTimer t;
  void setup() override {
    CHECK(loop.init().ok());
    CHECK(t.init().ok());
  }
};

TEST(EventLoop, TimerNotArmedIsNotReadable) {
  CHECK(t.fd() >= 0);
  CHECK_FALSE(wait_readable(t.fd(), 0ms));
}

TEST(EventLoop, TimerFiresAtItsDeadline) {
  const auto start = SteadyClock::now();
  t.arm(start + 20ms);
  CHECK_TEXT(wait_readable(t.fd(), 5000ms), "timer did not fire within 5 s");
  // Not before the deadline.
  CHECK(SteadyClock::now() >= start + 20ms);
  t.drain();
  CHECK_FALSE(wait_readable(t.fd(), 0ms));
}

TEST(EventLoop, TimerDeadlineInThePastFiresAtOnce) {
  t.arm(SteadyClock::now() - 1s);
  CHECK(wait_readable(t.fd(), 5000ms));
  t.drain();
}

TEST(EventLoop, TimerDisarmedDoesNotFire) {
  t.arm(SteadyClock::now() + 20ms);
  t.disarm();
  CHECK_FALSE(wait_readable(t.fd(), 100ms));
}

TEST(EventLoop, TimerArmWithNeverDisarms) {
  t.arm(SteadyClock::now() + 20ms);
  t.arm(SteadyClock::time_point::max());
  CHECK_FALSE(wait_readable(t.fd(), 100ms));
}

TEST(EventLoop, TimerRearmMovesTheDeadline) {
  t.arm(SteadyClock::now() + 1h);
  const auto start = SteadyClock::now();
  t.arm(start + 20ms);
  CHECK_TEXT(wait_readable(t.fd(), 5000ms), "re-armed timer did not fire");
  t.drain();
  // Later than the old deadline: the earlier arm is gone.
  t.arm(SteadyClock::now() + 1h);
  CHECK_FALSE(wait_readable(t.fd(), 100ms));
}

TEST(EventLoop, TimerSameDeadlineAfterDrainFiresAgain) {
  const auto when = SteadyClock::now() + 10ms;
  t.arm(when);
  CHECK(wait_readable(t.fd(), 5000ms));
  t.drain();
  t.arm(when);   // already past: must still fire, not be skipped as "already armed"
  CHECK_TEXT(wait_readable(t.fd(), 5000ms), "re-arm for the same instant after drain was skipped");
  t.drain();
}


TEST(EventLoop, DispatchesTheReadyFd) {
  Pipe a, b;
  int a_calls = 0, b_calls = 0;
  uint32_t a_events = 0;
  CHECK(loop.add(a.r.get(), [&](uint32_t ev) {
              ++a_calls;
              a_events = ev;
              a.get();
            }).ok());
  CHECK(loop.add(b.r.get(), [&](uint32_t) { ++b_calls; b.get(); }).ok());
  a.put('x');
  CHECK(run_until(loop, [&] { return a_calls > 0; }));
  CHECK_EQUAL(1, a_calls);
  CHECK_EQUAL(0, b_calls);
  CHECK(a_events & 0x001 /* EPOLLIN */);
  b.put('y');
  CHECK(loop.run_once(5000).ok());
  CHECK_EQUAL(1, a_calls);
  CHECK_EQUAL(1, b_calls);
}

TEST(EventLoop, RunOnceTimesOutWithNothingReady) {
  Pipe a;
  int calls = 0;
  CHECK(loop.add(a.r.get(), [&](uint32_t) { ++calls; }).ok());
  CHECK(loop.run_once(0).ok());
  CHECK_EQUAL(0, calls);
}

TEST(EventLoop, RemovedFdIsNoLongerDispatched) {
  Pipe a, b;
  int a_calls = 0;
  bool b_seen = false;
  CHECK(loop.add(a.r.get(), [&](uint32_t) { ++a_calls; }).ok());
  CHECK(loop.add(b.r.get(), [&](uint32_t) { b_seen = true; b.get(); }).ok());
  loop.remove(a.r.get());
  a.put('x');
  b.put('y');
  CHECK(run_until(loop, [&] { return b_seen; }));
  CHECK_EQUAL(0, a_calls);
}

TEST(EventLoop, AddingABadFdFails) {
  CHECK_FALSE(loop.add(-1, [](uint32_t) {}).ok());
}

TEST(EventLoop, AddingTheSameFdTwiceFails) {
  Pipe a;
  CHECK(loop.add(a.r.get(), [](uint32_t) {}).ok());
  CHECK_FALSE(loop.add(a.r.get(), [](uint32_t) {}).ok());
}

TEST(EventLoop, HandlerMayRemoveItselfAndOthers) {
  Pipe a, b;
  int a_calls = 0, b_calls = 0;
  CHECK(loop.add(a.r.get(), [&](uint32_t) {
              ++a_calls;
              loop.remove(a.r.get());
              loop.remove(b.r.get());
            }).ok());
  CHECK(loop.add(b.r.get(), [&](uint32_t) {
              ++b_calls;
              loop.remove(a.r.get());
              loop.remove(b.r.get());
            }).ok());
  // Both ready in the same batch: whichever runs first removes the other.
  a.put('x');
  b.put('y');
  CHECK(loop.run_once(5000).ok());
  CHECK_EQUAL(1, a_calls + b_calls);
  CHECK(loop.run_once(0).ok());
  CHECK_EQUAL(1, a_calls + b_calls);
}

TEST(EventLoop, TimerFdThroughTheLoop) {
  bool fired = false;
  CHECK(loop.add(t.fd(), [&](uint32_t) {
              fired = true;
              t.drain();
            }).ok());
  t.arm(SteadyClock::now() + 20ms);
  CHECK(run_until(loop, [&] { return fired; }));
}
