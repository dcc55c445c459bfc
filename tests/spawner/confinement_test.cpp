// The confinement options in the spawner (spawner/exec_plan.cpp
// plan_confinement, spawner/capabilities.cpp, spawner/child_steps.cpp):
// each option read back from /proc/PID/status of the exec'd job, and the
// host facts that refuse a start before any process exists.  Root only
// where ids or capabilities change; the users and groups are made for the
// test (pmtr-t-*) and removed by their guards.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "spawner/capabilities.hpp"
#include "spawner/spawn.hpp"
#include "tests/spawner/spawn_fixture.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_user.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using pmtr::spawntest::make_job;
using pmtr::spawntest::status_field;

namespace {

// A capability mask as /proc/PID/status shows it.
std::string mask(uint64_t m) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(m));
  return buf;
}


constexpr uint8_t kNetBindService = 10;
constexpr uint8_t kKill = 5;

}  // namespace

TEST_GROUP(Confinement) {
  // First, so they are removed after every process that runs as them.
  test::TestUser user{"cf", {"cfa", "cfb"}};
  spawntest::Children children;

  JobDesc sleeper() { return make_job({"/bin/sleep", "1300"}); }
  pid_t start(const JobDesc& job) { return spawntest::expect_spawn_exec(children, job); }
};

TEST(Confinement, UmaskIsTheJobsOwn) {
  JobDesc j = sleeper();
  j.confine.has_umask = true;
  j.confine.umask = 027;
  STRCMP_EQUAL("0027", status_field(start(j), "Umask").c_str());
  STRCMP_EQUAL("0022", status_field(start(sleeper()), "Umask").c_str());
}

TEST(Confinement, NoNewPrivsIsSetOnlyWhenAsked) {
  JobDesc j = sleeper();
  j.confine.nonewprivs = true;
  STRCMP_EQUAL("1", status_field(start(j), "NoNewPrivs").c_str());
  STRCMP_EQUAL("0", status_field(start(sleeper()), "NoNewPrivs").c_str());
}

TEST(Confinement, RootJobGroupAndGroups) {
  PMTR_REQUIRE_ROOT();
  CHECK_TEXT(user.ok(), user.error().c_str());
  JobDesc j = sleeper();
  j.confine.group = user.groups()[0];
  j.confine.set_groups = true;
  j.confine.groups = {user.groups()[1]};
  const pid_t p = start(j);
  const std::string a = std::to_string(user.group_ids()[0]), b = std::to_string(user.group_ids()[1]);
  STRCMP_EQUAL(("0 0 0 0"), status_field(p, "Uid").c_str());
  STRCMP_EQUAL((a + " " + a + " " + a + " " + a).c_str(), status_field(p, "Gid").c_str());
  STRCMP_EQUAL(b.c_str(), status_field(p, "Groups").c_str());

  JobDesc none = sleeper();
  none.confine.set_groups = true;   // `groups none`
  STRCMP_EQUAL("", status_field(start(none), "Groups").c_str());
}

TEST(Confinement, UserJobGroupReplacesThePrimaryAndGroupsReplaceTheList) {
  PMTR_REQUIRE_ROOT();
  CHECK_TEXT(user.ok(), user.error().c_str());
  const std::string a = std::to_string(user.group_ids()[0]), b = std::to_string(user.group_ids()[1]);
  JobDesc j = sleeper();
  j.user = user.name();
  j.confine.group = user.groups()[1];
  pid_t p = start(j);
  STRCMP_EQUAL((b + " " + b + " " + b + " " + b).c_str(), status_field(p, "Gid").c_str());
  // Its memberships stay, around the new primary group; its own group,
  // which it is not a member of, goes.
  STRCMP_EQUAL((a + " " + b).c_str(), status_field(p, "Groups").c_str());

  j.confine.set_groups = true;
  j.confine.groups = {user.groups()[0]};
  p = start(j);
  STRCMP_EQUAL(a.c_str(), status_field(p, "Groups").c_str());
  const std::string u = std::to_string(user.uid());
  STRCMP_EQUAL((u + " " + u + " " + u + " " + u).c_str(), status_field(p, "Uid").c_str());
}

