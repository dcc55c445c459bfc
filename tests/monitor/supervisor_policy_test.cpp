// The lifecycle policy options through the Supervisor, with a launcher
// that forks nothing (fake_launcher.hpp) and a fake clock: backoff growth
// and reset, give up, on-failure, stop signal and timeout, readiness and
// `wait ready`, operator stops and starts, failed starts.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <vector>

#include "monitor/event_loop.hpp"
#include "monitor/job_status.hpp"
#include "monitor/supervisor.hpp"
#include "tests/monitor/fake_launcher.hpp"
#include "tests/monitor/stderr_capture.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using pmtr::test::FakeLauncher;
using pmtr::test::StderrCapture;

namespace {

const TimePoint t0 = TimePoint{} + std::chrono::hours(3000);

int exited(int code) { return (code & 0xff) << 8; }
int killed_by(int sig) { return sig & 0x7f; }

JobDesc plain(const std::string& name) {
  JobDesc j;
  j.name = name;
  j.argv = {"/bin/daemon"};
  return j;
}

Transaction adding(std::vector<JobDesc> jobs) {
  Transaction t;
  t.job_count = static_cast<uint32_t>(jobs.size());
  for (uint32_t i = 0; i < jobs.size(); ++i) t.added.push_back(IndexedJob{i, std::move(jobs[i])});
  return t;
}

Transaction changing(JobDesc job) {
  Transaction t;
  t.job_count = 1;
  t.changed.push_back(IndexedJob{0, std::move(job)});
  return t;
}

}  // namespace

TEST_GROUP(SupervisorPolicy) {
  EventLoop loop;
  FakeLauncher fl;
  Supervisor* sup = nullptr;
  void setup() override {
    CHECK(loop.init().ok());
    sup = new Supervisor(loop, fl);
    CHECK(sup->init().ok());
  }
  void teardown() override { delete sup; }
  Job& job(const char* name) {
    Job* j = sup->table().find(name);
    CHECK(j != nullptr);
    return *j;
  }
  // The job's process exits with `status` at `at`.
  void exit_job(const char* name, int status, TimePoint at) {
    const pid_t pid = job(name).pid;
    CHECK(pid > 0);
    CHECK(sup->on_child_exit(pid, status, at));
  }
};

TEST(SupervisorPolicy, BackoffDoublesPerQuickExitUpToMaxAndAStableRunResetsIt) {
  JobDesc d = plain("a");
  d.policy.backoff_min_ms = 1000;
  d.policy.backoff_max_ms = 4000;
  d.policy.stable_after_ms = 5000;
  sup->apply(adding({d}), t0);
  TimePoint now = t0;
  const Duration want[] = {1s, 2s, 4s, 4s, 4s};
  for (Duration delay : want) {
    now += 1s;   // ran 1 s: quick
    exit_job("a", exited(1), now);
    CHECK(job("a").state == JobState::Delayed);
    CHECK(job("a").restart_at == now + delay);
    CHECK(sup->next_deadline() == now + delay);
    sup->on_timer(now + delay - 1ms);
    CHECK(job("a").state == JobState::Delayed);
    now += delay;
    sup->on_timer(now);
    CHECK(job("a").state == JobState::Running);
  }
  CHECK_EQUAL(6u, fl.count("a"));
  // A stable run: restarted at once, and the next quick exit starts over at MIN.
  now += 6s;
  exit_job("a", exited(1), now);
  CHECK(job("a").state == JobState::Running);
  CHECK_EQUAL(7u, fl.count("a"));
  now += 1s;
  exit_job("a", exited(1), now);
  CHECK(job("a").restart_at == now + 1s);
  CHECK_EQUAL(6u, job("a").restarts());
}

TEST(SupervisorPolicy, StatusReportsTheBackoffBeingWaitedOut) {
  JobDesc d = plain("s");
  d.policy.backoff_min_ms = 1000;
  d.policy.backoff_max_ms = 4000;
  d.policy.stable_after_ms = 5000;
  sup->apply(adding({d}), t0);
  CHECK_EQUAL(0u, job_status(job("s"), t0, 0).backoff_ms);   // no quick exit yet
  TimePoint now = t0;
  for (uint32_t want : {1000u, 2000u, 4000u, 4000u}) {
    now += 1s;
    exit_job("s", exited(1), now);
    const JobStatus st = job_status(job("s"), now, 1000000);
    CHECK_EQUAL(want, st.backoff_ms);
    CHECK_EQUAL(1000000u + want, st.next_start_ms);   // the two agree
    now = job("s").restart_at;
    sup->on_timer(now);
  }
  now += 6s;   // a stable run: no delay in effect any more
  exit_job("s", exited(1), now);
  CHECK_EQUAL(0u, job_status(job("s"), now, 0).backoff_ms);
}

