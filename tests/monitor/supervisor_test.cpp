// The Supervisor with real child processes (ProcessLauncher over the
// spawner) and a fake clock: every TimePoint is handed in by the test.
// Exits are simulated by killing the child and reaping it here, then
// reporting it with a chosen time.  The policy options themselves are
// tested without processes in supervisor_policy_test.cpp.
#include "monitor/supervisor.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "monitor/event_loop.hpp"
#include "monitor/job_launcher.hpp"
#include "monitor/restart_policy.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

const TimePoint t0 = TimePoint{} + std::chrono::hours(2000);
// The defaults: the fixed 10 s rules of the original pmtr.
constexpr Duration kRestartDelay = 10s;
constexpr Duration kStopGrace = 10s;

JobDesc sleeper(const std::string& name) {
  JobDesc j;
  j.name = name;
  j.argv = {"/bin/sleep", "1000"};
  return j;
}

Transaction adding(std::vector<JobDesc> jobs) {
  Transaction t;
  t.job_count = static_cast<uint32_t>(jobs.size());
  for (uint32_t i = 0; i < jobs.size(); ++i) t.added.push_back(IndexedJob{i, std::move(jobs[i])});
  return t;
}

int exited(int code) { return (code & 0xff) << 8; }

// The shell must have run its `trap '' TERM` before we stop it, or the
// SIGTERM lands first and the escalation is never needed.
bool wait_ignoring_term(pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  const std::string path = "/proc/" + std::to_string(pid) + "/status";
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("SigIgn:", 0) != 0) continue;
      const unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
      if (mask & (1ULL << (SIGTERM - 1))) return true;
    }
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

// Kills and reaps the job's real process; returns the wait status.
int reap(pid_t pid, int sig = SIGKILL) {
  kill(pid, sig);
  int st = 0;
  waitpid(pid, &st, 0);
  return st;
}

}  // namespace

TEST_GROUP(Supervisor) {
  EventLoop loop;
  CgroupTree no_cgroups;   // never set up: process groups only
  ProcessLauncher launcher{no_cgroups};
  Supervisor* sup = nullptr;
  void setup() override {
    CHECK(loop.init().ok());
    CHECK(launcher.init().ok());
    sup = new Supervisor(loop, launcher);
    CHECK(sup->init().ok());
  }
  void teardown() override {
    sup->table().for_each([](Job& j) {
      if (j.pid > 0) reap(j.pid);
    });
    delete sup;
  }
  Job& job(const char* name) {
    Job* j = sup->table().find(name);
    CHECK(j != nullptr);
    return *j;
  }
};

TEST(Supervisor, IdleTableHasNoTimer) {
  sup->apply(adding({sleeper("a"), sleeper("b")}), t0);
  CHECK(job("a").pid > 0);
  CHECK(job("b").pid > 0);
  CHECK(job("a").state == JobState::Running);
  CHECK(sup->next_deadline() == kNever);   // nothing due: pmtr sleeps without a timer
}

TEST(Supervisor, LongRunnerRestartsAtOnce) {
  sup->apply(adding({sleeper("a")}), t0);
  const pid_t first = job("a").pid;
  const int st = reap(first);
  CHECK(sup->on_child_exit(first, st, t0 + 10s));
  CHECK(job("a").state == JobState::Running);
  CHECK(job("a").pid > 0 && job("a").pid != first);
  CHECK_EQUAL(1u, job("a").restarts());
}

TEST(Supervisor, QuickExitWaitsTenSeconds) {
  sup->apply(adding({sleeper("a")}), t0);
  const pid_t first = job("a").pid;
  const TimePoint exit_at = t0 + 3s;
  CHECK(sup->on_child_exit(first, reap(first), exit_at));
  CHECK(job("a").state == JobState::Delayed);
  CHECK(sup->next_deadline() == exit_at + kRestartDelay);
  sup->on_timer(exit_at + kRestartDelay - 1ms);
  CHECK(job("a").state == JobState::Delayed);
  sup->on_timer(exit_at + kRestartDelay);
  CHECK(job("a").state == JobState::Running);
  CHECK(sup->next_deadline() == kNever);
}

TEST(Supervisor, Exit33AndOnceStayDown) {
  JobDesc once = sleeper("once");
  once.once = true;
  sup->apply(adding({sleeper("a"), once}), t0);
  const pid_t a = job("a").pid, o = job("once").pid;
  reap(a);
  CHECK(sup->on_child_exit(a, exited(kExitDoNotRestart), t0 + 100s));
  reap(o);
  CHECK(sup->on_child_exit(o, exited(0), t0 + 100s));
  CHECK(job("a").state == JobState::Done);
  CHECK(job("once").state == JobState::Done);
  CHECK(sup->next_deadline() == kNever);
}

