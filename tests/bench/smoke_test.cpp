// make bench itself is not part of make test, but a one-repetition smoke
// run with small N is: every scenario must produce numbers (a missed target
// is a result; a scenario that cannot be measured is a failure).
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "bench/launch.hpp"
#include "bench/proc_tree.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::bench;

TEST_GROUP(BenchSmoke){};

TEST(BenchSmoke, QuickRunMeasuresEveryScenario) {
  PMTR_REQUIRE_ROOT();
  const std::string build = pmtr::test::build_dir();
  const std::string bench = build + "/bench/bench";
  if (access(bench.c_str(), X_OK) != 0) PMTR_SKIP("bench driver not built");
  TempDir dir;
  Launch how;
  how.argv = {bench, "--build", build, "--quick"};
  how.output = dir.file("bench.out");
  int status = 0;
  (void)run_timed(how, &status);
  const std::string out = slurp(how.output);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) UT_PRINT(out.c_str());
  CHECK_TRUE(WIFEXITED(status));
  LONGS_EQUAL(0, WEXITSTATUS(status));
  for (const char* scenario : {"1 cold start", "2 restart", "3 reload", "4 idle", "5 memory", "6 shutdown", "7 storm",
                               "8 config check"})
    CHECK_TEXT(out.find(std::string("| ") + scenario) != std::string::npos, scenario);
  CHECK_TRUE(out.find("VOID") == std::string::npos);
  CHECK_TRUE(out.find("targets: ") != std::string::npos);
}
