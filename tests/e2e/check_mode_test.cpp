// `pmtr -t` end to end (pmtr(8) EXIT STATUS, pmtr.conf(5) DIAGNOSTICS):
// exit status, diagnostics and the summary line, through the real
// sandboxed parser.
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <sstream>

#include "tests/support/cgroup_support.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

struct Run {
  int status = -1;
  std::string out;
  double seconds = 0;
};

Run check(const std::string& conf, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{pmtr_bin(), "-t", "-c", conf};
  argv.insert(argv.end(), extra.begin(), extra.end());
  Run r;
  const auto t0 = std::chrono::steady_clock::now();
  r.status = run_command(argv, &r.out);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::vector<std::string> list_confs(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 5 && n.compare(n.size() - 5, 5, ".conf") == 0) out.push_back(dir + "/" + n);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

}  // namespace

TEST_GROUP(CheckMode) {
  TempDir dir;
};

TEST(CheckMode, ValidSampleConfigsPass) {
  const auto confs = list_confs("tests/configs/valid");
  CHECK(!confs.empty());
  for (const auto& c : confs) {
    const Run r = check(c);
    if (r.status != 0) FAIL((c + ":\n" + r.out).c_str());
    CHECK(r.out.find("pmtr: " + c + ": ok (") != std::string::npos);
  }
}

TEST(CheckMode, InvalidSampleConfigsFailWithExactDiagnostics) {
  const auto confs = list_confs("tests/configs/invalid");
  CHECK(!confs.empty());
  for (const auto& c : confs) {
    const Run r = check(c);
    if (r.status != 1) FAIL((c + ": status " + std::to_string(r.status) + "\n" + r.out).c_str());
    CHECK(r.out.find("pmtr: " + c + ": parse failed (") != std::string::npos);
    const std::string expected_path = c.substr(0, c.size() - 5) + ".expected";
    std::istringstream expected(read_file(expected_path));
    std::string line;
    while (std::getline(expected, line)) {
      if (line.empty()) continue;
      const std::string want = replace_all(line, "FILE", c);
      if (r.out.find(want) == std::string::npos)
        FAIL((c + ": missing diagnostic\n  " + want + "\ngot:\n" + r.out).c_str());
    }
  }
}

TEST(CheckMode, SummaryAndExitStatus) {
  const std::string conf = dir.file("a.conf");
  write_file(conf, "job {\n  name a\n  cmd /bin/true\n}\njob {\n  name b\n  cmd /bin/true\n}\n");
  Run r = check(conf);
  CHECK_EQUAL(0, r.status);
  CHECK(r.out.find("pmtr: " + conf + ": ok (2 jobs)") != std::string::npos);

  write_file(conf, "job {\n  nmae a\n  cmd bin/true\n}\n");
  r = check(conf);
  CHECK_EQUAL(1, r.status);
  CHECK(r.out.find(conf + ":2:3: error: unknown option 'nmae' (did you mean 'name'?)") != std::string::npos);
  CHECK(r.out.find(conf + ":3:7: error:") != std::string::npos);   // every error, not only the first
  CHECK(r.out.find("pmtr: " + conf + ": parse failed (") != std::string::npos);
}

TEST(CheckMode, EmptyFileIsValid) {
  const std::string conf = dir.file("empty.conf");
  write_file(conf, "");
  const Run r = check(conf);
  CHECK_EQUAL(0, r.status);
  CHECK(r.out.find("ok (0 jobs)") != std::string::npos);
}

TEST(CheckMode, UnreadableAndUsageExitTwo) {
  Run r = check(dir.file("missing.conf"));
  CHECK_EQUAL(2, r.status);
  CHECK(r.out.find("missing.conf") != std::string::npos);
  CHECK(r.out.find("No such file or directory") != std::string::npos);
  r = check(dir.path());   // a directory
  CHECK_EQUAL(2, r.status);
  std::string out;
  CHECK_EQUAL(2, run_command({pmtr_bin(), "-t", "-x"}, &out));
  CHECK_EQUAL(2, run_command({pmtr_bin(), "-t", "extra-arg"}, &out));
}

