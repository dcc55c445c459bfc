// The restart rules with a fake clock: TimePoints built by hand, never the
// real time.  The defaults must mean what the original pmtr's fixed rules
// meant: an exit within 10 s is quick, exit 33 and `once` stay down.
#include "monitor/restart_policy.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <vector>

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

// Wait statuses as the kernel encodes them (<sys/wait.h> only decodes).
int exited(int code) { return (code & 0xff) << 8; }
int killed_by(int sig) { return sig & 0x7f; }

const TimePoint t0 = TimePoint{} + std::chrono::hours(1000);

#define CHECK_EVENT(expected, actual) STRCMP_EQUAL(job_event_name(expected), job_event_name(actual))

}  // namespace

TEST_GROUP(RestartPolicy) {
  LifecyclePolicy policy;
  bool once = false;
  std::vector<TimePoint> quick;
  ExitVerdict after(Duration ran, int status, bool failed_start = false) {
    return classify_exit(policy, once, ExitFacts{ran, status, failed_start}, quick, t0 + ran);
  }
};

TEST(RestartPolicy, TheStatusHelpersMatchWaitMacros) {
  // Guards the hand-made statuses used below.
  CHECK(WIFEXITED(exited(33)));
  CHECK_EQUAL(33, WEXITSTATUS(exited(33)));
  CHECK(WIFSIGNALED(killed_by(SIGKILL)));
  CHECK_EQUAL(SIGKILL, WTERMSIG(killed_by(SIGKILL)));
}

TEST(RestartPolicy, DefaultsAreTheFixedTenSecondRule) {
  const LifecyclePolicy d;
  CHECK(d.restart == RestartMode::Always);
  CHECK_EQUAL(10000u, d.backoff_min_ms);
  CHECK_EQUAL(10000u, d.backoff_max_ms);
  CHECK_EQUAL(10000u, d.stable_after_ms);
  CHECK_EQUAL(0u, d.give_up_count);
  CHECK_EQUAL(SIGTERM, d.stop_signal);
  CHECK_EQUAL(10000u, d.stop_timeout_ms);
  CHECK_EQUAL(0u, d.ready_fd);
}

TEST(RestartPolicy, RanLongerThanTenSecondsRestartsNow) {
  for (Duration ran : {Duration(11s), Duration(10s + 1ns), Duration(3600s), Duration(24h * 400)})
    CHECK_EVENT(JobEvent::ExitRestart, after(ran, exited(0)).event);
}

TEST(RestartPolicy, ExactlyTenSecondsCountsAsLongEnough) {
  CHECK_EVENT(JobEvent::ExitRestart, after(10s, exited(1)).event);
}

TEST(RestartPolicy, QuickExitIsDelayed) {
  for (Duration ran : {Duration(0s), Duration(1ns), Duration(3s), Duration(10s - 1ns)})
    CHECK_EVENT(JobEvent::ExitDelay, after(ran, exited(1)).event);
}

TEST(RestartPolicy, ExitStatus33StaysDown) {
  for (Duration ran : {Duration(1s), Duration(60s)}) {
    const ExitVerdict v = after(ran, exited(33));
    CHECK_EVENT(JobEvent::ExitDone, v.event);
    STRCMP_CONTAINS("33", v.reason);
  }
  policy.restart = RestartMode::OnFailure;
  CHECK_EVENT(JobEvent::ExitDone, after(60s, exited(33)).event);
}

TEST(RestartPolicy, OtherExitStatusesRestart) {
  for (int code : {0, 1, 32, 34, 255}) {
    CHECK_EVENT(JobEvent::ExitRestart, after(20s, exited(code)).event);
    CHECK_EVENT(JobEvent::ExitDelay, after(2s, exited(code)).event);
  }
}

