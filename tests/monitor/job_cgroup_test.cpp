// monitor/job_cgroup: the limits a job's cgroup gets, written on a fake
// cgroupfs (plain files in a temporary directory), so the path where the
// controllers exist is tested on every host, also where the real cgroup v2
// tree offers none (tests/e2e/limits_test.cpp asserts whichever path the
// host takes).
#include "monitor/job_cgroup.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "monitor/cgroup_tree.hpp"
#include "spawner/spawn.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// pmtr writes cgroupfs files without truncating them (the kernel takes
// each write whole): the fake's files start empty, so what is read back is
// exactly what was written.
void put(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::trunc) << text; }

}  // namespace

TEST_GROUP(JobCgroup) {
  std::string root, own;
  CgroupTree tree;
  void setup() override {
    char tmpl[] = "/tmp/pmtr-jobcg.XXXXXX";
    root = mkdtemp(tmpl);
    // pmtr alone in its cgroup `svc` (as under Delegate=yes): the base.
    own = root + "/svc";
    std::filesystem::create_directories(own + "/supervisor");
    put(own + "/cgroup.procs", std::to_string(getpid()) + "\n");
    put(own + "/supervisor/cgroup.procs", "");
    put(own + "/cgroup.subtree_control", "");
    put(root + "/mountinfo", "30 1 0:26 / " + root + " rw - cgroup2 cgroup2 rw\n");
    put(root + "/cgroup", "0::/svc\n");
    CgroupProbe probe;
    probe.mountinfo = root + "/mountinfo";
    probe.self_cgroup = root + "/cgroup";
    const Status s = tree.setup(probe);
    CHECK_TEXT(s.ok(), s.ok() ? "" : s.error().message().c_str());
    STRCMP_EQUAL(own.c_str(), tree.base_path().c_str());
  }
  void teardown() override {
    tree.teardown(0);
    std::filesystem::remove_all(root);
  }
  // The files the kernel would have made in job.NAME.
  void make_job_dir(const std::string& name) {
    const std::string d = own + "/" + job_cgroup_name(name);
    std::filesystem::create_directories(d);
    for (const char* f : {"memory.max", "memory.swap.max", "pids.max", "cpu.max"}) put(d + "/" + f, "");
  }
  static JobDesc job(const std::string& name) {
    JobDesc j;
    j.name = name;
    j.argv = {"/bin/true"};
    return j;
  }
};

TEST(JobCgroup, LimitsAreWrittenAndControllersEnabled) {
  put(own + "/cgroup.controllers", "cpu memory pids\n");
  make_job_dir("web");
  JobCgroups cgroups(tree);
  JobDesc j = job("web");
  j.confine.memory_max = 64ull << 20;
  j.confine.tasks_max = 5;
  j.confine.cpu_percent = 150;
  auto fd = cgroups.prepare(j);
  CHECK_TEXT(fd.ok(), fd.ok() ? "" : fd.error().message().c_str());
  const std::string d = own + "/job.web/";
  STRCMP_EQUAL("67108864", slurp(d + "memory.max").c_str());
  STRCMP_EQUAL("0", slurp(d + "memory.swap.max").c_str());   // no swap under a memory limit
  STRCMP_EQUAL("5", slurp(d + "pids.max").c_str());
  STRCMP_EQUAL("150000 100000", slurp(d + "cpu.max").c_str());
  CHECK(cgroups.has("web"));

  // A limit taken away goes back to "max"; an explicit swap is written.
  for (const char* f : {"memory.max", "memory.swap.max", "pids.max", "cpu.max"}) put(d + f, "");
  j.confine.tasks_max = 0;
  j.confine.has_swap_max = true;
  j.confine.swap_max = 1 << 20;
  CHECK(cgroups.prepare(j).ok());
  STRCMP_EQUAL("max", slurp(d + "pids.max").c_str());
  STRCMP_EQUAL("1048576", slurp(d + "memory.swap.max").c_str());
  // Unchanged limits are not written again.
  STRCMP_EQUAL("", slurp(d + "memory.max").c_str());
  STRCMP_EQUAL("", slurp(d + "cpu.max").c_str());
}

TEST(JobCgroup, AMissingControllerRefusesTheStartNamingOptionAndPath) {
  put(own + "/cgroup.controllers", "pids\n");
  make_job_dir("db");
  JobCgroups cgroups(tree);
  JobDesc j = job("db");
  j.confine.tasks_max = 10;
  CHECK(cgroups.prepare(j).ok());
  j.confine.memory_max = 1ull << 30;
  auto r = cgroups.prepare(j);
  CHECK_FALSE(r.ok());
  if (r.ok()) return;
  STRCMP_EQUAL(("limit memory: the memory controller is not available in " + own).c_str(), r.error().message().c_str());
  CHECK_TRUE(is_refusal(r.error()));
  STRCMP_EQUAL("", slurp(own + "/job.db/memory.max").c_str());
  j.confine.memory_max = 0;
  j.confine.cpu_percent = 50;
  r = cgroups.prepare(j);
  CHECK_FALSE(r.ok());
  if (!r.ok())
    STRCMP_EQUAL(("limit cpu: the cpu controller is not available in " + own).c_str(), r.error().message().c_str());
}

TEST(JobCgroup, AKilledCgroupIsMadeAnewBeforeTheNextStart) {
  put(own + "/cgroup.controllers", "\n");
  JobCgroups cgroups(tree);
  const JobDesc j = job("a/b");
  CHECK(cgroups.prepare(j).ok());
  const std::string d = own + "/job.a%2Fb";
  // A file in the fake directory makes its rmdir fail: a start that tries
  // to remove it shows.
  put(d + "/cgroup.kill", "");
  CHECK(cgroups.prepare(j).ok());   // never killed: kept as it is
  cgroups.kill("a/b");
  STRCMP_EQUAL("1", slurp(d + "/cgroup.kill").c_str());
  auto r = cgroups.prepare(j);
  CHECK_FALSE(r.ok());
  if (!r.ok()) CHECK_TEXT(r.error().message().find("rmdir " + d) == 0, r.error().message().c_str());
  // Emptied (a real cgroup is, once drained): removed and made again.
  unlink((d + "/cgroup.kill").c_str());
  CHECK(cgroups.prepare(j).ok());
  struct stat st {};
  CHECK_EQUAL(0, stat(d.c_str(), &st));
  // Made anew, so no longer killed: a second start keeps it.
  put(d + "/cgroup.kill", "");
  CHECK(cgroups.prepare(j).ok());
}
