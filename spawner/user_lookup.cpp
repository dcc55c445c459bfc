#include "spawner/user_lookup.hpp"

#include <grp.h>
#include <pwd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pmtr {
namespace {

// A passwd entry larger than this is not a user we want to run anything as.
constexpr size_t kMaxPasswdBuffer = 1u << 20;
// The kernel's NGROUPS_MAX; setgroups refuses more.
constexpr int kMaxGroups = 65536;

std::string quoted(const std::string& name) { return "user '" + name + "'"; }

Error not_found(const std::string& name) { return Error{0, quoted(name) + " does not exist"}; }

// getpwnam_r reports "no such user" as a null result with 0 or, depending
// on the NSS module, one of these (getpwnam(3)).
bool means_not_found(int rc) {
  return rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM;
}

UserInfo from_passwd(const passwd& pw) {
  UserInfo u;
  u.name = pw.pw_name;
  u.uid = pw.pw_uid;
  u.gid = pw.pw_gid;
  u.home = (pw.pw_dir != nullptr && *pw.pw_dir != '\0') ? pw.pw_dir : "/";
  u.shell = (pw.pw_shell != nullptr && *pw.pw_shell != '\0') ? pw.pw_shell : "/bin/sh";
  return u;
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

// A passwd(5) file alone, no NSS; false when it has no such entry (or
// cannot be read).
bool from_passwd_file(const char* file, const std::string& name, UserInfo* out) {
  FILE* f = std::fopen(file, "re");
  if (f == nullptr) return false;
  std::vector<char> buf(4096);
  passwd pw{};
  passwd* entry = nullptr;
  bool found = false;
  for (;;) {
    const int rc = fgetpwent_r(f, &pw, buf.data(), buf.size(), &entry);
    if (rc == ERANGE && buf.size() < kMaxPasswdBuffer) {
      // The entry is read again into the larger buffer.
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc != 0 || entry == nullptr) break;   // end of file, or a line we cannot read
    if (name == entry->pw_name) {
      *out = from_passwd(*entry);
      found = true;
      break;
    }
  }
  std::fclose(f);
  return found;
}

}  // namespace

Result<UserInfo> lookup_passwd(const std::string& name) {
  std::vector<char> buf(1024);
  passwd pw{};
  passwd* found = nullptr;
  for (;;) {
    const int rc = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < kMaxPasswdBuffer) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (found != nullptr) return from_passwd(pw);
    if (means_not_found(rc)) return not_found(name);
    return Error{rc, "look up " + quoted(name)};
  }
}

Result<UserInfo> lookup_user(const std::string& name) {
  auto u = lookup_passwd(name);
  if (!u) return u;
  auto groups = group_list(*u);
  if (!groups) return groups.error();
  u->groups = std::move(groups).value();
  return u;
}

Result<std::vector<gid_t>> user_group_list(const std::string& name, gid_t primary) {
  UserInfo u;
  u.name = name;
  u.gid = primary;
  return group_list(u);
}

Result<UserInfo> lookup_system_user(const std::string& name, const char* passwd_file) {
  UserInfo u;
  if (from_passwd_file(passwd_file, name, &u)) return u;
  // A site that keeps even system users elsewhere (LDAP, systemd's
  // dynamic users).
  return lookup_passwd(name);
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
