#include "tests/support/test_user.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "tests/support/e2e_harness.hpp"

namespace pmtr::test {

TestUser::TestUser(const std::string& tag, const std::vector<std::string>& extra_groups) {
  const std::string suffix = "-" + std::to_string(getpid());
  name_ = "pmtr-t-" + tag + suffix;
  std::string out;
  for (const auto& g : extra_groups) {
    const std::string full = "pmtr-t-" + g + suffix;
    if (run_command({"/usr/sbin/groupadd", full}, &out) != 0) {
      error_ = "groupadd " + full + ": " + out;
      return;
    }
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
  if (run_command(argv, &out) != 0) {
    error_ = "useradd " + name_ + ": " + out;
    return;
  }
  made_user_ = true;
  const passwd* pw = getpwnam(name_.c_str());
  if (pw == nullptr) {
    error_ = "getpwnam " + name_;
    return;
  }
  uid_ = pw->pw_uid;
  gid_ = pw->pw_gid;
  ok_ = gids_.size() == groups_.size();
}

TestUser::~TestUser() {
  std::string out;
  if (made_user_) {
    run_command({"/usr/sbin/userdel", name_}, &out);
    run_command({"/usr/sbin/groupdel", name_}, &out);   // the private group, if userdel kept it
  }
  for (const auto& g : groups_) run_command({"/usr/sbin/groupdel", g}, &out);
}

}  // namespace pmtr::test
