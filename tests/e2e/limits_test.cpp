// `limit memory|swap|tasks|cpu` end to end (pmtr.conf(5), pmtr(8)
// CGROUPS).  Hosts differ in which controllers their cgroup v2 tree
// offers (a hybrid host may offer none), so each test asks the test's own
// cgroup, as pmtr does for its subtree: where the controller is there the
// limit must be in the job's cgroup and hold; where it is not the job must
// be `failed` with the documented message.  Both paths are asserted, never
// skipped; only the OOM test needs the memory controller.
#include <unistd.h>

#include <string>

#include "tests/support/cgroup_support.hpp"
#include "tests/support/control_client.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Forks children that sleep until a fork fails, then prints how many it
// made and the error ("4 Resource temporarily unavailable").
constexpr const char* kForkScript =
    "$| = 1; my $n = 0;\n"
    "while ($n < 20) {\n"
    "  my $p = fork;\n"
    "  if (!defined $p) { print \"$n $!\\n\"; last }\n"
    "  if ($p == 0) { sleep 1000; exit 0 }\n"
    "  $n++;\n"
    "}\n"
    "print \"$n\\n\" if $n == 20;\n"
    "sleep 1000;\n";

}  // namespace

TEST_GROUP(Limits) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
  // Whether pmtr's subtree (made in the test's cgroup) can have it.
  static bool offered(const std::string& controller) {
    return cgroup_has_controller(cgroup_dir_of(getpid()), controller);
  }
  // The refusal the issue and pmtr(8) document.
  static std::string missing(const std::string& job, const std::string& option, const std::string& controller,
                             const Pmtr& pmtr) {
    return "job " + job + ": limit " + option + ": the " + controller + " controller is not available in " +
           pmtr_subtree(pmtr.pid()) + "; it stays down (failed)";
  }
};

#define PMTR_REQUIRE_CGROUPS()                                                          \
  do {                                                                                  \
    PMTR_REQUIRE_ROOT();                                                                \
    if (!cgroups_writable()) PMTR_SKIP("no writable cgroup v2 below the test's cgroup"); \
  } while (0)

TEST(Limits, TasksStopsTheSixthForkOrFailsWithoutThePidsController) {
  PMTR_REQUIRE_CGROUPS();
  const std::string script = dir.file("fork.pl");
  write_file(script, kForkScript);
  write_file(conf, job("t", "/usr/bin/perl " + script, "  limit tasks 5\n  dir " + dir.path() + "\n  out t.out\n") +
                       job("free", "/usr/bin/perl " + script, "  dir " + dir.path() + "\n  out free.out\n"));
  Pmtr pmtr(conf);
  // Without a limit every fork works (the baseline).
  CHECK(poll_until([&] { return !read_file(dir.file("free.out")).empty(); }, 5000ms));
  STRCMP_EQUAL("20\n", read_file(dir.file("free.out")).c_str());
  if (!offered("pids")) {
    std::printf("\nLimits: no pids controller in %s: asserting the refusal\n", cgroup_dir_of(getpid()).c_str());
    CHECK_TEXT(pmtr.wait_log(missing("t", "tasks", "pids", pmtr), 5000ms), pmtr.log().c_str());
    CHECK_EQUAL(-1, pmtr.job_pid("t"));
    return;
  }
  const pid_t t = pmtr.wait_job("t", 5000ms);
  CHECK(t > 0);
  STRCMP_EQUAL("5", trimmed(read_file(pmtr_subtree(pmtr.pid()) + "/job.t/pids.max")).c_str());
  // The job itself is the first task; its fifth child would be the sixth.
  CHECK(poll_until([&] { return !read_file(dir.file("t.out")).empty(); }, 5000ms));
  STRCMP_EQUAL("4 Resource temporarily unavailable\n", read_file(dir.file("t.out")).c_str());
}

