// Stopping jobs and shutting pmtr down end to end (pmtr(8) SIGNALS:
// stopping a job, shutdown, `wait` jobs that never exit): the whole
// process group is signalled, SIGKILL follows a 10 s grace period,
// shutdown stops every job in parallel, starts nothing, and exits 0 once
// everything is reaped.
// Each slow group (a grace period) runs beside the others in run_all.sh.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/e2e_harness.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

using Clock = std::chrono::steady_clock;

// A job whose shell and its child both ignore SIGTERM (an ignored signal
// stays ignored across fork and exec).  `tag` makes its sleep findable.
std::string stubborn(const std::string& name, int tag) {
  return job(name, "/bin/sh -c \"trap '' TERM; /bin/sleep " + std::to_string(tag) + " & wait\"");
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

bool any_alive(const std::vector<pid_t>& pids) {
  return std::any_of(pids.begin(), pids.end(), [](pid_t p) { return process_alive(p); });
}

bool all_reaped(const std::vector<pid_t>& pids) {
  return std::none_of(pids.begin(), pids.end(), [](pid_t p) { return process_exists(p); });
}

// A job whose leader dies on SIGTERM at once while the child it started
// ignores SIGTERM: what is left of the group after the leader is gone.
std::string leaves_straggler(const std::string& name, int tag) {
  return job(name, "/bin/sh -c \"trap '' TERM; /bin/sleep " + std::to_string(tag) +
                       " & trap - TERM; exec /bin/sleep " + std::to_string(tag + 1) + "\"");
}

// While alive, this test process adopts whatever pmtr leaves behind when
// it exits (instead of init), so a process pmtr did not reap shows up as
// our child.  Reaps those on the way out.
struct AdoptOrphans {
  AdoptOrphans() { prctl(PR_SET_CHILD_SUBREAPER, 1); }
  ~AdoptOrphans() {
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    for (pid_t p : adopted) {
      kill(p, SIGKILL);
      waitpid(p, nullptr, 0);
    }
  }
  std::vector<pid_t> adopted;
};

bool exited_zero(int status) { return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

}  // namespace

// ---- fast ---------------------------------------------------------------------

TEST_GROUP(StopJob) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(StopJob, GrandchildrenDieWithTheirJob) {
  write_file(conf, job("tree", "/bin/sh -c \"/bin/sleep 1301 & /bin/sleep 1302\"") + job("other", "/bin/sleep 1303"));
  Pmtr pmtr(conf);
  const pid_t tree = pmtr.wait_job("tree", 5000ms), other = pmtr.wait_job("other", 5000ms);
  CHECK(tree > 0 && other > 0);
  pid_t s1 = -1, s2 = -1;
  CHECK(poll_until([&] {
    s1 = find_descendant(pmtr.pid(), "/bin/sleep 1301");
    s2 = find_descendant(pmtr.pid(), "/bin/sleep 1302");
    return s1 > 0 && s2 > 0;
  }, 5000ms));
  CHECK(s1 != tree && s2 != tree);
  write_file(conf, job("other", "/bin/sleep 1303"));
  CHECK(pmtr.wait_log("job tree removed from configuration, stopping", 5000ms));
  CHECK(poll_until([&] { return !any_alive({tree, s1, s2}); }, 5000ms));
  CHECK(poll_until([&] { return all_reaped({tree, s1, s2}); }, 5000ms));
  CHECK_EQUAL(0, pmtr.count_log("SIGKILL"));   // SIGTERM to the group was enough
  CHECK(process_alive(other));
}

// ---- slow: SIGKILL after the grace period ----------------------------------------

TEST_GROUP(StopEscalation) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(StopEscalation, JobIgnoringSigtermIsKilledAfterTenSeconds) {
  write_file(conf, stubborn("stub", 1311) + job("other", "/bin/sleep 1312"));
  Pmtr pmtr(conf);
  const pid_t sh = pmtr.wait_job("stub", 5000ms), other = pmtr.wait_job("other", 5000ms);
  CHECK(sh > 0 && other > 0);
  pid_t sleeper = -1;
  CHECK(poll_until([&] { return (sleeper = find_descendant(sh, "/bin/sleep 1311")) > 0; }, 5000ms));

  write_file(conf, job("other", "/bin/sleep 1312"));
  CHECK(pmtr.wait_log("job stub removed from configuration, stopping", 5000ms));
  const Clock::time_point stopped = Clock::now();
  // Polling for the failure: neither may be gone during the first 5 s.
  CHECK_FALSE(poll_until([&] { return !process_alive(sh) || !process_alive(sleeper); }, 5000ms));
  CHECK(poll_until([&] { return !process_alive(sh) && !process_alive(sleeper); }, 8000ms));
  const double took = seconds_since(stopped);
  CHECK(took >= 9.0);
  CHECK(took <= 12.0);
  CHECK(pmtr.wait_log("job stub [" + std::to_string(sh) + "] still running 10 s after SIGTERM, sending SIGKILL",
                      1000ms));
  CHECK(pmtr.wait_log("job stub [" + std::to_string(sh) + "] exited after", 1000ms));
  CHECK(poll_until([&] { return all_reaped({sh, sleeper}); }, 3000ms));
  CHECK(process_alive(other));
  CHECK_EQUAL(other, pmtr.job_pid("other"));
}

// ---- slow: what is left of a group after its leader exited ----------------------

TEST_GROUP(StopLingering) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(StopLingering, GroupMembersLeftAfterTheLeaderAreKilledAfterTheGrace) {
  write_file(conf, leaves_straggler("strag", 1361) + job("other", "/bin/sleep 1363"));
  Pmtr pmtr(conf);
  const pid_t leader = pmtr.wait_job("strag", 5000ms);
  CHECK(leader > 0);
  pid_t straggler = -1;
  CHECK(poll_until([&] {
    straggler = find_descendant(leader, "/bin/sleep 1361");
    return straggler > 0 && proc_cmdline(leader) == "/bin/sleep 1362";
  }, 5000ms));

  write_file(conf, job("other", "/bin/sleep 1363"));
  CHECK(pmtr.wait_log("job strag removed from configuration, stopping", 5000ms));
  const Clock::time_point stopped = Clock::now();
  CHECK(pmtr.wait_log("job strag [" + std::to_string(leader) + "] exited after", 2000ms));
  CHECK_FALSE(poll_until([&] { return !process_alive(straggler); }, 5000ms));
  CHECK(poll_until([&] { return !process_alive(straggler); }, 8000ms));
  const double took = seconds_since(stopped);
  CHECK(took >= 9.0);
  CHECK(took <= 12.0);
  CHECK(poll_until([&] { return !process_exists(straggler); }, 3000ms));   // reaped, no zombie
  CHECK(process_alive(pmtr.job_pid("other")));
}

TEST_GROUP(ShutdownLingering) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(ShutdownLingering, PmtrExitsOnlyAfterTheKilledStragglersAreReaped) {
  AdoptOrphans adopt;
  write_file(conf, leaves_straggler("strag", 1371));
  Pmtr pmtr(conf);
  const pid_t leader = pmtr.wait_job("strag", 5000ms);
  CHECK(leader > 0);
  pid_t straggler = -1;
  CHECK(poll_until([&] {
    straggler = find_descendant(leader, "/bin/sleep 1371");
    return straggler > 0 && proc_cmdline(leader) == "/bin/sleep 1372";
  }, 5000ms));
  adopt.adopted.push_back(straggler);

  const Clock::time_point term = Clock::now();
  pmtr.signal(SIGTERM);
  CHECK(pmtr.wait_log("job strag [" + std::to_string(leader) + "] exited after", 2000ms));
  CHECK(process_alive(straggler));
  CHECK(exited_zero(pmtr.wait_exit(14000ms)));
  const double took = seconds_since(term);
  CHECK(took >= 9.0);
  CHECK(took <= 12.5);
  // Had pmtr exited before reaping it, the straggler would now be ours.
  CHECK_TEXT(!process_exists(straggler) || parent_of(straggler) != getpid(),
             "pmtr exited leaving a killed job process unreaped");
}

// ---- slow: shutdown stops every job in parallel --------------------------------

TEST_GROUP(ShutdownParallel) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(ShutdownParallel, TenJobsIgnoringSigtermAllGoneWithinOneGracePeriod) {
  constexpr int kJobs = 10;
  std::string text;
  for (int i = 0; i < kJobs; ++i) text += stubborn("s" + std::to_string(i), 1320 + i);
  write_file(conf, text);
  Pmtr pmtr(conf);
  std::vector<pid_t> procs;
  for (int i = 0; i < kJobs; ++i) {
    const pid_t sh = pmtr.wait_job("s" + std::to_string(i), 5000ms);
    CHECK(sh > 0);
    pid_t sleeper = -1;
    CHECK(poll_until([&] { return (sleeper = find_descendant(sh, "/bin/sleep " + std::to_string(1320 + i))) > 0; },
                     5000ms));
    procs.push_back(sh);
    procs.push_back(sleeper);
  }

  const Clock::time_point term = Clock::now();
  pmtr.signal(SIGTERM);
  CHECK(pmtr.wait_log("shutting down on signal 15", 2000ms));
  // They do ignore SIGTERM: nothing is gone after 3 s.
  CHECK_FALSE(poll_until([&] { return !process_alive(procs[0]) || !process_alive(procs[kJobs]); }, 3000ms));
  const int status = pmtr.wait_exit(14000ms);
  const double took = seconds_since(term);
  CHECK(exited_zero(status));
  CHECK(took >= 9.0);
  CHECK(took <= 12.5);   // one grace period, not ten
  // Nothing outlived pmtr (that pmtr reaped it is ShutdownLingering's test).
  CHECK(!any_alive(procs));
  CHECK_EQUAL(kJobs, pmtr.count_log("sending SIGKILL"));
}

// ---- slow: nothing starts during shutdown --------------------------------------

TEST_GROUP(ShutdownNoStart) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(ShutdownNoStart, DelayedJobStaysDownWhileShutdownWaits) {
  // `quick` waits out its 10 s restart delay; `slow`, changed (so it is
  // being stopped to be started again) and ignoring SIGTERM, keeps pmtr
  // in its shutdown past quick's restart time.
  write_file(conf, job("quick", "/bin/true") + stubborn("slow", 1341));
  Pmtr pmtr(conf);
  const pid_t slow = pmtr.wait_job("slow", 5000ms);
  CHECK(slow > 0);
  CHECK(poll_until([&] { return find_descendant(slow, "/bin/sleep 1341") > 0; }, 5000ms));
  CHECK(pmtr.wait_log("job quick restarting too fast, delaying restart 10 s", 5000ms));
  const Clock::time_point delayed = Clock::now();
  // Late enough that slow's SIGKILL comes well after quick's restart time.
  std::this_thread::sleep_until(delayed + 2000ms);
  write_file(conf, job("quick", "/bin/true") + stubborn("slow", 1342));
  CHECK(pmtr.wait_log("job slow changed, restarting", 5000ms));
  pmtr.signal(SIGTERM);
  CHECK(pmtr.wait_log("shutting down on signal 15", 2000ms));
  const int status = pmtr.wait_exit(15000ms);
  CHECK(exited_zero(status));
  CHECK(seconds_since(delayed) >= 11.0);   // pmtr was alive past quick's restart time
  CHECK_EQUAL(1, pmtr.count_log("started job quick ["));
  CHECK_EQUAL(1, pmtr.count_log("started job slow ["));
  CHECK(!process_alive(slow));
}

TEST(ShutdownNoStart, ExitsPromptlyWhenOnlyADelayedJobIsLeft) {
  write_file(conf, job("quick", "/bin/true"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("job quick restarting too fast, delaying restart 10 s", 5000ms));
  const Clock::time_point term = Clock::now();
  pmtr.signal(SIGTERM);
  CHECK(exited_zero(pmtr.wait_exit(2000ms)));
  CHECK(seconds_since(term) < 2.0);
  CHECK_EQUAL(1, pmtr.count_log("started job quick ["));
}

// ---- a `wait` job that never exits --------------------------------------------

TEST_GROUP(ShutdownWaitJob) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(ShutdownWaitJob, NeverExitingWaitJobBlocksNeitherReloadsNorShutdown) {
  const auto config = [](const std::string& wait_cmd, bool early) {
    return (early ? job("early", "/bin/sleep 1351", "  order -1\n") : std::string()) +
           job("w", wait_cmd, "  wait\n") + job("after", "/bin/sleep 1352");
  };
  write_file(conf, config("/bin/sleep 1353", false));
  Pmtr pmtr(conf);
  const pid_t w = pmtr.wait_job("w", 5000ms);
  CHECK(w > 0);

  // SIGHUP is handled while the wait job runs; `after` stays held.
  const int rescans = pmtr.count_log("rescanning job configuration");
  pmtr.signal(SIGHUP);
  CHECK(pmtr.wait_log("rescanning job configuration", 5000ms, rescans + 1));
  CHECK(pmtr.wait_log("applying configuration", 5000ms, 2));
  CHECK_EQUAL(-1, pmtr.job_pid("after"));

  // An edit adding a job ahead of it applies.
  write_file(conf, config("/bin/sleep 1353", true));
  CHECK(pmtr.wait_job("early", 5000ms) > 0);
  CHECK_EQUAL(w, pmtr.job_pid("w"));

  // Removing the job behind it applies too.
  write_file(conf, job("early", "/bin/sleep 1351", "  order -1\n") + job("w", "/bin/sleep 1353", "  wait\n"));
  CHECK(pmtr.wait_log("applying configuration: 2 kept, 0 added, 0 changed, 1 removed", 5000ms));
  CHECK_EQUAL(w, pmtr.job_pid("w"));

  const Clock::time_point term = Clock::now();
  pmtr.signal(SIGTERM);
  CHECK(exited_zero(pmtr.wait_exit(5000ms)));
  CHECK(seconds_since(term) < 3.0);
  CHECK(!process_alive(w));
  CHECK_EQUAL(-1, pmtr.job_pid("after"));
}