TEST(CheckMode, HelpAndVersion) {
  std::string out;
  CHECK_EQUAL(0, run_command({pmtr_bin(), "-h"}, &out));
  CHECK(out.find("usage: pmtr") != std::string::npos);
  out.clear();
  CHECK_EQUAL(0, run_command({pmtr_bin(), "-V"}, &out));
  CHECK(out.rfind("pmtr ", 0) == 0);
}

TEST(CheckMode, HostFactsAreWarnings) {
  const std::string conf = dir.file("host.conf");
  write_file(conf,
             "job {\n  name a\n  cmd /nonexistent/bin/demux\n  dir /nonexistent/dir\n  user nosuchuser_pmtr\n}\n");
  const Run r = check(conf);
  CHECK_EQUAL(0, r.status);
  CHECK(r.out.find(conf + ":3:7: warning: job 'a': cmd /nonexistent/bin/demux: No such file or directory") !=
        std::string::npos);
  CHECK(r.out.find(conf + ":4:7: warning: job 'a': dir /nonexistent/dir does not exist") != std::string::npos);
  CHECK(r.out.find(conf + ":5:8: warning: job 'a': user 'nosuchuser_pmtr' does not exist") != std::string::npos);
  CHECK(r.out.find("ok (1 job)") != std::string::npos);
}

TEST(CheckMode, OwnershipIsOnlyAWarning) {
  const std::string conf = dir.file("gw.conf");
  write_file(conf, "job {\n  name a\n  cmd /bin/true\n}\n", 0666);
  const Run r = check(conf);
  CHECK_EQUAL(0, r.status);
  CHECK(r.out.find(conf + ": warning: " + conf + " is writable by others") != std::string::npos);
}

TEST(CheckMode, HostileInputsFailCleanlyAndFast) {
  const std::string conf = dir.file("bad.conf");
  std::string one_mib_line(1 << 20, 'x');
  std::string nul_bytes(4096, '\0');
  std::string nested;
  for (int i = 0; i < 10000; ++i) nested += "{\n";
  std::string random(1 << 16, '\0');
  std::mt19937 rng(42);
  for (auto& c : random) c = static_cast<char>(rng());
  const std::pair<const char*, std::string> cases[] = {
      {"1 MiB line", one_mib_line}, {"NUL bytes", nul_bytes}, {"nested braces", nested}, {"random bytes", random}};
  for (const auto& [what, text] : cases) {
    write_file(conf, text);
    const Run r = check(conf);
    if (r.status != 1) FAIL((std::string(what) + ": status " + std::to_string(r.status)).c_str());
    CHECK(r.out.find("parse failed") != std::string::npos);
    CHECK(r.out.find(conf + ":1:") != std::string::npos || r.out.find(conf + ": error") != std::string::npos);
    // "Well under a second"; a generous bound that still catches a hang or
    // quadratic blow-up (timing targets themselves live in make bench).
    CHECK(r.seconds < 5.0);
  }
}

TEST(CheckMode, OneErrorIsSingularInTheSummary) {
  const std::string conf = dir.file("one.conf");
  write_file(conf, "job {\n  name a\n  cmd /bin/true\n  nmae b\n}\n");
  const Run r = check(conf);
  CHECK_EQUAL(1, r.status);
  CHECK(r.out.find("pmtr: " + conf + ": parse failed (1 error)\n") != std::string::npos);
  CHECK(r.out.find("(1 errors)") == std::string::npos);
}

TEST(CheckMode, LifecycleOptionDiagnostics) {
  const std::string conf = dir.file("policy.conf");
  write_file(conf,
             "job {\n  name a\n  cmd /bin/true\n  stop signal TREM\n  backoff 5m to 1s\n  wait ready\n"
             "  kill_signal TERM\n  stop timeout 30 s\n}\n");
  const Run r = check(conf);
  CHECK_EQUAL(1, r.status);
  const char* want[] = {
      ":4:15: error: unknown signal 'TREM' (did you mean 'TERM'?)",
      ":5:17: error: backoff maximum '1s' is below its minimum '5m'",
      ":6:3: error: 'wait ready' needs a 'ready fd' in the same job",
      ":7:3: error: unknown option 'kill_signal' (did you mean 'stop signal'?)",
      ":8:16: error: duration '30' has no unit (write '30s', without a space)",
  };
  for (const char* w : want)
    if (r.out.find(conf + w) == std::string::npos) FAIL((std::string("missing: ") + w + "\ngot:\n" + r.out).c_str());
  CHECK(r.out.find("pmtr: " + conf + ": parse failed (5 errors)") != std::string::npos);
}

