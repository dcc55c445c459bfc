// The command line and daemon mode end to end (pmtr(8) OPTIONS): -h, -V, usage
// errors, the pidfile, and `pmtr` without -F, whose caller gets its exit
// status only once the configuration parsed and the jobs began.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

std::string readlink_str(const std::string& path) {
  char buf[4096];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (pid_t p : descendants(parent))
    if (parent_of(p) == parent) out.push_back(p);
  return out;
}

// `pmtr` run the way a shell script runs it, with stdout and stderr on a
// pipe.  The daemon is not our child: it is found through the pidfile.
struct DaemonRun {
  int status = -1;                // wait status of the command, -1: it did not return
  std::string output;             // what reached the pipe
  bool pipe_released = false;     // EOF: nothing of pmtr's holds the caller's stdout/stderr
  pid_t daemon = -1;              // from the pidfile, read the moment the command returned
  std::vector<pid_t> children;    // the daemon's children at that moment
};

void drain(int fd, std::string& out, bool* eof) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0 && eof != nullptr) *eof = true;
    return;
  }
}

DaemonRun run_daemon(const std::vector<std::string>& argv, const std::string& pidfile) {
  DaemonRun r;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return r;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    dup2(p[1], 2);
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    execv(args[0], args.data());
    _exit(127);
  }
  close(p[1]);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  int st = 0;
  const bool returned = poll_until([&] {
    drain(p[0], r.output, nullptr);
    return waitpid(pid, &st, WNOHANG) == pid;
  }, 10000ms);
  if (!returned) {
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
  } else {
    r.status = st;
    const std::string text = read_file(pidfile);
    if (!text.empty()) {
      r.daemon = static_cast<pid_t>(std::atoi(text.c_str()));
      r.children = children_of(r.daemon);
    }
  }
  r.pipe_released = poll_until([&] {
    bool eof = false;
    drain(p[0], r.output, &eof);
    return eof;
  }, 3000ms);
  close(p[0]);
  return r;
}

// Ends a daemon (and what it started) that a failing test left behind.
struct DaemonGuard {
  pid_t pid = -1;
  ~DaemonGuard() {
    if (pid <= 0 || !process_alive(pid)) return;
    const auto tree = descendants(pid);
    kill(pid, SIGKILL);
    for (pid_t p : tree) kill(p, SIGKILL);
  }
};

bool exited_with(int status, int code) { return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code; }

}  // namespace

// ---- command line -------------------------------------------------------------

TEST_GROUP(CommandLine){};

TEST(CommandLine, HelpPrintsUsageAndExitsZero) {
  std::string out;
  CHECK_EQUAL(0, run_command({pmtr_bin(), "-h"}, &out));
  CHECK(out.rfind("usage: pmtr [-F] [-v] [-c FILE] [-p PIDFILE] [-t] [-h] [-V]\n", 0) == 0);
  for (const char* opt : {"-F", "-v", "-c FILE", "-p PIDFILE", "-t", "-h", "-V"})
    CHECK_TEXT(out.find(std::string("  ") + opt) != std::string::npos, opt);
}

TEST(CommandLine, VersionPrintsVersion) {
  std::string out;
  CHECK_EQUAL(0, run_command({pmtr_bin(), "-V"}, &out));
  std::string version = read_file(build_dir() + "/../VERSION");
  while (!version.empty() && (version.back() == '\n' || version.back() == ' ')) version.pop_back();
  if (version.empty()) version = "0.1.0";
  STRCMP_EQUAL(("pmtr " + version + "\n").c_str(), out.c_str());
}

TEST(CommandLine, UnknownOptionOrArgumentIsAUsageError) {
  std::string out;
  CHECK_EQUAL(2, run_command({pmtr_bin(), "-Z"}, &out));
  CHECK(out.find("usage: pmtr") != std::string::npos);
  out.clear();
  CHECK_EQUAL(2, run_command({pmtr_bin(), "-F", "stray"}, &out));
  CHECK(out.find("usage: pmtr") != std::string::npos);
}

// ---- pidfile (foreground) -------------------------------------------------------

TEST_GROUP(Pidfile) {
  TempDir dir;
  std::string conf, pidfile;
  void setup() override {
    conf = dir.file("pmtr.conf");
    pidfile = dir.file("pmtr.pid");
  }
};

