// Who a job's `user` line names: uid, primary gid, the full group list and
// the environment facts (HOME, SHELL).  Done in the parent before fork:
// getpwnam_r and getgrouplist may read files, talk to NSS daemons and
// allocate, none of which is allowed after fork.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/result.hpp"

namespace pmtr {

struct UserInfo {
  std::string name;            // pw_name
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;   // getgrouplist: the primary gid and every supplementary one
  std::string home;            // pw_dir, "/" when empty
  std::string shell;           // pw_shell, "/bin/sh" when empty (passwd(5))
};

// Errors: "user 'x' does not exist", or "look up user 'x'" with the errno
// of a failing lookup (NSS unreachable, ...).
[[nodiscard]] Result<UserInfo> lookup_user(const std::string& name);

// A group's id by name (getgrnam_r).  Errors as for lookup_user.
[[nodiscard]] Result<gid_t> lookup_group(const std::string& name);

}  // namespace pmtr
