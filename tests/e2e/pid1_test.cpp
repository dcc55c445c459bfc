// pmtr as process 1 of a PID namespace, what a container runs: there it
// must stay in the foreground without -F, reap the orphans the kernel hands
// it, pass its jobs' output to the container log, and on SIGTERM stop every
// process of the namespace before it exits.  Tested without docker, with
// `unshare --pid --fork --mount-proc` (docs/container.md); root only.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/e2e/install_support.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

// The process below `outer` that is pid 1 of its own namespace.
pid_t namespace_init(pid_t outer) {
  for (pid_t p : descendants(outer)) {
    if (parent_of(p) != outer) continue;
    const std::string ns = proc_status_field(p, "NSpid");   // "OUTER\tINNER"
    if (ns.size() > 2 && ns.compare(ns.size() - 2, 2, "\t1") == 0) return p;
  }
  return -1;
}

// Ends what a failed test left (by pid): pid 1 of a namespace takes the
// whole namespace with it.
struct UnshareGuard {
  pid_t pid = -1;
  bool reaped = false;
  ~UnshareGuard() {
    if (pid <= 0 || reaped) return;
    kill_tree(pid);
    int st;
    waitpid(pid, &st, 0);
  }
};

void drain(int fd, std::string& out) {
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
}

}  // namespace

TEST_GROUP(Pid1) {
  TempDir dir;
};

// `unshare --pid --fork --mount-proc pmtr -c CONF`: no -F, yet pmtr stays
// in the foreground as pid 1 (it logs to stderr and does not fork away);
// it becomes the parent of a job's orphan and reaps it; it runs a job
// whose `out /dev/stdout` reaches its own stdout (the container log); on
// SIGTERM from outside it stops its jobs and exits, and the namespace ends.
TEST(Pid1, ForegroundReapsOrphansAndStopsOnSigterm) {
  PMTR_REQUIRE_ROOT();
  const std::string unshare = tool("unshare");
  if (unshare.empty()) PMTR_SKIP("unshare is not installed (util-linux)");
  const std::string conf = dir.file("pmtr.conf"), log = dir.file("stderr.log");
  write_file(conf, job("orphaner", "/bin/sh -c \"/bin/sleep 100601 & exit 0\"", "  once\n") +
                       job("runner", "/bin/sleep 100602") +
                       job("talker", "/bin/echo pid1-job-output", "  out /dev/stdout\n  once\n"));
  const std::string pmtr = real_path(pmtr_bin());

  int p[2];
  CHECK_EQUAL(0, pipe2(p, O_CLOEXEC));
  std::vector<std::string> argv{unshare, "--pid", "--fork", "--mount-proc", pmtr, "-c", conf};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  UnshareGuard guard;
  guard.pid = fork();
  if (guard.pid == 0) {
    // stdout a pipe, as docker gives a container's pid 1.
    dup2(p[1], 1);
    const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    dup2(err, 2);
    const int null = ::open("/dev/null", O_RDONLY);
    dup2(null, 0);
    setpgid(0, 0);
    execv(args[0], args.data());
    _exit(127);
  }
  ::close(p[1]);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  std::string stdout_text;

  pid_t init = -1;
  CHECK(poll_until([&] { return (init = namespace_init(guard.pid)) > 0; }, 5000ms));
  CHECK(poll_until([&] { return contains(read_file(log), "started job runner ["); }, 5000ms));
  // Still the same process, still unshare's child: it did not daemonize.
  CHECK(process_alive(init));
  CHECK_EQUAL(guard.pid, parent_of(init));
  STRCMP_EQUAL((pmtr + " -c " + conf).c_str(), proc_cmdline(init).c_str());

  // The orphan's parent is pmtr once the shell has exited.
  pid_t orphan = -1;
  CHECK(poll_until([&] { return (orphan = find_descendant(init, "/bin/sleep 100601")) > 0; }, 5000ms));
  CHECK(poll_until([&] { return contains(read_file(log), "job orphaner will not be restarted (once)"); }, 5000ms));
  CHECK_EQUAL(init, parent_of(orphan));
  const pid_t runner = find_descendant(init, "/bin/sleep 100602");
  CHECK(runner > 0);

  // The job's stdout is pmtr's stdout.
  CHECK(poll_until([&] {
    drain(p[0], stdout_text);
    return contains(stdout_text, "pid1-job-output\n");
  }, 5000ms));

  // Killed, the orphan is reaped: no zombie remains.
  CHECK(process_alive(orphan));
  kill(orphan, SIGKILL);
  CHECK_TEXT(poll_until([&] { return !process_exists(orphan); }, 5000ms), "orphan left as a zombie");

  // SIGTERM from outside, to the namespace's pid 1 by its outer pid.
  kill(init, SIGTERM);
  int st = 0;
  const bool ended = poll_until([&] { return waitpid(guard.pid, &st, WNOHANG) == guard.pid; }, 20000ms);
  CHECK_TEXT(ended, read_file(log).c_str());
  if (ended) {
    guard.reaped = true;
    CHECK_TEXT(WIFEXITED(st) && WEXITSTATUS(st) == 0, read_file(log).c_str());
  }
  CHECK_FALSE(process_exists(runner));
  CHECK_FALSE(process_exists(init));
  const std::string text = read_file(log);
  CHECK_TEXT(contains(text, "shutting down on signal 15"), text.c_str());
  CHECK_TEXT(contains(text, "job runner [") && contains(text, "signal 15 (Terminated)"), text.c_str());
  CHECK_TEXT(contains(text, "all jobs stopped, exiting"), text.c_str());
  ::close(p[0]);
}

