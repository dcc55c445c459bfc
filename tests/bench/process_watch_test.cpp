// bench/process_watch: following a tree through the kernel's process
// events (root only), and through the /proc polling fallback.
#include "bench/process_watch.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include "bench/proc_tree.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::bench;

namespace {

// Root: forks a job that execs a shell, which forks and execs a sleep (a
// grandchild); the root exits once the job has.
pid_t start_tree() {
  const pid_t root = fork();
  if (root != 0) return root;
  const pid_t job = fork();
  if (job == 0) {
    execl("/bin/sh", "sh", "-c", "/bin/sleep 0.3; exit 0", static_cast<char*>(nullptr));
    _exit(127);
  }
  int st;
  waitpid(job, &st, 0);
  _exit(0);
}

void follow_a_tree(ProcessWatch& w) {
  const uint64_t t0 = now_ns();
  const pid_t root = start_tree();
  w.follow(root);
  CHECK_TRUE(w.wait_until([&] { return w.job_execs() >= 1; }, t0 + 5000000000u));
  CHECK_TRUE(w.last_job_exec_ns() >= t0);
  CHECK_TRUE(w.wait_until([&] { return w.exit_ns(root) != 0; }, t0 + 10000000000u));
  LONGS_EQUAL(1, w.job_execs());
  LONGS_EQUAL(1, w.child_exits());
  bool grandchild_exec = false;
  bool job_fork = false;
  for (const auto& e : w.events()) {
    if (e.kind == ProcEventKind::Exec && e.depth == 2) grandchild_exec = true;
    if (e.kind == ProcEventKind::Fork && e.depth == 1 && e.parent == root) job_fork = true;
  }
  CHECK_TRUE(grandchild_exec);
  CHECK_TRUE(job_fork);
  CHECK_TRUE(w.exit_ns(root) >= w.last_job_exec_ns());
  CHECK_TRUE(w.running_jobs().empty());
  int st;
  waitpid(root, &st, 0);
}

}  // namespace

TEST_GROUP(BenchProcessWatch){};

TEST(BenchProcessWatch, ConnectorFollowsATree) {
  PMTR_REQUIRE_ROOT();
  ProcessWatch w;
  w.open();
  if (!w.precise()) PMTR_SKIP("process-events connector unavailable here");
  follow_a_tree(w);
  CHECK_FALSE(w.lost());
}

TEST(BenchProcessWatch, PollingFallbackFollowsATree) {
  ProcessWatch w;
  w.open(false);
  CHECK_FALSE(w.precise());
  follow_a_tree(w);
}

TEST(BenchProcessWatch, HelpersAreNotJobs) {
  ProcessWatch w;
  w.open(false);
  w.set_helpers({"sh", "dash", "bash"});
  const pid_t root = start_tree();
  w.follow(root);
  CHECK_TRUE(w.wait_until([&] { return w.exit_ns(root) != 0; }, now_ns() + 10000000000u));
  LONGS_EQUAL(0, w.job_execs());
  int st;
  waitpid(root, &st, 0);
}

TEST(BenchProcessWatch, JobRuleFindsGrandchildrenByExecutable) {
  // As under runsv or s6-supervise: the job is a grandchild, a shell that
  // execs the sleep: counted once, by the sleep's exec.
  ProcessWatch w;
  w.open(false);
  w.set_job_rule(2, {"sleep"});
  const pid_t root = start_tree();
  w.follow(root);
  CHECK_TRUE(w.wait_until([&] { return w.exit_ns(root) != 0; }, now_ns() + 10000000000u));
  LONGS_EQUAL(1, w.job_execs());
  int st;
  waitpid(root, &st, 0);
}