TEST(Pidfile, HoldsOurPidRefusesASecondPmtrAndIsRemovedAtExit) {
  write_file(conf, job("a", "/bin/sleep 1401"));
  Pmtr first(conf, {"-p", pidfile});
  CHECK(first.wait_job("a", 5000ms) > 0);
  STRCMP_EQUAL((std::to_string(first.pid()) + "\n").c_str(), read_file(pidfile).c_str());

  const std::string conf2 = dir.file("second.conf");
  write_file(conf2, job("b", "/bin/sleep 1402"));
  Pmtr second(conf2, {"-p", pidfile});
  const int st = second.wait_exit(5000ms);
  CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0);
  CHECK(second.log().find("pidfile " + pidfile + " is held by a running pmtr (pid " +
                          std::to_string(first.pid()) + ")") != std::string::npos);
  CHECK_EQUAL(0, second.count_log("started job"));
  // The first one and its pidfile are untouched.
  STRCMP_EQUAL((std::to_string(first.pid()) + "\n").c_str(), read_file(pidfile).c_str());
  CHECK(process_alive(first.pid()));

  CHECK(exited_with(first.stop(5000ms), 0));
  CHECK(access(pidfile.c_str(), F_OK) != 0);
}

// ---- daemon mode ----------------------------------------------------------------

TEST_GROUP(Daemon) {
  TempDir dir;
  std::string conf, pidfile;
  void setup() override {
    conf = dir.file("pmtr.conf");
    pidfile = dir.file("pmtr.pid");
  }
};

TEST(Daemon, ReturnsZeroOnlyOnceJobsBeganAndStopsByPidfile) {
  write_file(conf, job("d1", "/bin/sleep 1411") + job("d2", "/bin/sleep 1412"));
  const DaemonRun r = run_daemon({pmtr_bin(), "-c", conf, "-p", pidfile}, pidfile);
  DaemonGuard guard{r.daemon};
  CHECK_TEXT(exited_with(r.status, 0), r.output.c_str());
  CHECK(r.daemon > 0);
  CHECK(process_alive(r.daemon));
  // Both jobs had been forked when the command returned: with the parser,
  // the daemon had three children at that moment.
  CHECK_EQUAL(3u, r.children.size());
  pid_t d1 = -1, d2 = -1;
  CHECK(poll_until([&] {
    d1 = find_descendant(r.daemon, "/bin/sleep 1411");
    d2 = find_descendant(r.daemon, "/bin/sleep 1412");
    return d1 > 0 && d2 > 0;
  }, 5000ms));
  // Detached: not our child, not a session leader, not in our session,
  // standard streams on /dev/null.
  CHECK(parent_of(r.daemon) != getpid());
  CHECK(getsid(r.daemon) != r.daemon);
  CHECK(getsid(r.daemon) != getsid(0));
  const std::string fd = "/proc/" + std::to_string(r.daemon) + "/fd/";
  for (const char* n : {"0", "1", "2"}) STRCMP_EQUAL("/dev/null", readlink_str(fd + n).c_str());
  // Nothing pmtr started keeps the caller's stdout/stderr open (a script
  // doing out=$(pmtr ...) would hang otherwise).
  CHECK_TEXT(r.pipe_released, "a process of the daemon still holds the caller's stdout/stderr");

  kill(r.daemon, SIGTERM);
  CHECK(poll_until([&] { return !process_alive(r.daemon); }, 5000ms));
  CHECK(poll_until([&] { return access(pidfile.c_str(), F_OK) != 0; }, 2000ms));
  CHECK(!process_alive(d1) && !process_alive(d2));
}

TEST(Daemon, InvalidConfigFailsWithTheErrorOnStderr) {
  write_file(conf, job("ok", "/bin/sleep 1421") + "job {\n  nmae x\n  cmd /bin/sleep 1422\n}\n");
  const DaemonRun r = run_daemon({pmtr_bin(), "-c", conf, "-p", pidfile}, pidfile);
  DaemonGuard guard{r.daemon};
  CHECK(r.status != -1);
  CHECK_TEXT(WIFEXITED(r.status) && WEXITSTATUS(r.status) != 0, r.output.c_str());
  CHECK_TEXT(r.output.find(conf + ":6:3: error: unknown option 'nmae' (did you mean 'name'?)") != std::string::npos,
             r.output.c_str());
  CHECK_TEXT(r.output.find("parse failed") != std::string::npos, r.output.c_str());
  // No daemon stays behind, and it started nothing.
  CHECK(poll_until([&] { return access(pidfile.c_str(), F_OK) != 0; }, 3000ms));
  if (r.daemon > 0) CHECK(poll_until([&] { return !process_alive(r.daemon); }, 3000ms));
  CHECK(r.output.find("started job") == std::string::npos);
}
