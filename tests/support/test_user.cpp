#include "tests/support/test_user.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "tests/support/e2e_harness.hpp"

namespace pmtr::test {

TestUser::TestUser(const std::string& tag, const std::vector<std::string>& extra_groups)
    : name_("pmtr-t-" + tag + std::to_string(getpid())) {
  if (geteuid() != 0) {
    error_ = "not root";
    return;
  }
  for (const auto& g : extra_groups) {
    const std::string full = "pmtr-t-" + g + std::to_string(getpid());
    if (run_command({"/usr/sbin/groupadd", full}, &error_) != 0) return;
    groups_.push_back(full);
    if (const struct group* gr = getgrnam(full.c_str())) gids_.push_back(gr->gr_gid);
  }
  std::vector<std::string> argv{"/usr/sbin/useradd", "-M", "-U", "-s", "/usr/sbin/nologin", "-d", "/nonexistent"};
  if (!groups_.empty()) {
    std::string list;
    for (const auto& g : groups_) list += (list.empty() ? "" : ",") + g;
    argv.insert(argv.end(), {"-G", list});
  }
  argv.push_back(name_);
  created_ = run_command(argv, &error_) == 0 && gids_.size() == groups_.size();
  if (!created_) return;
  if (const passwd* pw = getpwnam(name_.c_str())) {
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
  }
}

TestUser::~TestUser() {
  std::string out;
  if (getpwnam(name_.c_str()) != nullptr) run_command({"/usr/sbin/userdel", name_}, &out);
  // useradd -U made a group of the same name; userdel removes it unless
  // someone else joined it.
  if (getgrnam(name_.c_str()) != nullptr) run_command({"/usr/sbin/groupdel", name_}, &out);
  for (const auto& g : groups_) run_command({"/usr/sbin/groupdel", g}, &out);
}

int TestUser::run_as(const std::function<int()>& f) const {
  if (!created_ || uid_ == 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (setgroups(0, nullptr) != 0 || setgid(gid_) != 0 || setuid(uid_) != 0) _exit(126);
    _exit(f());
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace pmtr::test
