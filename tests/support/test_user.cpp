#include "tests/support/test_user.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "tests/support/e2e_harness.hpp"

namespace pmtr::test {

TestUser::TestUser(const std::string& tag) : name_("pmtr-t-" + tag + std::to_string(getpid())) {
  if (geteuid() != 0) {
    error_ = "not root";
    return;
  }
  created_ = run_command({"/usr/sbin/useradd", "-M", "-U", "-s", "/usr/sbin/nologin", "-d", "/nonexistent", name_},
                         &error_) == 0;
  if (!created_) return;
  if (const passwd* pw = getpwnam(name_.c_str())) {
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
  }
}

TestUser::~TestUser() {
  if (!created_) return;
  std::string out;
  run_command({"/usr/sbin/userdel", name_}, &out);
  // useradd -U made a group of the same name; userdel removes it unless
  // someone else joined it.
  if (getgrnam(name_.c_str()) != nullptr) run_command({"/usr/sbin/groupdel", name_}, &out);
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
