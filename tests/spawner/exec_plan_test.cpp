// The pre-fork plan: what the child will pass to execve and apply, checked
// without forking.
#include <sys/resource.h>

#include <string>
#include <vector>

#include "spawner/exec_plan.hpp"
#include "tests/spawner/spawn_fixture.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using pmtr::spawntest::make_job;

namespace {

std::vector<std::string> strings(const std::vector<const char*>& v) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < v.size(); ++i) out.emplace_back(v[i]);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += e + "\n";
  return s;
}

UserInfo some_user() {
  UserInfo u;
  u.name = "alice";
  u.uid = 1234;
  u.gid = 2345;
  u.groups = {2345, 7};
  u.home = "/home/alice";
  u.shell = "/bin/zsh";
  return u;
}

}  // namespace

TEST_GROUP(ExecPlan) {};

TEST(ExecPlan, ArgvIsTheJobsCommandNullTerminated) {
  const JobDesc job = make_job({"/bin/echo", "a b", ""});
  ExecPlan plan;
  build_exec_plan(job, PlanUser{}, plan);
  CHECK_EQUAL(4u, plan.argv.size());
  CHECK(plan.argv.back() == nullptr);
  STRCMP_EQUAL("/bin/echo\na b\n\n", joined(strings(plan.argv)).c_str());
}

TEST(ExecPlan, EnvironmentWithoutUserIsPathThenJobLines) {
  JobDesc job = make_job({"/bin/true"});
  job.env = {"B=2", "A=1"};
  ExecPlan plan;
  build_exec_plan(job, PlanUser{}, plan);
  CHECK(plan.envp.back() == nullptr);
  STRCMP_EQUAL((std::string(kDefaultPath) + "\nB=2\nA=1\n").c_str(),
               joined(strings(plan.envp)).c_str());
}

TEST(ExecPlan, EnvironmentWithUserHasItsIdentity) {
  const UserInfo u = some_user();
  JobDesc job = make_job({"/bin/true"});
  job.env = {"X=y"};
  ExecPlan plan;
  build_exec_plan(job, PlanUser{&u, true}, plan);
  const std::string want = std::string(kDefaultPath) +
                           "\nHOME=/home/alice\nUSER=alice\nLOGNAME=alice\nSHELL=/bin/zsh\nX=y\n";
  STRCMP_EQUAL(want.c_str(), joined(strings(plan.envp)).c_str());
}

TEST(ExecPlan, JobLinesOverrideDefaultsOfTheSameName) {
  const UserInfo u = some_user();
  JobDesc job = make_job({"/bin/true"});
  job.env = {"HOME=/srv", "PATH=/opt/bin", "PATHX=1"};
  ExecPlan plan;
  build_exec_plan(job, PlanUser{&u, true}, plan);
  STRCMP_EQUAL("USER=alice\nLOGNAME=alice\nSHELL=/bin/zsh\nHOME=/srv\nPATH=/opt/bin\nPATHX=1\n",
               joined(strings(plan.envp)).c_str());
}

TEST(ExecPlan, TheLastOfRepeatedJobLinesWins) {
  JobDesc job = make_job({"/bin/true"});
  job.env = {"A=1", "B=2", "A=3", "A_=4"};
  ExecPlan plan;
  build_exec_plan(job, PlanUser{}, plan);
  STRCMP_EQUAL((std::string(kDefaultPath) + "\nB=2\nA=3\nA_=4\n").c_str(),
               joined(strings(plan.envp)).c_str());
}

TEST(ExecPlan, StreamsDefaultToDevNull) {
  JobDesc job = make_job({"/bin/true"}, "/srv/x");
  job.out = "log/out";
  ExecPlan plan;
  build_exec_plan(job, PlanUser{}, plan);
  STRCMP_EQUAL("/srv/x", plan.dir);
  STRCMP_EQUAL("/dev/null", plan.in);
  STRCMP_EQUAL("log/out", plan.out);
  STRCMP_EQUAL("/dev/null", plan.err);
}

TEST(ExecPlan, UlimitsBecomeEqualSoftAndHardLimits) {
  JobDesc job = make_job({"/bin/true"});
  job.ulimits = {Ulimit{RLIMIT_CORE, 0}, Ulimit{RLIMIT_NOFILE, 64},
                 Ulimit{RLIMIT_STACK, RLIM_INFINITY}};
  ExecPlan plan;
  build_exec_plan(job, PlanUser{}, plan);
  CHECK_EQUAL(3u, plan.rlimit_count);
  CHECK_EQUAL(RLIMIT_NOFILE, static_cast<int>(plan.rlimits[1].resource));
  CHECK_EQUAL(64u, plan.rlimits[1].limit.rlim_cur);
  CHECK_EQUAL(64u, plan.rlimits[1].limit.rlim_max);
  CHECK(plan.rlimits[2].limit.rlim_cur == RLIM_INFINITY);
  CHECK(plan.rlimits[2].limit.rlim_max == RLIM_INFINITY);
}

TEST(ExecPlan, NiceOnlyWhenGiven) {
  JobDesc job = make_job({"/bin/true"});
  ExecPlan plain;
  build_exec_plan(job, PlanUser{}, plain);
  CHECK_FALSE(plain.set_nice);
  job.has_nice = true;
  job.nice = -3;
  ExecPlan niced;
  build_exec_plan(job, PlanUser{}, niced);
  CHECK(niced.set_nice);
  CHECK_EQUAL(-3, niced.nice);
}

TEST(ExecPlan, AffinityOnlyForCpusThatExist) {
  JobDesc job = make_job({"/bin/true"});
  ExecPlan none;
  build_exec_plan(job, PlanUser{}, none);
  CHECK_FALSE(none.set_affinity);

  job.cpus = {0, 1023};   // CPU 0 is always there; 1023 is not on this test machine
  ExecPlan some;
  build_exec_plan(job, PlanUser{}, some);
  CHECK(some.set_affinity);
  CHECK_EQUAL(1, CPU_COUNT(&some.cpus));
  CHECK(CPU_ISSET(0, &some.cpus));

  job.cpus = {1023};
  ExecPlan absent;
  build_exec_plan(job, PlanUser{}, absent);
  CHECK_FALSE(absent.set_affinity);
}

TEST(ExecPlan, IdsSwitchOnlyWhenAllowed) {
  const UserInfo u = some_user();
  const JobDesc job = make_job({"/bin/true"});
  ExecPlan as_root;
  build_exec_plan(job, PlanUser{&u, true}, as_root);
  CHECK(as_root.switch_ids);
  CHECK_EQUAL(1234u, as_root.uid);
  CHECK_EQUAL(2345u, as_root.gid);
  CHECK(as_root.groups == u.groups);

  ExecPlan as_self;
  build_exec_plan(job, PlanUser{&u, false}, as_self);
  CHECK_FALSE(as_self.switch_ids);

  ExecPlan no_user;
  build_exec_plan(job, PlanUser{nullptr, true}, no_user);
  CHECK_FALSE(no_user.switch_ids);
}
