#include "bench/launch.hpp"

#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "bench/proc_events.hpp"
#include "bench/proc_tree.hpp"
#include "common/syscalls.hpp"

namespace pmtr::bench {
namespace {

int remove_entry(const char* path, const struct stat*, int, FTW*) { return ::remove(path); }

}  // namespace

TempDir::TempDir(const std::string& base) : prefix_(base + "/pmtr-bench.") {
  std::string tmpl = prefix_ + "XXXXXX";
  if (const char* p = mkdtemp(tmpl.data())) {
    path_ = p;
    ::chmod(path_.c_str(), 0755);
  }
}

TempDir::~TempDir() {
  if (keep_ || path_.empty() || path_.rfind(prefix_, 0) != 0) return;
  (void)nftw(path_.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

pid_t launch(const Launch& how) {
  // Everything the child needs is built before fork.
  std::vector<char*> args;
  for (const auto& a : how.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const char* out = how.output.empty() ? "/dev/null" : how.output.c_str();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  // Own process group: a ^C at the terminal reaches the bench, which then
  // ends what it started by pid.
  setpgid(0, 0);
  const int in = ::open("/dev/null", O_RDONLY);
  const int log = ::open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (in < 0 || log < 0) _exit(126);
  // The caller's pipe ends are close-on-exec; dup2 makes the copies not.
  dup2(how.stdin_fd >= 0 ? how.stdin_fd : in, 0);
  dup2(how.stdout_fd >= 0 ? how.stdout_fd : log, 1);
  dup2(log, 2);
  if (in > 2) close(in);
  if (log > 2) close(log);
  if (how.nofile_soft != 0) {
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = how.nofile_soft < rl.rlim_max ? how.nofile_soft : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execv(args[0], args.data());
  _exit(127);
}

bool reap(pid_t pid, int timeout_ms, int* status) {
  const uint64_t deadline = now_ns() + static_cast<uint64_t>(timeout_ms) * 1000000u;
  for (;;) {
    const WaitResult r = sys_waitpid(pid, WNOHANG);
    if (!r.ok()) return false;
    if (r.pid == pid) {
      *status = r.status;
      return true;
    }
    if (now_ns() >= deadline) return false;
    (void)sys_poll(nullptr, 0, 2);
  }
}

void kill_tree(pid_t root, const std::vector<pid_t>& members) {
  if (root <= 0) return;
  std::vector<pid_t> all = members;
  for (pid_t p : descendants(root)) all.push_back(p);
  kill(root, SIGKILL);
  for (pid_t p : all)
    if (p > 0 && p != root && alive(p)) kill(p, SIGKILL);
  int st = 0;
  (void)reap(root, 5000, &st);
}

uint64_t run_timed(const Launch& how, int* status, uint64_t* cpu_ns) {
  const uint64_t t0 = now_ns();
  const pid_t pid = launch(how);
  if (pid < 0) {
    *status = -1;
    return 0;
  }
  rusage ru{};
  const WaitResult r = sys_wait4(pid, 0, &ru);
  *status = r.ok() ? r.status : -1;
  const uint64_t wall = now_ns() - t0;
  auto ns = [](const timeval& tv) {
    return static_cast<uint64_t>(tv.tv_sec) * 1000000000u + static_cast<uint64_t>(tv.tv_usec) * 1000u;
  };
  if (cpu_ns != nullptr) *cpu_ns = ns(ru.ru_utime) + ns(ru.ru_stime);
  return wall;
}

void raise_nofile() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rl.rlim_cur = rl.rlim_max;
  (void)setrlimit(RLIMIT_NOFILE, &rl);
}

rlim_t nofile_hard() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  return rl.rlim_max;
}

}  // namespace pmtr::bench