TEST(Supervisor, StopEscalatesToSigkillAfterGrace) {
  JobDesc stubborn;
  stubborn.name = "stubborn";
  stubborn.argv = {"/bin/sh", "-c", "trap '' TERM; while :; do sleep 1; done"};
  sup->apply(adding({stubborn}), t0);
  const pid_t pid = job("stubborn").pid;
  CHECK(wait_ignoring_term(pid));
  // Remove it from the config.
  Transaction remove;
  remove.removed.push_back("stubborn");
  sup->apply(remove, t0 + 1s);
  CHECK(job("stubborn").state == JobState::StoppingRemove);
  CHECK(sup->next_deadline() == t0 + 1s + kStopGrace);
  sup->on_timer(t0 + 1s + kStopGrace - 1ms);
  CHECK(job("stubborn").kill_at == t0 + 1s + kStopGrace);   // not yet
  sup->on_timer(t0 + 1s + kStopGrace);
  CHECK(job("stubborn").kill_at == kNever);                  // SIGKILL sent
  int st = 0;
  CHECK_EQUAL(pid, waitpid(pid, &st, 0));
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  CHECK(sup->on_child_exit(pid, st, t0 + 12s));
  CHECK(sup->table().find("stubborn") == nullptr);
}

TEST(Supervisor, BounceRestartsPeriodically) {
  JobDesc b = sleeper("b");
  b.bounce_seconds = 60;
  sup->apply(adding({b}), t0);
  CHECK(sup->next_deadline() == t0 + 60s);
  const pid_t first = job("b").pid;
  sup->on_timer(t0 + 60s);
  CHECK(job("b").state == JobState::StoppingRestart);
  int st = 0;
  waitpid(first, &st, 0);   // sleep dies of the SIGTERM
  CHECK(sup->on_child_exit(first, st, t0 + 60s + 5ms));
  CHECK(job("b").state == JobState::Running);
  CHECK(job("b").pid != first);
  CHECK(sup->next_deadline() == t0 + 60s + 5ms + 60s);
}

TEST(Supervisor, WaitJobHoldsLaterJobsUntilItExits) {
  JobDesc w = sleeper("w");
  w.wait = true;
  sup->apply(adding({w, sleeper("later")}), t0);
  CHECK(job("w").state == JobState::Running);
  CHECK(job("later").state == JobState::Waiting);
  CHECK(job("later").pid < 0);
  const pid_t pid = job("w").pid;
  CHECK(sup->on_child_exit(pid, reap(pid), t0 + 1s));
  CHECK(job("later").state == JobState::Running);
}

TEST(Supervisor, OrderBeatsFileOrder) {
  JobDesc first = sleeper("first");
  first.order = 5;
  JobDesc second = sleeper("second");
  second.order = 1;
  second.wait = true;   // holds everything after it in start order
  sup->apply(adding({first, second}), t0);
  CHECK(job("second").state == JobState::Running);
  CHECK(job("first").state == JobState::Waiting);
}

TEST(Supervisor, ShutdownStartsNothing) {
  sup->apply(adding({sleeper("a"), sleeper("quick")}), t0);
  const pid_t q = job("quick").pid;
  CHECK(sup->on_child_exit(q, reap(q), t0 + 1s));
  CHECK(job("quick").state == JobState::Delayed);
  sup->begin_shutdown(t0 + 2s);
  CHECK(job("quick").state == JobState::Done);
  CHECK(job("a").state == JobState::StoppingDone);
  sup->on_timer(t0 + 1s + kRestartDelay);
  CHECK(job("quick").pid < 0);
  const pid_t a = job("a").pid;
  int st = 0;
  waitpid(a, &st, 0);
  CHECK(sup->on_child_exit(a, st, t0 + 3s));
  CHECK(sup->shutdown_complete());
  CHECK(job("a").state == JobState::Done);
}

TEST(Supervisor, ChangedJobRestartsAtOnceWhateverItsUptime) {
  sup->apply(adding({sleeper("a")}), t0);
  const pid_t first = job("a").pid;
  Transaction change;
  change.job_count = 1;
  JobDesc changed = sleeper("a");
  changed.argv = {"/bin/sleep", "999"};
  change.changed.push_back(IndexedJob{0, changed});
  sup->apply(change, t0 + 1s);
  CHECK(job("a").state == JobState::StoppingRestart);
  int st = 0;
  waitpid(first, &st, 0);
  CHECK(sup->on_child_exit(first, st, t0 + 1s + 1ms));   // ran 1 s: no delay for a change
  CHECK(job("a").state == JobState::Running);
  CHECK(job("a").descriptor()->argv[1] == "999");
}

TEST(Supervisor, ReaddedWhileStoppingStartsOnlyAfterTheOldProcessIsGone) {
  JobDesc stubborn;
  stubborn.name = "s";
  stubborn.argv = {"/bin/sh", "-c", "trap '' TERM; while :; do sleep 1; done"};
  sup->apply(adding({stubborn}), t0);
  const pid_t old = job("s").pid;
  CHECK(wait_ignoring_term(old));
  Transaction remove;
  remove.removed.push_back("s");
  sup->apply(remove, t0 + 1s);
  CHECK(job("s").state == JobState::StoppingRemove);
  JobDesc again = sleeper("s");
  sup->apply(adding({again}), t0 + 2s);
  // Same Job entry, still stopping the old process; no second process.
  CHECK(job("s").state == JobState::StoppingRestart);
  CHECK_EQUAL(old, job("s").pid);
  CHECK(sup->table().find_pid(old) == &job("s"));
  sup->on_timer(t0 + 1s + kStopGrace);   // SIGKILL
  int st = 0;
  CHECK_EQUAL(old, waitpid(old, &st, 0));
  CHECK(sup->on_child_exit(old, st, t0 + 12s));
  CHECK(job("s").state == JobState::Running);
  CHECK(job("s").pid != old);
  CHECK(job("s").descriptor()->argv[0] == "/bin/sleep");
}