TEST(RestartPolicy, OnceAndRestartNeverStayDownWhateverTheExit) {
  for (int which = 0; which < 2; ++which) {
    once = which == 0;
    policy.restart = which == 0 ? RestartMode::Always : RestartMode::Never;
    for (int st : {exited(0), exited(1), exited(33), killed_by(SIGKILL), killed_by(SIGSEGV)}) {
      for (Duration ran : {Duration(1s), Duration(60s)}) {
        const ExitVerdict v = after(ran, st);
        CHECK_EVENT(JobEvent::ExitDone, v.event);
        CHECK(v.reason != nullptr && *v.reason != '\0');
      }
    }
  }
}

TEST(RestartPolicy, DeathBySignalFollowsTheRestartRules) {
  // Signal 33 is a real-time signal: it must not be mistaken for exit status 33.
  for (int sig : {SIGKILL, SIGTERM, SIGSEGV, 33}) {
    CHECK_EVENT(JobEvent::ExitRestart, after(10s, killed_by(sig)).event);
    CHECK_EVENT(JobEvent::ExitDelay, after(1s, killed_by(sig)).event);
  }
}

TEST(RestartPolicy, OnFailureRestartsOnlyAfterAFailure) {
  policy.restart = RestartMode::OnFailure;
  const ExitVerdict clean = after(60s, exited(0));
  CHECK_EVENT(JobEvent::ExitDone, clean.event);
  STRCMP_CONTAINS("on-failure", clean.reason);
  CHECK_EVENT(JobEvent::ExitDone, after(1s, exited(0)).event);
  CHECK_EVENT(JobEvent::ExitRestart, after(60s, exited(1)).event);
  CHECK_EVENT(JobEvent::ExitDelay, after(1s, exited(2)).event);
  CHECK_EVENT(JobEvent::ExitRestart, after(60s, killed_by(SIGTERM)).event);
  CHECK_EVENT(JobEvent::ExitDelay, after(1s, killed_by(SIGSEGV)).event);
}

TEST(RestartPolicy, StableAfterMovesTheQuickExitLine) {
  policy.stable_after_ms = 500;
  CHECK_EVENT(JobEvent::ExitDelay, after(499ms, exited(1)).event);
  CHECK_EVENT(JobEvent::ExitRestart, after(500ms, exited(1)).event);
  policy.stable_after_ms = 0;   // nothing is quick
  CHECK_EVENT(JobEvent::ExitRestart, after(0s, exited(1)).event);
}

TEST(RestartPolicy, AFailedStartIsQuickAndAFailureWhateverItsUptime) {
  policy.restart = RestartMode::OnFailure;
  CHECK_EVENT(JobEvent::ExitDelay, after(1h, exited(0), true).event);
  CHECK_EVENT(JobEvent::ExitDelay, after(0s, exited(33), true).event);   // the status is not the job's word
  once = true;
  CHECK_EVENT(JobEvent::ExitDone, after(0s, 0, true).event);
}

TEST(RestartPolicy, GiveUpAtTheNthQuickExitWithinTheWindow) {
  policy.give_up_count = 3;
  policy.give_up_window_ms = 60000;
  const TimePoint now = t0 + 1s;
  auto verdict = [&] { return classify_exit(policy, false, ExitFacts{1s, exited(1), false}, quick, now).event; };
  CHECK_EVENT(JobEvent::ExitDelay, verdict());
  quick = {now - 30s};
  CHECK_EVENT(JobEvent::ExitDelay, verdict());
  quick = {now - 59s, now - 30s};
  CHECK_EVENT(JobEvent::ExitGiveUp, verdict());
  // Outside the window: forgotten.
  quick = {now - 60s, now - 30s};
  CHECK_EVENT(JobEvent::ExitDelay, verdict());
  // A stable exit never gives up.
  quick = {now - 2s, now - 1s};
  CHECK_EVENT(JobEvent::ExitRestart,
              classify_exit(policy, false, ExitFacts{20s, exited(1), false}, quick, now).event);
}

