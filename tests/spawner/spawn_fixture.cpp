#include "tests/spawner/spawn_fixture.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/unique_fd.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

namespace pmtr::spawntest {
namespace {

long now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

std::string squeeze(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::set<int> fds_in(const std::string& dir) {
  std::set<int> fds;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return fds;
  const int self = dirfd(d);
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    fds.insert(std::atoi(e->d_name));
  }
  closedir(d);
  if (dir == "/proc/self/fd") fds.erase(self);
  return fds;
}

}  // namespace

Children::~Children() {
  for (const pid_t pid : pids_) {
    ::kill(pid, SIGKILL);
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

int Children::reap(pid_t pid, int timeout_ms) {
  pids_.erase(pid);
  unique_fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  bool exited = true;
  if (pidfd) {
    pollfd p{pidfd.get(), POLLIN, 0};
    int rc;
    do {
      rc = ::poll(&p, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    exited = rc == 1;
  }
  if (!exited) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return exited ? status : -1;
}

JobDesc make_job(std::vector<std::string> argv, std::string dir) {
  JobDesc j;
  j.name = "test";
  j.argv = std::move(argv);
  j.dir = std::move(dir);
  return j;
}

SpawnReport wait_report(int error_pipe, int timeout_ms) {
  const long deadline = now_ms() + timeout_ms;
  for (;;) {
    const SpawnReport r = read_spawn_report(error_pipe);
    if (r.state != SpawnReport::State::Pending) return r;
    const long left = deadline - now_ms();
    if (left <= 0) return r;
    pollfd p{error_pipe, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(left));
  }
}

bool wait_blocked_reading_stdin(pid_t pid, int timeout_ms) {
  // /proc/PID/syscall: "NR arg0 ..." while blocked in a system call.
  const std::string want = std::to_string(SYS_read) + " 0x0 ";
  const std::string path = "/proc/" + std::to_string(pid) + "/syscall";
  const long deadline = now_ms() + timeout_ms;
  while (now_ms() < deadline) {
    if (read_text(path).rfind(want, 0) == 0) return true;
    // Startup of a small program takes well under a millisecond of CPU;
    // give it the processor rather than spinning against it.
    sched_yield();
  }
  return false;
}

std::string status_field(pid_t pid, const std::string& key) {
  std::istringstream in(read_text("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return squeeze(line.substr(key.size() + 1));
  }
  return "";
}

std::string limits_line(pid_t pid, const std::string& name) {
  std::istringstream in(read_text("/proc/" + std::to_string(pid) + "/limits"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) == 0) return squeeze(line);
  }
  return "";
}

std::set<int> open_fds(pid_t pid) { return fds_in("/proc/" + std::to_string(pid) + "/fd"); }
std::set<int> open_fds_self() { return fds_in("/proc/self/fd"); }

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

int run_program(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, 1);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (pid < 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string random_suffix() {
  unsigned char b[4] = {};
  if (getrandom(b, sizeof b, 0) != static_cast<ssize_t>(sizeof b)) {
    const auto t = static_cast<unsigned>(now_ms()) ^ static_cast<unsigned>(getpid());
    for (int i = 0; i < 4; ++i) b[i] = static_cast<unsigned char>(t >> (8 * i));
  }
  char out[9];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
  return out;
}

SpawnFailure expect_spawn_failure(Children& children, const JobDesc& job) {
  auto spawned = spawn_job(job);
  if (!spawned.ok()) FAIL(spawned.error().message().c_str());
  children.add(spawned->pid);
  const SpawnReport r = wait_report(spawned->error_pipe.get());
  CHECK(r.state == SpawnReport::State::Failed);
  const int status = children.reap(spawned->pid);
  CHECK(WIFEXITED(status));
  CHECK_EQUAL(127, WEXITSTATUS(status));
  return r.failure;
}

pid_t expect_spawn_exec(Children& children, const JobDesc& job) {
  auto spawned = spawn_job(job);
  if (!spawned.ok()) FAIL(spawned.error().message().c_str());
  children.add(spawned->pid);
  const SpawnReport r = wait_report(spawned->error_pipe.get());
  if (r.state == SpawnReport::State::Failed) {
    const std::string why = std::string(spawn_step_name(r.failure.step)) + ": " + strerror(r.failure.err);
    FAIL(why.c_str());
  }
  CHECK(r.state == SpawnReport::State::Execed);
  return spawned->pid;
}

}  // namespace pmtr::spawntest