TEST(CheckMode, LifecycleOptionsPassTheMonitorsChecks) {
  // The monitor re-checks every job it receives (check_policy): a policy
  // the parser accepts must not read as a protocol violation.
  const std::string conf = dir.file("ok.conf");
  write_file(conf,
             "job {\n  name a\n  cmd /bin/true\n  restart on-failure\n  backoff 1s to 30d\n  stable after 1ms\n"
             "  give up after 1000 in 30d\n  stop signal RTMAX\n  stop timeout 0s\n  ready fd 1023\n"
             "  ready timeout 30d\n  wait ready\n}\n");
  const Run r = check(conf);
  if (r.status != 0) FAIL(r.out.c_str());
  CHECK(r.out.find("ok (1 job)") != std::string::npos);
}

TEST(CheckMode, MissingBraceOfAnInnerBlockIsReportedAtThatBlock) {
  const std::string conf = dir.file("brace.conf");
  write_file(conf,
             "job {\n  name a\n  cmd /bin/true\n  ulimit {\n    -n 64\n}\n"
             "job {\n  name b\n  cmd /bin/true\n}\n");
  const Run r = check(conf);
  CHECK_EQUAL(1, r.status);
  CHECK(r.out.find(conf + ":4:3: error: unterminated 'ulimit' block (missing '}': the '}' at line 6 closes this "
                          "block, which leaves job 'a' open)") != std::string::npos);
  CHECK(r.out.find(conf + ":1:1:") == std::string::npos);
  CHECK(r.out.find("parse failed (1 error)") != std::string::npos);
}

TEST(CheckMode, OneJobIsSingularInTheSummary) {
  const std::string conf = dir.file("one-job.conf");
  write_file(conf, "job {\n  name a\n  cmd /bin/true\n}\n");
  const Run r = check(conf);
  CHECK_EQUAL(0, r.status);
  CHECK_TEXT(r.out.find("pmtr: " + conf + ": ok (1 job)\n") != std::string::npos, r.out.c_str());
  CHECK(r.out.find("(1 jobs)") == std::string::npos);
}

TEST(CheckMode, ConfinementOptionDiagnostics) {
  const std::string conf = dir.file("confine.conf");
  write_file(conf,
             "log rotate 512k keep 3\ncontrol status alice\n"
             "job {\n  name a\n  cmd /bin/true\n  caps CAP_NET_BIND_SERVIC\n  limit cpu 150\n  limit pids 5\n"
             "  groups adm none\n  MemoryMax 1G\n  out o\n  err e\n  log\n}\n");
  const Run r = check(conf);
  CHECK_EQUAL(1, r.status);
  const char* want[] = {
      ":1:12: error: invalid size '512k' (units are K, M, G and T, uppercase, powers of 1024: did you mean '512K'?)",
      ":2:16: error: expected 'everyone' or 'users' after 'control status', got 'alice' (did you mean 'control "
      "status users alice'?)",
      ":6:8: error: unknown capability 'CAP_NET_BIND_SERVIC' (did you mean 'CAP_NET_BIND_SERVICE'?)",
      ":7:13: error: cpu limit '150' needs a '%' (write '150%': a percentage of one CPU)",
      ":8:9: error: expected 'memory', 'swap', 'tasks' or 'cpu' after 'limit', got 'pids' (did you mean 'tasks'?)",
      ":9:14: error: 'none' must stand alone (it means no groups)",
      ":10:3: error: unknown option 'MemoryMax' (did you mean 'limit memory'?)",
      ":13:3: warning: 'log' captures nothing here: the job's stdout goes to 'out' and its stderr to 'err'",
  };
  for (const char* w : want)
    if (r.out.find(conf + w) == std::string::npos) FAIL((std::string("missing: ") + w + "\ngot:\n" + r.out).c_str());
  CHECK(r.out.find("pmtr: " + conf + ": parse failed (7 errors)") != std::string::npos);
}