TEST(SupervisorPolicy, GiveUpAfterNQuickExitsWithinTheWindowUntilStartedAgain) {
  JobDesc d = plain("g");
  d.policy.backoff_min_ms = d.policy.backoff_max_ms = 1000;
  d.policy.give_up_count = 3;
  d.policy.give_up_window_ms = 60000;
  sup->apply(adding({d, plain("other")}), t0);
  TimePoint now = t0;
  for (int i = 0; i < 2; ++i) {
    now += 1s;
    exit_job("g", exited(1), now);
    CHECK(job("g").state == JobState::Delayed);
    now += 1s;
    sup->on_timer(now);
  }
  now += 1s;
  exit_job("g", exited(1), now);
  CHECK(job("g").state == JobState::Failed);
  CHECK_EQUAL(-1, job("g").pid);
  CHECK(sup->next_deadline() == kNever);   // stays down: nothing scheduled
  sup->on_timer(now + 1h);
  CHECK_EQUAL(3u, fl.count("g"));
  // A reload that does not change it leaves it failed; `start` brings it back.
  sup->apply(changing(plain("other")), now + 2s);
  CHECK(job("g").state == JobState::Failed);
  CHECK(sup->operate("g", JobEvent::OperatorStart, now + 3s));
  CHECK(job("g").state == JobState::Running);
  CHECK_EQUAL(4u, fl.count("g"));
  CHECK(job("g").quick_exits.empty());
}

TEST(SupervisorPolicy, FailedJobComesBackWithANewDefinition) {
  JobDesc d = plain("g");
  d.policy.give_up_count = 1;
  d.policy.give_up_window_ms = 1000;
  sup->apply(adding({d}), t0);
  exit_job("g", exited(1), t0 + 100ms);
  CHECK(job("g").state == JobState::Failed);
  d.argv = {"/bin/fixed"};
  sup->apply(changing(d), t0 + 1s);
  CHECK(job("g").state == JobState::Running);
  CHECK_EQUAL(2u, fl.count("g"));
}

TEST(SupervisorPolicy, OnFailureLeavesACleanExitDownAndRestartsAFailure) {
  JobDesc d = plain("f");
  d.policy.restart = RestartMode::OnFailure;
  sup->apply(adding({d, [] { JobDesc c = plain("c"); c.policy.restart = RestartMode::OnFailure; return c; }()}), t0);
  exit_job("f", exited(0), t0 + 60s);
  CHECK(job("f").state == JobState::Done);
  exit_job("c", killed_by(SIGSEGV), t0 + 60s);
  CHECK(job("c").state == JobState::Running);
  CHECK_EQUAL(1u, fl.count("f"));
  CHECK_EQUAL(2u, fl.count("c"));
}

TEST(SupervisorPolicy, RestartNeverStaysDown) {
  JobDesc d = plain("n");
  d.policy.restart = RestartMode::Never;
  sup->apply(adding({d}), t0);
  exit_job("n", killed_by(SIGKILL), t0 + 60s);
  CHECK(job("n").state == JobState::Done);
  CHECK(sup->next_deadline() == kNever);
}

TEST(SupervisorPolicy, StopUsesTheJobsSignalThenSigkillAtItsTimeout) {
  JobDesc d = plain("s");
  d.policy.stop_signal = SIGINT;
  d.policy.stop_timeout_ms = 2000;
  sup->apply(adding({d}), t0);
  const pid_t pid = job("s").pid;
  Transaction remove;
  remove.removed.push_back("s");
  sup->apply(remove, t0 + 1s);
  CHECK((fl.signals_to(pid) == std::vector<int>{SIGINT}));
  CHECK(sup->next_deadline() == t0 + 3s);
  sup->on_timer(t0 + 3s - 1ms);
  CHECK_EQUAL(1u, fl.signals_to(pid).size());
  sup->on_timer(t0 + 3s);
  CHECK((fl.signals_to(pid) == std::vector<int>{SIGINT, SIGKILL}));
  CHECK(sup->next_deadline() == kNever);
  CHECK(sup->on_child_exit(pid, killed_by(SIGKILL), t0 + 3s));
  CHECK(sup->table().find("s") == nullptr);
}

