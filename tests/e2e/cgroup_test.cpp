// cgroup v2 end to end (pmtr(8) CGROUPS): pmtr's subtree and its
// `supervisor` leaf, a job in `job.NAME` from its first instruction, an
// escaped double-forked daemon ended with its job (and counted in the
// log), the job's cgroup and pmtr's subtree removed, leftovers ended
// before a restart.  Limits are in limits_test.cpp, the fallback without
// cgroups in cgroup_fallback_test.cpp.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tests/support/cgroup_support.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

// A daemon as init scripts make one: a subshell that exits at once (the
// double fork) starts a new session (setsid) that ignores SIGTERM, so
// neither the job's process group nor its stop signal reach it.  It writes
// its pid to PIDFILE; then the script does `rest`.
std::string daemon_script(const std::string& pidfile, const std::string& tag, const std::string& rest) {
  return "( /usr/bin/setsid /bin/sh -c 'trap \"\" TERM; echo $$ > " + pidfile + ".tmp; mv " + pidfile +
         ".tmp " + pidfile + "; exec /bin/sleep " + tag + "' & )\n" + rest + "\n";
}

pid_t read_pid(const std::string& path) {
  pid_t p = -1;
  poll_until([&] {
    p = static_cast<pid_t>(std::atoi(read_file(path).c_str()));
    return p > 0;
  }, 5000ms);
  return p;
}

}  // namespace

TEST_GROUP(Cgroup) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
  // Prints the reason and returns false when this host gives pmtr no
  // cgroups to make.
  bool usable() {
    if (geteuid() != 0) return false;
    return cgroups_writable();
  }
};

#define PMTR_REQUIRE_CGROUPS()                                                  \
  do {                                                                          \
    PMTR_REQUIRE_ROOT();                                                        \
    if (!usable()) PMTR_SKIP("no writable cgroup v2 below the test's cgroup"); \
  } while (0)

TEST(Cgroup, JobRunsInItsOwnCgroupFromItsFirstInstruction) {
  PMTR_REQUIRE_CGROUPS();
  const std::string seen = dir.file("seen");
  // cat is forked by the job's shell before anything else: it is where
  // the shell was at its first instruction.
  write_file(conf, job("web", "/bin/sh -c \"cat /proc/self/cgroup > " + seen + "; exec /bin/sleep 1401\"") +
                       job("a/b%c", "/bin/sleep 1402"));
  Pmtr pmtr(conf);
  const pid_t web = pmtr.wait_job("web", 5000ms), odd = pmtr.wait_job("a/b%c", 5000ms);
  CHECK(poll_until([&] { return proc_cmdline(web) == "/bin/sleep 1401"; }, 5000ms));
  CHECK(poll_until([&] { return proc_cmdline(odd) == "/bin/sleep 1402"; }, 5000ms));

  const std::string base = pmtr_subtree(pmtr.pid());
  const std::string rel = base.substr(cgroup2_mount().size());
  CHECK_TEXT(pmtr.wait_log("jobs run in cgroups under " + base, 1000ms), pmtr.log().c_str());
  STRCMP_EQUAL((rel + "/supervisor").c_str(), proc_cgroup(pmtr.pid()).c_str());
  // The parser is pmtr's: in `supervisor` too, never in a job's cgroup.
  STRCMP_EQUAL((rel + "/supervisor").c_str(), proc_cgroup(pmtr.parser_pid()).c_str());
  STRCMP_EQUAL((rel + "/job.web").c_str(), proc_cgroup(web).c_str());
  CHECK(read_file(seen).find("0::" + rel + "/job.web\n") != std::string::npos);
  // '/' and '%' escaped, so every name is one directory.
  STRCMP_EQUAL((rel + "/job.a%2Fb%25c").c_str(), proc_cgroup(odd).c_str());
  CHECK(exists(base + "/job.a%2Fb%25c/cgroup.procs"));

  // A clean exit leaves nothing behind.
  CHECK(WIFEXITED(pmtr.stop()));
  CHECK_FALSE(exists(base));
}

TEST(Cgroup, EscapedDaemonEndsWithItsJobAndTheLogCountsIt) {
  PMTR_REQUIRE_CGROUPS();
  const std::string pidfile = dir.file("daemon.pid"), script = dir.file("d.sh");
  write_file(script, daemon_script(pidfile, "1411", "exec /bin/sleep 1412"));
  write_file(conf, job("web", "/bin/sh " + script, "  stop timeout 300ms\n") + job("other", "/bin/sleep 1413"));
  Pmtr pmtr(conf);
  const pid_t web = pmtr.wait_job("web", 5000ms);
  const pid_t daemon = read_pid(pidfile);
  CHECK(daemon > 0);
  CHECK(poll_until([&] { return proc_cmdline(daemon) == "/bin/sleep 1411"; }, 5000ms));
  // Preconditions: out of the job's session and process group, a child
  // of no process of the job.
  CHECK_EQUAL(daemon, getsid(daemon));
  CHECK(getpgid(daemon) != web);
  CHECK(parent_of(daemon) != web);
  const std::string cg = pmtr_subtree(pmtr.pid()) + "/job.web";
  STRCMP_EQUAL(cgroup_dir_of(web).c_str(), cg.c_str());
  STRCMP_EQUAL(cg.c_str(), cgroup_dir_of(daemon).c_str());

  // Removed from the config: the job goes, and all of it.
  write_file(conf, job("other", "/bin/sleep 1413"));
  CHECK_TEXT(pmtr.wait_log("job web: 1 process left in its cgroup after [" + std::to_string(web) + "] exited",
                           5000ms),
             pmtr.log().c_str());
  CHECK(poll_until([&] { return !process_alive(daemon); }, 5000ms));
  CHECK(poll_until([&] { return !exists(cg); }, 5000ms));
  CHECK(process_alive(pmtr.job_pid("other")));
}