TEST(CheckMode, ConfinementOptionsPassTheMonitorsChecks) {
  // The monitor re-checks every job and the globals it receives
  // (check_job, check_globals): what the parser accepts at the bounds must
  // not read as a protocol violation.
  const std::string conf = dir.file("confine-ok.conf");
  write_file(conf,
             "log to stderr\nlog rotate 1024T keep 10000\nlog all\ncontrol socket none\n"
             "control status everyone\ncontrol operate users root\n"
             "job {\n  name a\n  cmd /bin/true\n  umask 0777\n  group root\n  groups none\n  caps 0 1 2 CAP_SYS_NICE\n"
             "  nonewprivs\n  limit memory 1024T\n  limit swap 0\n  limit tasks 4194304\n  limit cpu 102400%\n"
             "  log\n  operators root @root\n}\n");
  const Run r = check(conf);
  if (r.status != 0) FAIL(r.out.c_str());
  CHECK_TEXT(r.out.find("ok (1 job)") != std::string::npos, r.out.c_str());
  // The only warnings a host may add: the cgroup controllers it lacks
  // (CheckMode.MissingCgroupControllersAreWarnings).
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (line.find("warning") != std::string::npos)
      CHECK_TEXT(line.find(" controller is not available in ") != std::string::npos, r.out.c_str());
}

// `limit` needs a controller pmtr's cgroup offers: a host fact, warned
// about where it is missing (and only there).
TEST(CheckMode, MissingCgroupControllersAreWarnings) {
  const std::string conf = dir.file("limits.conf");
  write_file(conf, "job {\n  name a\n  cmd /bin/true\n  limit memory 1G\n  limit tasks 5\n  limit cpu 50%\n}\n");
  const Run r = check(conf);
  CHECK_EQUAL(0, r.status);
  const std::string own = cgroup_dir_of(getpid());
  if (own.empty()) {
    CHECK_TEXT(r.out.find(conf + ":1:1: warning: job 'a': limit memory: no cgroup v2 hierarchy holds pmtr here") !=
                   std::string::npos,
               r.out.c_str());
    return;
  }
  for (const auto& [option, controller] : {std::pair<std::string, std::string>{"memory", "memory"},
                                           {"tasks", "pids"}, {"cpu", "cpu"}}) {
    const std::string w = conf + ":1:1: warning: job 'a': limit " + option + ": the " + controller +
                          " controller is not available in " + own;
    if (cgroup_has_controller(own, controller))
      CHECK_TEXT(r.out.find(w) == std::string::npos, r.out.c_str());
    else
      CHECK_TEXT(r.out.find(w) != std::string::npos, r.out.c_str());
  }
}

TEST(CheckMode, OperateEveryoneIsAWarning) {
  const std::string conf = dir.file("everyone.conf");
  write_file(conf, "control operate everyone\n");
  const Run r = check(conf);
  CHECK_EQUAL(0, r.status);
  CHECK_TEXT(r.out.find(conf + ":1:17: warning: 'control operate everyone' lets every user on this host start, stop, "
                               "restart and signal every job") != std::string::npos,
             r.out.c_str());
}

namespace {

// The highest capability number the running kernel knows, or -1.
int cap_last_cap() {
  const std::string text = read_file("/proc/sys/kernel/cap_last_cap");
  return text.empty() ? -1 : std::atoi(text.c_str());
}

}  // namespace

