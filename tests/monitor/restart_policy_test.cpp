// SPEC §2 restart rules with a fake clock: TimePoints built by hand, never
// the real time.
#include "monitor/restart_policy.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

// Wait statuses as the kernel encodes them (<sys/wait.h> only decodes).
int exited(int code) { return (code & 0xff) << 8; }
int killed_by(int sig) { return sig & 0x7f; }

const TimePoint t0 = TimePoint{} + std::chrono::hours(1000);

const char* action_name(AfterExit a) {
  switch (a) {
    case AfterExit::RestartNow: return "RestartNow";
    case AfterExit::RestartLater: return "RestartLater";
    case AfterExit::StayDown: return "StayDown";
  }
  return "?";
}

#define CHECK_ACTION(expected, actual) STRCMP_EQUAL(action_name(expected), action_name(actual))

JobDesc plain_job() {
  JobDesc j;
  j.name = std::string("j");   // not = "j": g++ 12 -Wrestrict false positive
  j.argv = {"/bin/true"};
  return j;
}

long long ns(Duration d) { return static_cast<long long>(d.count()); }

}  // namespace

TEST_GROUP(RestartPolicy) {
  JobDesc job = plain_job();
};

TEST(RestartPolicy, TheStatusHelpersMatchWaitMacros) {
  // Guards the hand-made statuses used below.
  CHECK(WIFEXITED(exited(33)));
  CHECK_EQUAL(33, WEXITSTATUS(exited(33)));
  CHECK(WIFSIGNALED(killed_by(SIGKILL)));
  CHECK_EQUAL(SIGKILL, WTERMSIG(killed_by(SIGKILL)));
}

TEST(RestartPolicy, RanLongerThanTenSecondsRestartsNow) {
  for (Duration ran : {Duration(11s), Duration(10s + 1ns), Duration(3600s), Duration(24h * 400)}) {
    const ExitVerdict v = decide_after_exit(job, t0, t0 + ran, exited(0));
    CHECK_ACTION(AfterExit::RestartNow, v.action);
  }
}

TEST(RestartPolicy, ExactlyTenSecondsCountsAsLongEnough) {
  const ExitVerdict v = decide_after_exit(job, t0, t0 + 10s, exited(1));
  CHECK_ACTION(AfterExit::RestartNow, v.action);
}

TEST(RestartPolicy, QuickExitRestartsTenSecondsAfterTheExit) {
  for (Duration ran : {Duration(0s), Duration(1ns), Duration(3s), Duration(10s - 1ns)}) {
    const TimePoint now = t0 + ran;
    const ExitVerdict v = decide_after_exit(job, t0, now, exited(1));
    CHECK_ACTION(AfterExit::RestartLater, v.action);
    // From the exit, not from the start.
    CHECK_EQUAL(ns((now + 10s).time_since_epoch()), ns(v.restart_at.time_since_epoch()));
  }
}

TEST(RestartPolicy, ExitStatus33StaysDown) {
  for (Duration ran : {Duration(1s), Duration(60s)}) {
    const ExitVerdict v = decide_after_exit(job, t0, t0 + ran, exited(33));
    CHECK_ACTION(AfterExit::StayDown, v.action);
    CHECK(v.restart_at == kNever);
    STRCMP_CONTAINS("33", v.reason);
  }
}

TEST(RestartPolicy, OtherExitStatusesRestart) {
  for (int code : {0, 1, 32, 34, 255}) {
    CHECK_ACTION(AfterExit::RestartNow, decide_after_exit(job, t0, t0 + 20s, exited(code)).action);
    CHECK_ACTION(AfterExit::RestartLater, decide_after_exit(job, t0, t0 + 2s, exited(code)).action);
  }
}

TEST(RestartPolicy, OnceStaysDownWhateverTheExit) {
  job.once = true;
  for (int st : {exited(0), exited(1), exited(33), killed_by(SIGKILL), killed_by(SIGSEGV)}) {
    for (Duration ran : {Duration(1s), Duration(60s)}) {
      const ExitVerdict v = decide_after_exit(job, t0, t0 + ran, st);
      CHECK_ACTION(AfterExit::StayDown, v.action);
      CHECK(v.restart_at == kNever);
      CHECK(v.reason != nullptr && *v.reason != '\0');
    }
  }
}

TEST(RestartPolicy, DeathBySignalFollowsTheRestartRules) {
  // Signal 33 is a real-time signal: it must not be mistaken for exit status 33.
  for (int sig : {SIGKILL, SIGTERM, SIGSEGV, 33}) {
    CHECK_ACTION(AfterExit::RestartNow, decide_after_exit(job, t0, t0 + 10s, killed_by(sig)).action);
    const ExitVerdict v = decide_after_exit(job, t0, t0 + 1s, killed_by(sig));
    CHECK_ACTION(AfterExit::RestartLater, v.action);
    CHECK(v.restart_at == t0 + 11s);
  }
}

TEST(RestartPolicy, NoBounceMeansNever) {
  CHECK(next_bounce(job, t0) == kNever);
}

TEST(RestartPolicy, BounceIsCountedFromTheStart) {
  job.bounce_seconds = 86400;
  CHECK(next_bounce(job, t0) == t0 + 24h);
  job.bounce_seconds = 1;
  CHECK(next_bounce(job, t0 + 5s) == t0 + 6s);
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
