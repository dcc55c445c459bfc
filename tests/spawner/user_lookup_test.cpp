#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "spawner/user_lookup.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

TEST_GROUP(UserLookup) {};

TEST(UserLookup, RootIsFound) {
  const auto u = lookup_user("root");
  CHECK(u.ok());
  STRCMP_EQUAL("root", u->name.c_str());
  CHECK_EQUAL(0u, u->uid);
  CHECK_EQUAL(0u, u->gid);
  STRCMP_EQUAL("/root", u->home.c_str());
  CHECK_FALSE(u->shell.empty());
  CHECK(std::find(u->groups.begin(), u->groups.end(), 0u) != u->groups.end());
}

TEST(UserLookup, GroupsIncludeThePrimaryGroup) {
  const passwd* pw = getpwnam("nobody");
  if (pw == nullptr) return;   // no such account here: nothing to compare with
  const auto u = lookup_user("nobody");
  CHECK(u.ok());
  CHECK_EQUAL(pw->pw_uid, u->uid);
  CHECK_EQUAL(pw->pw_gid, u->gid);
  CHECK(std::find(u->groups.begin(), u->groups.end(), pw->pw_gid) != u->groups.end());
}

TEST(UserLookup, UnknownUserIsAnError) {
  const auto u = lookup_user("pmtr-no-such-user");
  CHECK_FALSE(u.ok());
  CHECK_EQUAL(0, u.error().err);
  STRCMP_EQUAL("user 'pmtr-no-such-user' does not exist", u.error().message().c_str());
}

TEST(UserLookup, PasswdEntryWithoutGroups) {
  const auto u = lookup_passwd("root");
  CHECK(u.ok());
  CHECK_EQUAL(0u, u->uid);
  STRCMP_EQUAL("/root", u->home.c_str());
  CHECK(u->groups.empty());
  const auto none = lookup_passwd("pmtr-no-such-user");
  CHECK_FALSE(none.ok());
  STRCMP_EQUAL("user 'pmtr-no-such-user' does not exist", none.error().message().c_str());
}

// System users (the helpers' `pmtr`, `nobody`) come from the passwd file
// first, without NSS (the monitor then never loads NSS modules for them);
// NSS is asked only when the file has no such entry.
TEST(UserLookup, SystemUserComesFromThePasswdFileFirst) {
  char path[] = "/tmp/pmtr-passwd.XXXXXX";
  const int fd = mkstemp(path);
  CHECK(fd >= 0);
  const std::string text =
      "pmtr-t-sysonly:x:4242:4343:test:/nonexistent:/usr/sbin/nologin\n"
      "pmtr-t-long:x:4244:4345:" + std::string(9000, 'g') + ":/home/long:\n";
  CHECK(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  const auto only_in_file = lookup_system_user("pmtr-t-sysonly", path);
  CHECK_TEXT(only_in_file.ok(), only_in_file.ok() ? "" : only_in_file.error().message().c_str());
  CHECK_EQUAL(4242u, only_in_file->uid);
  CHECK_EQUAL(4343u, only_in_file->gid);
  STRCMP_EQUAL("/usr/sbin/nologin", only_in_file->shell.c_str());
  const auto long_entry = lookup_system_user("pmtr-t-long", path);   // larger than the first buffer
  CHECK(long_entry.ok());
  CHECK_EQUAL(4244u, long_entry->uid);
  STRCMP_EQUAL("/bin/sh", long_entry->shell.c_str());
  CHECK_FALSE(lookup_passwd("pmtr-t-sysonly").ok());   // NSS has never heard of it
  const auto root = lookup_system_user("root", path);   // not in the file: NSS
  CHECK(root.ok());
  CHECK_EQUAL(0u, root->uid);
  const auto none = lookup_system_user("pmtr-no-such-user", path);
  CHECK_FALSE(none.ok());
  CHECK_EQUAL(0, none.error().err);
  ::unlink(path);
}
