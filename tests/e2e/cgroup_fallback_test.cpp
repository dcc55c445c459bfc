// pmtr without a writable cgroup v2 (pmtr(8) CGROUPS, "Without cgroups"):
// one startup line says jobs are confined by process group only; jobs run
// and stop as before; a `limit` line fails its job.  Forced for real, not
// through a switch in pmtr: pmtr runs in a private mount namespace where
// the cgroup2 mount is read-only (a read-only /sys/fs/cgroup) or gone (a
// v1-only host).  Nothing leaves the namespace: the host's mount stays as
// it was.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "tests/support/cgroup_support.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

constexpr const char* kFallback = "jobs are confined by process group only: ";

}  // namespace

TEST_GROUP(CgroupFallback) {
  TempDir dir;
  std::string conf, wrapper;
  void setup() override {
    conf = dir.file("pmtr.conf");
    wrapper = dir.file("pmtr-in-ns");
  }
  // A script that runs pmtr (with the arguments it is given, so the
  // harness's pid is pmtr's: every step execs) after `action` on the
  // cgroup2 mount in a mount namespace of its own.
  void write_wrapper(const std::string& action) {
    write_file(wrapper,
               "#!/bin/sh\nexec /usr/bin/unshare -m --propagation private /bin/sh -c '" + action +
                   " && exec \"$0\" \"$@\"' " + pmtr_bin() + " \"$@\"\n",
               0755);
  }
  void check_fallback(const std::string& reason) {
    write_file(conf, job("grp", "/bin/sh -c \"/bin/sleep 1481 & exec /bin/sleep 1482\"", "  stop timeout 300ms\n") +
                         job("lim", "/bin/sleep 1483", "  limit tasks 5\n") + job("keep", "/bin/sleep 1484"));
    Pmtr pmtr(wrapper, conf, {}, {});
    const pid_t grp = pmtr.wait_job("grp", 5000ms);
    CHECK_TEXT(grp > 0, pmtr.log().c_str());
    CHECK_TEXT(pmtr.count_log(kFallback) == 1, pmtr.log().c_str());
    CHECK_TEXT(pmtr.count_log(kFallback + reason) == 1, pmtr.log().c_str());
    CHECK_EQUAL(0, pmtr.count_log("jobs run in cgroups"));
    // Nothing was made, nothing moved: pmtr and its jobs stay where the
    // test is.
    struct stat st {};
    CHECK(stat(pmtr_subtree(pmtr.pid()).c_str(), &st) != 0);
    STRCMP_EQUAL(proc_cgroup(getpid()).c_str(), proc_cgroup(pmtr.pid()).c_str());
    STRCMP_EQUAL(proc_cgroup(getpid()).c_str(), proc_cgroup(grp).c_str());
    CHECK_TEXT(pmtr.wait_log("job lim: limit tasks: pmtr has no writable cgroup v2 (jobs are confined by process "
                             "group only); it stays down (failed)",
                             5000ms),
               pmtr.log().c_str());
    // A stop still ends the job's process group.
    pid_t child = -1;
    CHECK(poll_until([&] { return (child = find_descendant(grp, "/bin/sleep 1481")) > 0; }, 5000ms));
    CHECK_EQUAL(grp, getpgid(child));
    write_file(conf, job("keep", "/bin/sleep 1484"));
    CHECK(poll_until([&] { return !process_alive(grp) && !process_alive(child); }, 5000ms));
    CHECK(process_alive(pmtr.job_pid("keep")));
    CHECK(WIFEXITED(pmtr.stop()));
  }
};

TEST(CgroupFallback, ReadOnlyCgroupFilesystem) {
  PMTR_REQUIRE_ROOT();
  const std::string mnt = cgroup2_mount();
  if (mnt.empty()) PMTR_SKIP("no cgroup2 mount to make read-only");
  write_wrapper("/bin/mount -o remount,bind,ro " + mnt);
  check_fallback(cgroup_dir_of(getpid()) + ": mkdir pmtr.");
}

TEST(CgroupFallback, NoCgroup2Mount) {
  PMTR_REQUIRE_ROOT();
  const std::string mnt = cgroup2_mount();
  if (mnt.empty()) PMTR_SKIP("no cgroup2 mount to hide");
  write_wrapper("/bin/umount -l " + mnt);
  check_fallback("no cgroup v2 hierarchy holds pmtr");
}