TEST(SupervisorPolicy, StopTimeoutZeroKillsAtOnce) {
  JobDesc d = plain("k");
  d.policy.stop_timeout_ms = 0;
  sup->apply(adding({d}), t0);
  const pid_t pid = job("k").pid;
  sup->begin_shutdown(t0 + 1s);
  CHECK((fl.signals_to(pid) == std::vector<int>{SIGKILL}));
  CHECK(job("k").state == JobState::StoppingDone);
  CHECK(sup->next_deadline() == kNever);
}

TEST(SupervisorPolicy, AChangedJobIsStoppedTheWayItsOldDefinitionSays) {
  JobDesc d = plain("c");
  sup->apply(adding({d}), t0);
  const pid_t pid = job("c").pid;
  d.policy.stop_signal = SIGUSR1;
  d.policy.stop_timeout_ms = 1000;
  sup->apply(changing(d), t0 + 1s);
  CHECK((fl.signals_to(pid) == std::vector<int>{SIGTERM}));
  CHECK(sup->next_deadline() == t0 + 11s);
  CHECK(sup->on_child_exit(pid, killed_by(SIGTERM), t0 + 2s));
  CHECK(job("c").state == JobState::Running);
  CHECK_EQUAL(SIGUSR1, job("c").policy.stop_signal);
}

TEST(SupervisorPolicy, ReadinessGatesWaitReadyJobsAndOnlyAfterItsNewline) {
  JobDesc r = plain("r");
  r.policy.ready_fd = 3;
  r.wait = r.wait_ready = true;
  sup->apply(adding({r, plain("later")}), t0);
  const pid_t pid = job("r").pid;
  CHECK(job("r").state == JobState::Starting);
  CHECK(job("later").state == JobState::Waiting);
  CHECK(fl.write_ready(pid, "warming up"));   // no newline yet
  sup->on_ready_readable(pid, t0 + 1s);
  CHECK(job("r").state == JobState::Starting);
  CHECK(job("later").state == JobState::Waiting);
  CHECK(fl.write_ready(pid, "... ok\n"));
  sup->on_ready_readable(pid, t0 + 2s);
  CHECK(job("r").state == JobState::Ready);
  CHECK(job("later").state == JobState::Running);
  CHECK_FALSE(job("r").ready_pipe.valid());   // pmtr's end closed after the newline
}

TEST(SupervisorPolicy, ExitBeforeReadinessIsAQuickExitAndKeepsTheGateClosed) {
  JobDesc r = plain("r");
  r.policy.ready_fd = 4;
  r.wait = r.wait_ready = true;
  sup->apply(adding({r, plain("later")}), t0);
  exit_job("r", exited(0), t0 + 60s);   // a long uptime, but never ready
  CHECK(job("r").state == JobState::Delayed);
  CHECK(job("later").state == JobState::Waiting);
}

TEST(SupervisorPolicy, PlainWaitReleasesAtTheFirstExit) {
  JobDesc w = plain("w");
  w.wait = true;
  sup->apply(adding({w, plain("later")}), t0);
  CHECK(job("later").state == JobState::Waiting);
  exit_job("w", exited(0), t0 + 1s);
  CHECK(job("later").state == JobState::Running);
}

TEST(SupervisorPolicy, ReadyTimeoutStopsTheJobAsAQuickExit) {
  JobDesc r = plain("r");
  r.policy.ready_fd = 3;
  r.policy.ready_timeout_ms = 2000;
  r.policy.backoff_min_ms = r.policy.backoff_max_ms = 3000;
  sup->apply(adding({r}), t0);
  const pid_t pid = job("r").pid;
  CHECK(sup->next_deadline() == t0 + 2s);
  sup->on_timer(t0 + 2s);
  CHECK(job("r").state == JobState::StoppingDelay);
  CHECK((fl.signals_to(pid) == std::vector<int>{SIGTERM}));
  CHECK(sup->on_child_exit(pid, killed_by(SIGTERM), t0 + 2s + 5ms));
  CHECK(job("r").state == JobState::Delayed);
  CHECK(job("r").restart_at == t0 + 2s + 5ms + 3s);
}