TEST(CheckMode, HostFactsOfConfinementAndAccessAreWarnings) {
  const std::string conf = dir.file("host-confine.conf");
  write_file(conf,
             "control status users nosuchuser_pmtr2 root\ncontrol operate users @nosuchgroup_pmtr3\n"
             "job {\n  name a\n  cmd /bin/true\n  group nosuchgroup_pmtr\n  groups root nosuchgroup_pmtr2\n"
             "  caps chown 63\n  operators root nosuchuser_pmtr @nosuchgroup_pmtr\n}\n");
  const Run r = check(conf);
  CHECK_EQUAL(0, r.status);
  const std::string at = conf + ":3:1: warning: job 'a': ";
  const std::string want[] = {
      at + "group 'nosuchgroup_pmtr' does not exist on this host",
      at + "groups: group 'nosuchgroup_pmtr2' does not exist on this host",
      at + "operators: user 'nosuchuser_pmtr' does not exist on this host",
      at + "operators: group 'nosuchgroup_pmtr' does not exist on this host",
      conf + ": warning: control status: user 'nosuchuser_pmtr2' does not exist on this host",
      conf + ": warning: control operate: group 'nosuchgroup_pmtr3' does not exist on this host",
  };
  for (const auto& w : want)
    if (r.out.find(w) == std::string::npos) FAIL(("missing: " + w + "\ngot:\n" + r.out).c_str());
  // Names that exist are not warned about.
  CHECK_TEXT(r.out.find("'root'") == std::string::npos, r.out.c_str());
  const int last = cap_last_cap();
  if (last >= 0 && last < 63)
    CHECK_TEXT(r.out.find(at + "capability 63 is not known to this kernel (its last is " + std::to_string(last) +
                          ", /proc/sys/kernel/cap_last_cap)") != std::string::npos,
               r.out.c_str());
  CHECK_TEXT(r.out.find("capability 0 ") == std::string::npos, r.out.c_str());
  CHECK(r.out.find("ok (1 job)") != std::string::npos);
}

TEST(CheckMode, ListenWithoutKeyIsAWarning) {
  const std::string conf = dir.file("listen.conf");
  write_file(conf, "listen on udp://127.0.0.1:10000\n");
  const Run r = check(conf);
  CHECK_EQUAL(0, r.status);
  CHECK_TEXT(r.out.find(conf + ":1:11: warning: listen on udp://127.0.0.1:10000 has no key: anyone who can send a "
                               "datagram to it can stop and start jobs (add 'key FILE', pmtr(8) SIGNED DATAGRAMS)") !=
                 std::string::npos,
             r.out.c_str());
  CHECK(r.out.find("ok (0 jobs)") != std::string::npos);
}

TEST(CheckMode, ListenKeyIsCheckedAsPmtrWouldCheckIt) {
  const std::string conf = dir.file("keyed.conf");
  const std::string key = dir.file("listen.key");
  write_file(conf, "listen on udp://127.0.0.1:10000 key " + key + "\n");
  write_file(key, std::string(32, 'k'), 0600);
  Run r = check(conf);
  CHECK_EQUAL(0, r.status);
  CHECK_TEXT(r.out.find("listen") == std::string::npos, r.out.c_str());
  CHECK(r.out.find("ok (0 jobs)") != std::string::npos);

  write_file(key, std::string(32, 'k'), 0644);
  r = check(conf);
  CHECK_EQUAL(1, r.status);
  CHECK_TEXT(r.out.find(conf + ": error: listen key " + key + ": mode 0644, must be 0600 or 0400") != std::string::npos,
             r.out.c_str());
  CHECK(r.out.find("pmtr: " + conf + ": check failed (listen key)") != std::string::npos);
  CHECK(r.out.find("ok (") == std::string::npos);

  write_file(key, std::string(31, 'k'), 0600);
  r = check(conf);
  CHECK_EQUAL(1, r.status);
  CHECK(r.out.find(conf + ": error: listen key " + key + ": 31 bytes, at least 32 needed") != std::string::npos);

  // A CI machine may lack the key: a host fact, a warning.
  ::unlink(key.c_str());
  r = check(conf);
  CHECK_EQUAL(0, r.status);
  CHECK_TEXT(r.out.find(conf + ": warning: listen key " + key + ": No such file or directory") != std::string::npos,
             r.out.c_str());
}

TEST(CheckMode, ListenKeyOfAnotherUserIsAnErrorForRoot) {
  PMTR_REQUIRE_ROOT();
  const std::string conf = dir.file("keyed.conf");
  const std::string key = dir.file("listen.key");
  write_file(conf, "listen on udp://127.0.0.1:10000 key " + key + "\n");
  write_file(key, std::string(32, 'k'), 0600);
  CHECK_EQUAL(0, ::chown(key.c_str(), 1000, 1000));
  const Run r = check(conf);
  CHECK_EQUAL(1, r.status);
  CHECK_TEXT(r.out.find(conf + ": error: listen key " + key + ": owned by uid 1000, not root") != std::string::npos,
             r.out.c_str());
}