TEST(Confinement, NonRootJobKeepsTheListedCapabilitiesAsAmbient) {
  PMTR_REQUIRE_ROOT();
  CHECK_TEXT(user.ok(), user.error().c_str());
  JobDesc j = sleeper();
  j.user = user.name();
  j.confine.set_caps = true;
  j.confine.caps = {kKill, kNetBindService};
  const pid_t p = start(j);
  const std::string want = mask((1u << kKill) | (1u << kNetBindService));
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    STRCMP_EQUAL_TEXT(want.c_str(), status_field(p, set).c_str(), set);

  // Without `caps`, a user's job has nothing (and the bounding set it
  // inherits: ours).
  j.confine = {};
  const pid_t q = start(j);
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapAmb"})
    STRCMP_EQUAL_TEXT(mask(0).c_str(), status_field(q, set).c_str(), set);
  STRCMP_EQUAL(status_field(getpid(), "CapBnd").c_str(), status_field(q, "CapBnd").c_str());
}

TEST(Confinement, RootJobLosesEveryUnlistedCapabilityFromEverySet) {
  PMTR_REQUIRE_ROOT();
  JobDesc j = sleeper();
  j.confine.set_caps = true;
  j.confine.caps = {kNetBindService};
  const pid_t p = start(j);
  const std::string want = mask(1u << kNetBindService);
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd"})
    STRCMP_EQUAL_TEXT(want.c_str(), status_field(p, set).c_str(), set);
  STRCMP_EQUAL(mask(0).c_str(), status_field(p, "CapAmb").c_str());

  j.confine.caps.clear();   // `caps none`
  const pid_t q = start(j);
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    STRCMP_EQUAL_TEXT(mask(0).c_str(), status_field(q, set).c_str(), set);
}

TEST(Confinement, HostFactsRefuseTheStartNamingTheOption) {
  PMTR_REQUIRE_ROOT();
  JobDesc j = sleeper();
  j.confine.group = "pmtr-t-nosuchgroup";
  auto r = spawn_job(j);
  CHECK_FALSE(r.ok());
  CHECK(is_refusal(r.error()));
  STRCMP_EQUAL("group: group 'pmtr-t-nosuchgroup' does not exist", r.error().message().c_str());

  j = sleeper();
  j.confine.set_groups = true;
  j.confine.groups = {"root", "pmtr-t-nosuchgroup"};
  r = spawn_job(j);
  CHECK_FALSE(r.ok());
  STRCMP_EQUAL("groups: group 'pmtr-t-nosuchgroup' does not exist", r.error().message().c_str());

  auto last = kernel_last_cap();
  CHECK(last.ok());
  if (*last < 63) {
    j = sleeper();
    j.confine.set_caps = true;
    j.confine.caps = {static_cast<uint8_t>(*last + 1)};
    r = spawn_job(j);
    CHECK_FALSE(r.ok());
    CHECK(is_refusal(r.error()));
    const std::string want = "caps: capability " + std::to_string(*last + 1) +
                             " is not known to this kernel (its highest is " + std::to_string(*last) + ")";
    STRCMP_EQUAL(want.c_str(), r.error().message().c_str());
  }
}

TEST(Confinement, IdChangesForkCapabilityDropsMayVfork) {
  JobDesc j = sleeper();
  const bool vfork_here = starts_by_vfork(j);   // false in sanitized builds
  j.confine.set_caps = true;
  j.confine.nonewprivs = true;
  j.confine.has_umask = true;
  j.confine.umask = 077;
  CHECK_EQUAL(vfork_here, starts_by_vfork(j));
  JobDesc g = sleeper();
  g.confine.group = "adm";
  CHECK_FALSE(starts_by_vfork(g));
  JobDesc gs = sleeper();
  gs.confine.set_groups = true;
  CHECK_FALSE(starts_by_vfork(gs));
}