// As pid 1, shutdown reaches the orphans too: a daemon a job left behind
// gets SIGTERM (it records it), and pmtr exits only once it is gone.
TEST(Pid1, ShutdownSignalsOrphansAndWaitsForThem) {
  PMTR_REQUIRE_ROOT();
  const std::string unshare = tool("unshare");
  if (unshare.empty()) PMTR_SKIP("unshare is not installed (util-linux)");
  const std::string conf = dir.file("pmtr.conf"), log = dir.file("stderr.log");
  const std::string marker = dir.file("orphan-got-term");
  write_file(conf, job("orphaner",
                       "/bin/sh -c \"setsid /bin/sh -c 'trap \\\"touch " + marker +
                           "; exit 0\\\" TERM; while :; do sleep 1; done' & exit 0\"",
                       "  once\n"));
  const std::string pmtr = real_path(pmtr_bin());
  std::vector<std::string> argv{unshare, "--pid", "--fork", "--mount-proc", pmtr, "-c", conf};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  UnshareGuard guard;
  guard.pid = fork();
  if (guard.pid == 0) {
    const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    dup2(err, 1);
    dup2(err, 2);
    setpgid(0, 0);
    execv(args[0], args.data());
    _exit(127);
  }
  pid_t init = -1;
  CHECK(poll_until([&] { return (init = namespace_init(guard.pid)) > 0; }, 5000ms));
  CHECK(poll_until([&] { return contains(read_file(log), "job orphaner will not be restarted (once)"); }, 5000ms));
  // The orphan runs (its trap is set once its loop has a sleep child).
  pid_t orphan = -1;
  CHECK(poll_until([&] {
    for (pid_t p : descendants(init))
      if (parent_of(p) == init && proc_cmdline(p).find("trap") != std::string::npos) orphan = p;
    return orphan > 0 && !descendants(orphan).empty();
  }, 5000ms));
  kill(init, SIGTERM);
  int st = 0;
  const bool ended = poll_until([&] { return waitpid(guard.pid, &st, WNOHANG) == guard.pid; }, 20000ms);
  CHECK_TEXT(ended, read_file(log).c_str());
  if (ended) guard.reaped = true;
  CHECK_TEXT(access(marker.c_str(), F_OK) == 0, read_file(log).c_str());
  CHECK_FALSE(process_exists(orphan));
  CHECK(contains(read_file(log), "all jobs stopped, exiting"));
}
