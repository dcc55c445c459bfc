#include "spawner/user_lookup.hpp"

#include <grp.h>
#include <pwd.h>

#include <cerrno>

namespace pmtr {
namespace {

// A passwd entry larger than this is not a user we want to run anything as.
constexpr size_t kMaxPasswdBuffer = 1u << 20;
// The kernel's NGROUPS_MAX; setgroups refuses more.
constexpr int kMaxGroups = 65536;

std::string quoted(const std::string& name) { return "user '" + name + "'"; }

// getpwnam_r reports "no such user" as a null result with 0 or, depending
// on the NSS module, one of these (getpwnam(3)).
bool means_not_found(int rc) {
  return rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM;
}

Result<std::vector<gid_t>> group_list(const UserInfo& u) {
  int n = 32;
  std::vector<gid_t> groups(static_cast<size_t>(n));
  for (;;) {
    int want = n;
    if (getgrouplist(u.name.c_str(), u.gid, groups.data(), &want) >= 0) {
      groups.resize(static_cast<size_t>(want));
      return groups;
    }
    // glibc sets `want` to the size needed; grow at least twofold anyway.
    n = want > n ? want : n * 2;
    if (n > kMaxGroups) return Error{E2BIG, "groups of " + quoted(u.name)};
    groups.resize(static_cast<size_t>(n));
  }
}

}  // namespace

Result<UserInfo> lookup_user(const std::string& name) {
  std::vector<char> buf(1024);
  passwd pw{};
  passwd* found = nullptr;
  for (;;) {
    const int rc = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < kMaxPasswdBuffer) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (found != nullptr) break;
    if (means_not_found(rc)) return Error{0, quoted(name) + " does not exist"};
    return Error{rc, "look up " + quoted(name)};
  }

  UserInfo u;
  u.name = pw.pw_name;
  u.uid = pw.pw_uid;
  u.gid = pw.pw_gid;
  u.home = (pw.pw_dir != nullptr && *pw.pw_dir != '\0') ? pw.pw_dir : "/";
  u.shell = (pw.pw_shell != nullptr && *pw.pw_shell != '\0') ? pw.pw_shell : "/bin/sh";
  auto groups = group_list(u);
  if (!groups) return groups.error();
  u.groups = std::move(groups).value();
  return u;
}

Result<gid_t> lookup_group(const std::string& name) {
  std::vector<char> buf(1024);
  group gr{};
  group* found = nullptr;
  for (;;) {
    const int rc = getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < kMaxPasswdBuffer) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (found != nullptr) return found->gr_gid;
    if (means_not_found(rc)) return Error{0, "group '" + name + "' does not exist"};
    return Error{rc, "look up group '" + name + "'"};
  }
}

}  // namespace pmtr
