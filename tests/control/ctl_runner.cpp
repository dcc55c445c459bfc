#include "tests/control/ctl_runner.hpp"

#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.hpp"
#include "control/pmtrctl.hpp"
#include "tests/support/paths.hpp"

extern char** environ;

namespace pmtr::test {
namespace {

std::string read_all(int fd) {
  std::string s;
  if (::lseek(fd, 0, SEEK_SET) < 0) return s;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return s;
    s.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

CtlRun run_ctl(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  unique_fd out(::memfd_create("pmtrctl-out", MFD_CLOEXEC)), err(::memfd_create("pmtrctl-err", MFD_CLOEXEC));
  CtlRun r;
  r.rc = ctl::run_pmtrctl(argv, ctl::Io{out.get(), err.get()});
  r.out = read_all(out.get());
  r.err = read_all(err.get());
  return r;
}

CtlRun run_ctl_binary(const std::vector<std::string>& args, const std::vector<std::string>& env_add,
                      const std::vector<std::string>& env_drop) {
  const std::string bin = pmtrctl_bin();
  std::vector<char*> argv{const_cast<char*>(bin.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool drop = false;
    for (const auto& d : env_drop) drop = drop || d == name;
    for (const auto& a : env_add) drop = drop || a.substr(0, a.find('=')) == name;
    if (!drop) env_text.push_back(entry);
  }
  for (const auto& a : env_add) env_text.push_back(a);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  unique_fd out(::memfd_create("pmtrctl-out", 0)), err(::memfd_create("pmtrctl-err", 0));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out.get(), 1);
  posix_spawn_file_actions_adddup2(&fa, err.get(), 2);
  CtlRun r;
  pid_t pid = -1;
  if (posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), envp.data()) == 0) {
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  posix_spawn_file_actions_destroy(&fa);
  r.out = read_all(out.get());
  r.err = read_all(err.get());
  return r;
}

}  // namespace pmtr::test