TEST(Cgroup, ShutdownEndsEscapedDaemonsAndRemovesTheSubtree) {
  PMTR_REQUIRE_CGROUPS();
  const std::string pidfile = dir.file("daemon.pid"), script = dir.file("d.sh");
  write_file(script, daemon_script(pidfile, "1421", "exec /bin/sleep 1422"));
  write_file(conf, job("web", "/bin/sh " + script, "  stop timeout 300ms\n"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_job("web", 5000ms) > 0);
  const pid_t daemon = read_pid(pidfile);
  CHECK(poll_until([&] { return proc_cmdline(daemon) == "/bin/sleep 1421"; }, 5000ms));
  const std::string base = pmtr_subtree(pmtr.pid());
  CHECK(exists(base + "/job.web"));
  const int st = pmtr.stop();
  CHECK(WIFEXITED(st));
  CHECK_FALSE(process_alive(daemon));
  CHECK_FALSE(exists(base));
}

// A job whose main process exits on its own (a forking daemon's starter)
// restarts only once what it left in its cgroup is gone: the new process
// never shares the cgroup with the old run's.
TEST(Cgroup, LeftoversAreEndedBeforeTheJobRestarts) {
  PMTR_REQUIRE_CGROUPS();
  const std::string pidfile = dir.file("daemon.pid"), script = dir.file("d.sh");
  // The first run leaves a daemon and exits; later runs stay.
  write_file(script, "if [ -e " + pidfile + " ]; then exec /bin/sleep 1432; fi\n" +
                         daemon_script(pidfile, "1431",
                                       "while [ ! -e " + pidfile + " ]; do :; done; exit 3"));
  write_file(conf, job("fork", "/bin/sh " + script, "  stop timeout 300ms\n  backoff 1s to 1s\n"));
  Pmtr pmtr(conf);
  const pid_t first = pmtr.wait_job("fork", 5000ms);
  const pid_t daemon = read_pid(pidfile);
  CHECK(daemon > 0);
  const pid_t second = pmtr.wait_new_pid("fork", first, 10000ms);
  CHECK(second > 0);
  // The daemon was gone before the second run started.
  CHECK_FALSE(process_alive(daemon));
  // How many: the daemon, and maybe the `mv` it ran a moment ago.
  CHECK_TEXT(pmtr.count_log(" left in its cgroup after [" + std::to_string(first) + "] exited; stopping") == 1,
             pmtr.log().c_str());
  CHECK_TEXT(poll_until([&] { return proc_cmdline(second) == "/bin/sleep 1432"; }, 5000ms), pmtr.log().c_str());
  STRCMP_EQUAL((pmtr_subtree(pmtr.pid()) + "/job.fork").c_str(), cgroup_dir_of(second).c_str());
}

// A `once` job that starts a daemon and exits (an init script's `start`):
// the daemon outlives the job's exit, as it always did, but not the job's
// removal.
TEST(Cgroup, ADoneJobsDaemonLivesUntilTheJobIsRemoved) {
  PMTR_REQUIRE_CGROUPS();
  const std::string pidfile = dir.file("daemon.pid"), script = dir.file("d.sh");
  write_file(script, daemon_script(pidfile, "1441", "while [ ! -e " + pidfile + " ]; do :; done; exit 0"));
  write_file(conf, job("init", "/bin/sh " + script, "  once\n  stop timeout 300ms\n") + job("other", "/bin/sleep 1442"));
  Pmtr pmtr(conf);
  const pid_t first = pmtr.wait_job("init", 5000ms);
  const pid_t daemon = read_pid(pidfile);
  CHECK(daemon > 0);
  CHECK(pmtr.wait_log("job init will not be restarted (once)", 5000ms));
  CHECK(poll_until([&] { return proc_cmdline(daemon) == "/bin/sleep 1441"; }, 5000ms));
  CHECK_EQUAL(0, pmtr.count_log("left in its cgroup"));
  const std::string cg = pmtr_subtree(pmtr.pid()) + "/job.init";
  STRCMP_EQUAL(cg.c_str(), cgroup_dir_of(daemon).c_str());

  write_file(conf, job("other", "/bin/sleep 1442"));
  CHECK_TEXT(pmtr.wait_log("job init: 1 process left in its cgroup by its last run; stopping it", 5000ms),
             pmtr.log().c_str());
  CHECK(poll_until([&] { return !process_alive(daemon); }, 5000ms));
  CHECK(poll_until([&] { return !exists(cg); }, 5000ms));
  CHECK(first > 0);
}