TEST(RestartPolicy, QuickExitHistoryKeepsOnlyTheWindowAndTheCount) {
  policy.give_up_count = 3;
  policy.give_up_window_ms = 10000;
  for (int i = 0; i < 5; ++i) note_quick_exit(policy, quick, t0 + std::chrono::seconds(i));
  CHECK_EQUAL(3u, quick.size());
  CHECK(quick.front() == t0 + 2s);
  note_quick_exit(policy, quick, t0 + 13s);   // 2 s and 3 s fell out of the window (3 s .. 13 s]
  CHECK_EQUAL(2u, quick.size());
  CHECK(quick.front() == t0 + 4s);
  policy.give_up_count = 0;
  policy.give_up_window_ms = 0;
  note_quick_exit(policy, quick, t0 + 15s);
  CHECK(quick.empty());
}

TEST(RestartPolicy, BackoffDoublesUpToItsMaximum) {
  policy.backoff_min_ms = 1000;
  policy.backoff_max_ms = 5000;
  uint32_t b = policy.backoff_min_ms;
  std::vector<uint32_t> seen;
  for (int i = 0; i < 5; ++i) {
    seen.push_back(b);
    b = next_backoff_ms(policy, b);
  }
  CHECK((seen == std::vector<uint32_t>{1000, 2000, 4000, 5000, 5000}));
  CHECK_EQUAL(1000u, next_backoff_ms(policy, 0));   // the first quick exit since a reset
  CHECK_EQUAL(10000u, next_backoff_ms(LifecyclePolicy{}, 10000));   // the default stays 10 s
  policy.backoff_min_ms = policy.backoff_max_ms = 0;
  CHECK_EQUAL(0u, next_backoff_ms(policy, 0));
  policy.backoff_max_ms = 4000000000u;   // no overflow near the top
  CHECK_EQUAL(4000000000u, next_backoff_ms(policy, 3000000000u));
}

TEST(RestartPolicy, NoBounceMeansNever) { CHECK(next_bounce(0, t0) == kNever); }

TEST(RestartPolicy, BounceIsCountedFromTheStart) {
  CHECK(next_bounce(86400, t0) == t0 + 24h);
  CHECK(next_bounce(1, t0 + 5s) == t0 + 6s);
}

TEST(RestartPolicy, DescribeExitStatus) {
  char buf[96];
  describe_wait_status(exited(0), buf, sizeof buf);
  STRCMP_EQUAL("exit status 0", buf);
  describe_wait_status(exited(33), buf, sizeof buf);
  STRCMP_EQUAL("exit status 33", buf);
  describe_wait_status(exited(255), buf, sizeof buf);
  STRCMP_EQUAL("exit status 255", buf);
}

TEST(RestartPolicy, DescribeSignal) {
  char buf[96];
  describe_wait_status(killed_by(SIGKILL), buf, sizeof buf);
  STRCMP_EQUAL("signal 9 (Killed)", buf);
  describe_wait_status(killed_by(SIGTERM), buf, sizeof buf);
  STRCMP_EQUAL("signal 15 (Terminated)", buf);
}

TEST(RestartPolicy, DescribeNeverOverrunsTheBuffer) {
  char buf[8];
  buf[7] = 'X';
  describe_wait_status(killed_by(SIGSEGV), buf, sizeof buf);
  CHECK_EQUAL('\0', buf[7]);
  STRCMP_EQUAL("signal ", buf);
}

TEST(RestartPolicy, DescribeDuration) {
  char buf[48];
  const std::pair<Duration, const char*> cases[] = {
      {250ms, "250 ms"}, {1500ms, "1500 ms"}, {10s, "10 s"}, {0s, "0 s"},   {119s, "119 s"},
      {5min, "5 min 0 s"}, {330s, "5 min 30 s"}, {2h, "2 h 0 min"},      {27h, "1 d 3 h"},
  };
  for (const auto& [d, want] : cases) {
    describe_duration(d, buf, sizeof buf);
    STRCMP_EQUAL(want, buf);
  }
}
