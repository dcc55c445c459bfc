// monitor/cgroup_tree and the naming of monitor/job_cgroup: where pmtr's
// cgroup is, from the text of mountinfo and /proc/self/cgroup; one
// directory per job name; and setup() on a fake cgroupfs (a plain
// directory), which never shares a pmtr.PID that exists and undoes what it
// made when it fails.  The real cgroupfs is in tests/e2e/cgroup_test.cpp.
#include "monitor/cgroup_tree.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "monitor/job_cgroup.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

const std::string kV2Root = "30 1 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n";
const std::string kHybrid =
    "35 30 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

std::string dir_of(const std::string& mountinfo, const std::string& cgroup, bool* in_root = nullptr) {
  bool root = false;
  std::string d = cgroup_dir_from(mountinfo, cgroup, root);
  if (in_root != nullptr) *in_root = root;
  return d;
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

TEST_GROUP(CgroupTree){};

TEST(CgroupTree, OwnCgroupOnAPureV2Host) {
  bool root = true;
  STRCMP_EQUAL("/sys/fs/cgroup/system.slice/pmtr.service",
               dir_of(kV2Root, "0::/system.slice/pmtr.service\n", &root).c_str());
  CHECK_FALSE(root);
  STRCMP_EQUAL("/sys/fs/cgroup", dir_of(kV2Root, "0::/\n", &root).c_str());
  CHECK_TRUE(root);
}

TEST(CgroupTree, HybridHostUsesTheCgroup2MountAndTheZeroLine) {
  const std::string self = "9:name=systemd:/\n4:memory:/x\n0::/\n";
  bool root = false;
  STRCMP_EQUAL("/sys/fs/cgroup/unified", dir_of(kHybrid, self, &root).c_str());
  CHECK_TRUE(root);
}

TEST(CgroupTree, AMountOfASubtreeMapsPathsBelowIt) {
  // A container that sees its own cgroup /docker/abc mounted as the root.
  const std::string mi = "50 40 0:26 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
  bool root = false;
  STRCMP_EQUAL("/sys/fs/cgroup", dir_of(mi, "0::/docker/abc\n", &root).c_str());
  CHECK_TRUE(root);
  STRCMP_EQUAL("/sys/fs/cgroup/sub", dir_of(mi, "0::/docker/abc/sub\n", &root).c_str());
  CHECK_FALSE(root);
  // Outside what is mounted, or merely sharing a prefix: no directory.
  STRCMP_EQUAL("", dir_of(mi, "0::/docker/abcd\n").c_str());
  STRCMP_EQUAL("", dir_of(mi, "0::/other\n").c_str());
}

TEST(CgroupTree, NoCgroup2MountOrNoZeroLineIsNoDirectory) {
  STRCMP_EQUAL("", dir_of("35 30 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", "0::/\n").c_str());
  STRCMP_EQUAL("", dir_of(kV2Root, "4:memory:/x\n").c_str());
  STRCMP_EQUAL("", dir_of(kV2Root, "0::relative\n").c_str());
  STRCMP_EQUAL("", dir_of("", "").c_str());
}

TEST(CgroupTree, EscapedMountPointsAreUnescaped) {
  const std::string mi = "30 1 0:26 / /mnt/cg\\040v2 rw - cgroup2 cgroup2 rw\n";
  STRCMP_EQUAL("/mnt/cg v2/a", dir_of(mi, "0::/a\n").c_str());
}

TEST(CgroupTree, JobNamesMapToOneDirectoryEach) {
  STRCMP_EQUAL("job.web", job_cgroup_name("web").c_str());
  STRCMP_EQUAL("job.a%2Fb", job_cgroup_name("a/b").c_str());
  STRCMP_EQUAL("job.100%25", job_cgroup_name("100%").c_str());
  // Names that would collide if only '/' were escaped stay apart.
  std::set<std::string> names;
  for (const char* n : {"a/b", "a%2Fb", "a%252Fb", "a%b", "a%25b"}) names.insert(job_cgroup_name(n));
  CHECK_EQUAL(5u, names.size());
  for (const auto& n : names) CHECK(n.find('/') == std::string::npos);
}

// A plain directory as the cgroup2 mount: mkdir works, but there is no
// supervisor/cgroup.procs to write, so setup() fails after making its
// directories, and must remove exactly those.
TEST(CgroupTree, SetupNeverSharesAnExistingSubtreeAndUndoesItsOwn) {
  char tmpl[] = "/tmp/pmtr-cgtree.XXXXXX";
  const char* fake = mkdtemp(tmpl);
  CHECK(fake != nullptr);
  if (fake == nullptr) return;
  const std::string root = fake;
  const std::string mine = root + "/pmtr." + std::to_string(getpid());
  CHECK_EQUAL(0, mkdir(mine.c_str(), 0755));   // another pmtr's, same pid
  CgroupProbe probe;
  probe.mountinfo = root + "/mountinfo";
  probe.self_cgroup = root + "/cgroup";
  std::ofstream(probe.mountinfo) << "30 1 0:26 / " << root << " rw - cgroup2 cgroup2 rw\n";
  std::ofstream(probe.self_cgroup) << "0::/\n";

  CgroupTree tree;
  const Status s = tree.setup(probe);
  CHECK_FALSE(s.ok());
  if (!s.ok()) {
    const std::string m = s.error().message();
    CHECK_TEXT(m.find(mine + "-1: ") == 0, m.c_str());
    CHECK_TEXT(m.find("supervisor/cgroup.procs") != std::string::npos, m.c_str());
  }
  CHECK_FALSE(tree.active());
  CHECK_FALSE(is_dir(mine + "-1"));
  CHECK(is_dir(mine));
  CHECK(!is_dir(mine + "/supervisor"));

  rmdir(mine.c_str());
  unlink(probe.mountinfo.c_str());
  unlink(probe.self_cgroup.c_str());
  CHECK_EQUAL(0, rmdir(root.c_str()));
}