TEST(Limits, MemoryAndSwapAreWrittenOrFailWithoutTheMemoryController) {
  PMTR_REQUIRE_CGROUPS();
  write_file(conf, job("m", "/bin/sleep 1451", "  limit memory 64M\n") +
                       job("ms", "/bin/sleep 1452", "  limit memory 64M\n  limit swap 16M\n"));
  Pmtr pmtr(conf);
  if (!offered("memory")) {
    std::printf("\nLimits: no memory controller in %s: asserting the refusal\n", cgroup_dir_of(getpid()).c_str());
    CHECK_TEXT(pmtr.wait_log(missing("m", "memory", "memory", pmtr), 5000ms), pmtr.log().c_str());
    CHECK(pmtr.wait_log(missing("ms", "memory", "memory", pmtr), 5000ms));
    CHECK_EQUAL(-1, pmtr.job_pid("m"));
    return;
  }
  CHECK(pmtr.wait_job("m", 5000ms) > 0);
  CHECK(pmtr.wait_job("ms", 5000ms) > 0);
  const std::string base = pmtr_subtree(pmtr.pid());
  STRCMP_EQUAL("67108864", trimmed(read_file(base + "/job.m/memory.max")).c_str());
  STRCMP_EQUAL("67108864", trimmed(read_file(base + "/job.ms/memory.max")).c_str());
  // Swap accounting is optional in the kernel: checked where it exists.
  const std::string swap = trimmed(read_file(base + "/job.m/memory.swap.max"));
  if (!swap.empty()) {
    STRCMP_EQUAL("0", swap.c_str());
    STRCMP_EQUAL("16777216", trimmed(read_file(base + "/job.ms/memory.swap.max")).c_str());
  }
}

TEST(Limits, CpuIsAQuotaOrFailsWithoutTheCpuController) {
  PMTR_REQUIRE_CGROUPS();
  write_file(conf, job("c", "/bin/sleep 1461", "  limit cpu 50%\n") + job("c2", "/bin/sleep 1462", "  limit cpu 150%\n"));
  Pmtr pmtr(conf);
  if (!offered("cpu")) {
    std::printf("\nLimits: no cpu controller in %s: asserting the refusal\n", cgroup_dir_of(getpid()).c_str());
    CHECK_TEXT(pmtr.wait_log(missing("c", "cpu", "cpu", pmtr), 5000ms), pmtr.log().c_str());
    CHECK_EQUAL(-1, pmtr.job_pid("c"));
    return;
  }
  CHECK(pmtr.wait_job("c", 5000ms) > 0);
  CHECK(pmtr.wait_job("c2", 5000ms) > 0);
  const std::string base = pmtr_subtree(pmtr.pid());
  STRCMP_EQUAL("50000 100000", trimmed(read_file(base + "/job.c/cpu.max")).c_str());
  STRCMP_EQUAL("150000 100000", trimmed(read_file(base + "/job.c2/cpu.max")).c_str());
}

TEST(Limits, AnOomKillIsLoggedAsSuch) {
  PMTR_REQUIRE_CGROUPS();
  if (!offered("memory")) PMTR_SKIP("no memory controller in the test's cgroup v2: no OOM killer per cgroup");
  // 256 MiB of touched memory under a 32 MiB limit without swap.
  write_file(conf, job("hog", "/usr/bin/perl -e \"my $x = 'a' x (256 << 20); sleep 1000\"",
                       "  limit memory 32M\n  limit swap 0\n"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_job("hog", 5000ms) > 0);
  CHECK_TEXT(pmtr.wait_log("job hog: killed by the OOM killer", 10000ms), pmtr.log().c_str());
}

// The figures of the job's cgroup reach `pmtrctl status --json`.
TEST(Limits, StatusShowsTheCgroupsFigures) {
  PMTR_REQUIRE_CGROUPS();
  write_file(conf, job("busy", "/bin/sh -c \"i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exec sleep 1471\""));
  Pmtr pmtr(conf);
  const pid_t p = pmtr.wait_job("busy", 5000ms);
  CHECK(poll_until([&] { return proc_cmdline(p) == "sleep 1471"; }, 10000ms));
  std::string out;
  CHECK_EQUAL(0, run_command({build_dir() + "/pmtrctl", "-s", pmtr.control_socket(), "status", "--json"}, &out));
  const size_t at = out.find("\"cgroup\":{");
  CHECK_TEXT(at != std::string::npos, out.c_str());
  if (at == std::string::npos) return;
  const size_t cpu = out.find("\"cpu_usec\":", at);
  CHECK_TEXT(cpu != std::string::npos, out.c_str());
  // The loop took CPU time, charged to the job's cgroup.
  CHECK_TEXT(std::strtoull(out.c_str() + cpu + 11, nullptr, 10) > 0, out.c_str());
  // A plain status (the table's request) does not read them.
  const CtlExchange plain = ctl(pmtr.control_socket(), CtlStatusRequest{{"busy"}});
  const JobStatus* s = find_status(plain, "busy");
  CHECK(s != nullptr && !s->has_cgroup);
  const CtlExchange figures = ctl(pmtr.control_socket(), CtlStatusRequest{{"busy"}, true});
  s = find_status(figures, "busy");
  CHECK(s != nullptr && s->has_cgroup);
}
