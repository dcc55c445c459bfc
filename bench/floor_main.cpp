// The physical floor: what starting, restarting and stopping N processes
// costs with nothing but the kernel's primitives, measured by the bench in
// the same run as pmtr and the same way (launch -> N-th exec).
//
//   floor fork|vfork|spawn N [--setsid] [--respawn] -- PROGRAM ARGS...
//
// Starts N copies of PROGRAM, each a plain fork+exec (or vfork+exec, or
// posix_spawn) and nothing else; with --setsid each copy first becomes a
// session leader, as pmtr's jobs do (which matters to the scheduler: with
// autogroup, every session is a scheduling group of its own); with
// --respawn, a copy that exits is started again at once.  On SIGTERM: SIGTERM to every copy, reap them all,
// exit 0.  No polling: it sleeps in sigwaitinfo.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

extern char** environ;

namespace {

enum class Mode : uint8_t { Fork, Vfork, Spawn };

struct Floor {
  Mode mode = Mode::Fork;
  bool new_session = false;
  char** argv = nullptr;
  sigset_t empty{};
  posix_spawnattr_t attr{};

  pid_t start() {
    switch (mode) {
      case Mode::Fork: {
        const pid_t pid = fork();
        if (pid == 0) {
          if (new_session) setsid();
          sigprocmask(SIG_SETMASK, &empty, nullptr);
          execv(argv[0], argv);
          _exit(127);
        }
        return pid;
      }
      case Mode::Vfork: {
        // The vfork child shares our memory until exec: only the syscalls.
        const pid_t pid = vfork();
        if (pid == 0) {
          if (new_session) setsid();
          sigprocmask(SIG_SETMASK, &empty, nullptr);
          execv(argv[0], argv);
          _exit(127);
        }
        return pid;
      }
      case Mode::Spawn: {
        pid_t pid = -1;
        const int rc = posix_spawn(&pid, argv[0], nullptr, &attr, argv, environ);
        if (rc != 0) errno = rc;
        return rc == 0 ? pid : -1;
      }
    }
    return -1;
  }
};

int usage() {
  std::fprintf(stderr, "usage: floor fork|vfork|spawn N [--setsid] [--respawn] -- PROGRAM ARGS...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) return usage();
  Floor f;
  const std::string mode = argv[1];
  if (mode == "fork") {
    f.mode = Mode::Fork;
  } else if (mode == "vfork") {
    f.mode = Mode::Vfork;
  } else if (mode == "spawn") {
    f.mode = Mode::Spawn;
  } else {
    return usage();
  }
  const long n = std::strtol(argv[2], nullptr, 10);
  if (n <= 0) return usage();
  int i = 3;
  bool respawn = false;
  for (; i < argc && std::strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0'; ++i) {
    if (std::strcmp(argv[i], "--respawn") == 0) {
      respawn = true;
    } else if (std::strcmp(argv[i], "--setsid") == 0) {
      f.new_session = true;
    } else {
      return usage();
    }
  }
  if (i >= argc) return usage();
  if (std::strcmp(argv[i], "--") != 0 || i + 1 >= argc) return usage();
  f.argv = argv + i + 1;

  sigset_t waited;
  sigemptyset(&waited);
  sigaddset(&waited, SIGCHLD);
  sigaddset(&waited, SIGTERM);
  sigaddset(&waited, SIGINT);
  sigprocmask(SIG_BLOCK, &waited, nullptr);
  sigemptyset(&f.empty);
  posix_spawnattr_init(&f.attr);
  posix_spawnattr_setsigmask(&f.attr, &f.empty);
  posix_spawnattr_setflags(&f.attr, static_cast<short>(POSIX_SPAWN_SETSIGMASK | (f.new_session ? POSIX_SPAWN_SETSID : 0)));

  std::unordered_map<pid_t, long> live;
  live.reserve(static_cast<size_t>(n) * 2);
  for (long k = 0; k < n; ++k) {
    const pid_t pid = f.start();
    if (pid < 0) {
      std::perror("floor: start");
      continue;
    }
    live[pid] = k;
  }

  bool stopping = false;
  while (!live.empty()) {
    siginfo_t si;
    if (sigwaitinfo(&waited, &si) < 0) continue;
    if (si.si_signo == SIGTERM || si.si_signo == SIGINT) {
      if (!stopping)
        for (const auto& [pid, slot] : live) kill(pid, SIGTERM);
      stopping = true;
      continue;
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      auto it = live.find(pid);
      if (it == live.end()) continue;
      const long slot = it->second;
      live.erase(it);
      if (respawn && !stopping) {
        const pid_t again = f.start();
        if (again > 0) live[again] = slot;
      }
    }
  }
  return 0;
}
