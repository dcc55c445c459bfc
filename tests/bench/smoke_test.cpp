// make bench itself is not part of make test, but a one-repetition smoke
// run with small N is: every scenario must produce numbers (a missed target
// is a result; a scenario that cannot be measured is a failure).
//
// The scenarios run in six groups, each its own bench run, so that
// tests/run_all.sh runs them side by side: one run of all of them takes
// some 50 s, longer than any other group, and would be the last to finish.
// Together the groups cover every scenario and every row of the table.
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "bench/launch.hpp"
#include "bench/proc_tree.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::bench;

namespace {

// `bench --quick --only SCENARIOS`: exits 0, prints each of `rows` in the
// results table, measures every target it has (no VOID).
void quick_run(const std::string& scenarios, const std::vector<std::string>& rows) {
  const std::string build = pmtr::test::build_dir();
  const std::string bench = build + "/bench/bench";
  if (access(bench.c_str(), X_OK) != 0) PMTR_SKIP("bench driver not built");
  TempDir dir;
  Launch how;
  how.argv = {bench, "--build", build, "--quick", "--only", scenarios};
  how.output = dir.file("bench.out");
  int status = 0;
  (void)run_timed(how, &status);
  const std::string out = slurp(how.output);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) UT_PRINT(out.c_str());
  CHECK_TRUE(WIFEXITED(status));
  LONGS_EQUAL(0, WEXITSTATUS(status));
  for (const auto& row : rows) CHECK_TEXT(out.find("| " + row) != std::string::npos, row.c_str());
  CHECK_TEXT(out.find("VOID") == std::string::npos, out.c_str());
  CHECK_TRUE(out.find("targets: ") != std::string::npos);
}

}  // namespace

TEST_GROUP(BenchSmokeStart){};
TEST(BenchSmokeStart, ColdStartReloadMemoryAndCheckAreMeasured) {
  PMTR_REQUIRE_ROOT();
  quick_run("check,start,reload,memory", {"1 cold start", "3 reload", "5 memory", "6 shutdown", "8 config check"});
}

TEST_GROUP(BenchSmokeRestart){};
TEST(BenchSmokeRestart, RestartIsMeasured) {
  PMTR_REQUIRE_ROOT();
  quick_run("restart", {"2 restart"});
}

// Shutdown with jobs that ignore SIGTERM (the 10 s grace period).
TEST_GROUP(BenchSmokeShutdown){};
TEST(BenchSmokeShutdown, ShutdownOfTermIgnoringJobsIsMeasured) {
  PMTR_REQUIRE_ROOT();
  quick_run("ignore", {"6 shutdown"});
}

TEST_GROUP(BenchSmokeIdle){};
TEST(BenchSmokeIdle, IdleIsMeasured) {
  PMTR_REQUIRE_ROOT();
  quick_run("idle", {"4 idle"});
}

TEST_GROUP(BenchSmokeStorm){};
TEST(BenchSmokeStorm, RestartStormIsMeasured) {
  PMTR_REQUIRE_ROOT();
  quick_run("storm", {"7 storm"});
}

// Log capture: pmtr-log's CPU with slow writers and its memory with idle
// jobs, pmtr alone (the peers, s6-log and svlogd, are for bench-peers;
// throughput is left out: flat out for seconds, and its bar is the peers').
TEST_GROUP(BenchSmokeLog){};
TEST(BenchSmokeLog, LogCpuAndMemoryAreMeasured) {
  PMTR_REQUIRE_ROOT();
  if (access((pmtr::test::build_dir() + "/pmtr-log").c_str(), X_OK) != 0) PMTR_SKIP("pmtr-log not built");
  quick_run("logcpu,logmemory", {"11 log CPU", "12 log memory"});
}
