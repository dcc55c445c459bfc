#include <pwd.h>

#include <algorithm>

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
