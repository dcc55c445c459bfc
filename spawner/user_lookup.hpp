// Who a user name is: the one place pmtr looks users up.
//
//   lookup_user         a job's `user` line: uid, primary gid, the full
//                       group list and the environment facts (HOME, SHELL);
//                       through NSS, since a job's user may live in LDAP.
//   lookup_passwd       the same without the group list: whether a user
//                       exists (`pmtr -t`'s host checks).
//   lookup_system_user  the user a helper runs as (`pmtr`, `nobody`):
//                       /etc/passwd first, NSS only when it is not there.
//                       System users live in /etc/passwd, and a monitor
//                       whose jobs name no user then never loads NSS
//                       modules (libnss_systemd and its libraries cost
//                       more resident memory than the rest of the monitor,
//                       for as long as it runs).
//
// Called in the parent before any fork: getpwnam_r and getgrouplist may
// read files, talk to NSS daemons and allocate, none of which is allowed
// after fork.
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
  std::vector<gid_t> groups;   // getgrouplist: the primary gid and every supplementary one (lookup_user only)
  std::string home;            // pw_dir, "/" when empty
  std::string shell;           // pw_shell, "/bin/sh" when empty (passwd(5))
};

// Errors, for all three: "user 'x' does not exist" (err 0), or
// "look up user 'x'" with the errno of a failing lookup (NSS unreachable,
// ...).
[[nodiscard]] Result<UserInfo> lookup_user(const std::string& name);
[[nodiscard]] Result<UserInfo> lookup_passwd(const std::string& name);
// passwd_file: where system users are read first (a test's own file).
[[nodiscard]] Result<UserInfo> lookup_system_user(const std::string& name, const char* passwd_file = "/etc/passwd");

// The groups `name` belongs to, around `primary` instead of the user's own
// primary group (getgrouplist): a job's `group` line.
[[nodiscard]] Result<std::vector<gid_t>> user_group_list(const std::string& name, gid_t primary);

// A group's id by name (getgrnam_r).  Errors as for lookup_user.
[[nodiscard]] Result<gid_t> lookup_group(const std::string& name);

}  // namespace pmtr