TEST(SupervisorPolicy, AFailedReadinessLogsItsRestartDelayAndItsGivingUp) {
  // Stopped by pmtr, but as a quick exit: the log says what comes next,
  // as for a job that exited on its own.
  StderrCapture log;
  JobDesc r = plain("r");
  r.policy.ready_fd = 3;
  r.policy.ready_timeout_ms = 2000;
  r.policy.backoff_min_ms = r.policy.backoff_max_ms = 3000;
  r.policy.give_up_count = 2;
  r.policy.give_up_window_ms = 60000;
  sup->apply(adding({r}), t0);
  pid_t pid = job("r").pid;
  sup->on_timer(t0 + 2s);
  CHECK(sup->on_child_exit(pid, killed_by(SIGTERM), t0 + 2s));
  CHECK(job("r").state == JobState::Delayed);
  CHECK_EQUAL(1, log.count("job r [" + std::to_string(pid) + "] exited after 2 s: signal 15 (Terminated); restart 1 in 3 s\n"));
  CHECK_EQUAL(1, log.count("job r restarting too fast, delaying restart 3 s\n"));
  sup->on_timer(t0 + 5s);
  pid = job("r").pid;
  sup->on_timer(t0 + 7s);
  CHECK(sup->on_child_exit(pid, killed_by(SIGTERM), t0 + 7s));
  CHECK(job("r").state == JobState::Failed);
  CHECK_EQUAL(1, log.count("job r [" + std::to_string(pid) + "] exited after 2 s: signal 15 (Terminated); giving up\n"));
  CHECK_EQUAL(1, log.count("job r gave up after 2 quick exits within 60 s"));
}

TEST(SupervisorPolicy, AReadyPipeClosedOrFloodedWithoutANewlineIsNotReady) {
  JobDesc a = plain("closed"), b = plain("flood");
  a.policy.ready_fd = b.policy.ready_fd = 3;
  sup->apply(adding({a, b}), t0);
  const pid_t pa = job("closed").pid, pb = job("flood").pid;
  fl.close_ready(pa);
  sup->on_ready_readable(pa, t0 + 1s);
  CHECK(job("closed").state == JobState::StoppingDelay);
  const std::string chunk(1000, 'x');
  for (int i = 0; i < 4; ++i) CHECK(fl.write_ready(pb, chunk));
  sup->on_ready_readable(pb, t0 + 1s);
  CHECK(job("flood").state == JobState::Starting);   // 4000 bytes: still looking
  CHECK(fl.write_ready(pb, chunk + "\n"));           // the newline lies past 4 KiB
  sup->on_ready_readable(pb, t0 + 2s);
  CHECK(job("flood").state == JobState::StoppingDelay);
}

TEST(SupervisorPolicy, AnOperatorStopIsStickyAcrossReloadsUntilStart) {
  sup->apply(adding({plain("o")}), t0);
  const pid_t pid = job("o").pid;
  CHECK(sup->operate("o", JobEvent::OperatorStop, t0 + 1s));
  CHECK(job("o").state == JobState::StoppingHold);
  CHECK(sup->on_child_exit(pid, killed_by(SIGTERM), t0 + 1s));
  CHECK(job("o").state == JobState::Stopped);
  JobDesc changed = plain("o");
  changed.argv = {"/bin/other"};
  sup->apply(changing(changed), t0 + 2s);
  CHECK(job("o").state == JobState::Stopped);
  CHECK_EQUAL(1u, fl.count("o"));
  CHECK(sup->operate("o", JobEvent::OperatorStart, t0 + 3s));
  CHECK(job("o").state == JobState::Running);
  CHECK_EQUAL(2u, fl.count("o"));
  CHECK(job("o").descriptor()->argv[0] == "/bin/other");
  CHECK_FALSE(sup->operate("nope", JobEvent::OperatorStart, t0 + 3s));
}

TEST(SupervisorPolicy, AnOperatorRestartOfADelayedJobStartsItNowWithAFreshBackoff) {
  JobDesc d = plain("d");
  d.policy.backoff_min_ms = 1000;
  d.policy.backoff_max_ms = 60000;
  sup->apply(adding({d}), t0);
  TimePoint now = t0;
  for (int i = 0; i < 3; ++i) {
    now += 100ms;
    exit_job("d", exited(1), now);
    now = job("d").restart_at;
    sup->on_timer(now);
  }
  exit_job("d", exited(1), now + 100ms);
  CHECK(job("d").restart_at == now + 100ms + 8s);
  CHECK(sup->operate("d", JobEvent::OperatorRestart, now + 200ms));
  CHECK(job("d").state == JobState::Running);
  exit_job("d", exited(1), now + 300ms);
  CHECK(job("d").restart_at == now + 300ms + 1s);
}

TEST(SupervisorPolicy, AStartThatFailsBeforeForkIsAQuickExit) {
  fl.fail_next = Error{EAGAIN, "fork"};
  sup->apply(adding({plain("u")}), t0);
  CHECK(job("u").state == JobState::Delayed);
  CHECK_EQUAL(-1, job("u").pid);
  CHECK(job("u").restart_at == t0 + 10s);
  sup->on_timer(t0 + 10s);
  CHECK(job("u").state == JobState::Running);
}

// A host fact (err 0: unknown user or group, missing controller) is no
// reason to try again: failed, until an operator or the config says so.
TEST(SupervisorPolicy, AStartRefusedByAHostFactFailsAndStaysDown) {
  fl.fail_next = Error{0, "group: group 'x' does not exist"};
  JobDesc w = plain("w");
  w.wait = true;
  sup->apply(adding({w, plain("later")}), t0);
  CHECK(job("w").state == JobState::Failed);
  CHECK_EQUAL(-1, job("w").pid);
  CHECK(job("later").state == JobState::Running);   // a failed wait job holds nothing
  sup->on_timer(t0 + 1h);
  CHECK(job("w").state == JobState::Failed);
  CHECK_EQUAL(1u, fl.count("later"));
  CHECK(sup->operate("w", JobEvent::OperatorStart, t0 + 1h));
  CHECK(job("w").state == JobState::Running);
}

// With cgroups, what a job left behind is stopped when its main process
// exits, and its next process starts only once they are gone.
TEST(SupervisorPolicy, LeftoversInTheCgroupAreEndedBeforeTheRestart) {
  fl.cgroups = true;
  sup->apply(adding({plain("d")}), t0);
  const pid_t first = job("d").pid;
  fl.left["d"] = 2;
  exit_job("d", exited(0), t0 + 20s);   // stable: restart at once, but not yet
  CHECK(job("d").state == JobState::Draining);
  CHECK_EQUAL(1u, fl.count("d"));
  CHECK(fl.signals_to(first) == std::vector<int>({SIGTERM}));
  sup->on_timer(t0 + 30s);   // the stop timeout of the leftovers
  CHECK(fl.signals_to(first) == std::vector<int>({SIGTERM, SIGKILL}));
  CHECK(job("d").state == JobState::Draining);
  fl.left.erase("d");
  CHECK_FALSE(sup->on_child_exit(99999, exited(0), t0 + 31s));   // an orphan reaped
  CHECK(job("d").state == JobState::Running);
  CHECK_EQUAL(2u, fl.count("d"));
  CHECK(fl.released.empty());
  // Stopped for good with nothing left: its cgroup goes.
  CHECK(sup->operate("d", JobEvent::OperatorStop, t0 + 40s));
  exit_job("d", killed_by(SIGTERM), t0 + 41s);
  CHECK(job("d").state == JobState::Stopped);
  CHECK(fl.released == std::vector<std::string>({"d"}));
}

TEST(SupervisorPolicy, WithoutCgroupsLeftoversOfANaturalExitAreLeftAlone) {
  sup->apply(adding({plain("d")}), t0);
  const pid_t first = job("d").pid;
  fl.left["d"] = 1;
  exit_job("d", exited(0), t0 + 20s);
  CHECK(job("d").state == JobState::Running);
  CHECK(fl.signals_to(first).empty());
}

TEST(SupervisorPolicy, ShutdownStopsAStartingJobAndStartsNothing) {
  JobDesc r = plain("r");
  r.policy.ready_fd = 3;
  r.wait = r.wait_ready = true;
  sup->apply(adding({r, plain("later")}), t0);
  sup->begin_shutdown(t0 + 1s);
  CHECK(job("r").state == JobState::StoppingDone);
  CHECK(job("later").state == JobState::Done);
  CHECK(sup->on_child_exit(job("r").pid, killed_by(SIGTERM), t0 + 1s));
  CHECK(sup->shutdown_complete());
  CHECK_EQUAL(1u, fl.launches.size());
}
