// pmtr-log's files through the real binaries: rotation at 1 KiB keeps
// exactly `keep` archives and loses no line at a boundary; owner, group
// and modes are the documented ones; a symbolic link or a FIFO planted
// where `current` goes is refused, not followed, and writing resumes,
// with nothing lost, once it is gone; pmtr-log itself runs without root,
// capabilities or new privileges, under seccomp, chrooted into the logs.
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/log_files.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

// The uid pmtr-log runs as, read from the process itself: the `pmtr`
// user may come and go while the install tests run beside these, so a
// lookup by name here could disagree with what that pmtr chose.
uid_t running_uid(pid_t pid) {
  return static_cast<uid_t>(std::strtoul(proc_status_field(pid, "Uid").c_str(), nullptr, 10));
}

struct stat stat_of(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) st.st_mode = 0;
  return st;
}

}  // namespace

TEST_GROUP(LogFiles) {
  TempDir dir;
  std::string conf, logs, state;
  void setup() override {
    conf = dir.file("pmtr.conf");
    logs = dir.file("logs");
    state = dir.file("state");
  }

  // A file planted as `current` (by `plant`) is refused with `why`; once
  // it is removed, what the job wrote meanwhile arrives, all of it.
  void refused_then_resumed(const std::function<void(const std::string&)>& plant, const std::string& why) {
    const std::string job_dir = logs + "/w";
    // First a quiet captured job, so that pmtr makes the log directory and
    // starts pmtr-log, whose user is then known; then the job directory
    // with the planted `current` (root's, which pmtr-log cannot change),
    // then the job that writes.
    const std::string head = "log to " + logs + "\n" + job("quiet", "/bin/sleep 100", "  log\n");
    write_file(conf, head);
    Pmtr pmtr(conf);
    pid_t lp = -1;
    CHECK(poll_until([&] { return (lp = pmtr.logger_pid()) > 0 && proc_status_field(lp, "Seccomp") == "2"; }, 10000ms));
    const uid_t helper = running_uid(lp);
    CHECK_EQUAL(0, mkdir(job_dir.c_str(), 0755));
    plant(job_dir + "/current");
    write_file(conf, head + job("w", line_writer("-n 30 -s " + state), "  log\n  restart never\n"));
    CHECK(pmtr.wait_log(why, 10000ms));
    CHECK(pmtr.wait_log("holding its output", 10000ms));
    CHECK(poll_until([&] { return writer_state(state) == 30; }, 10000ms));
    // Hand the job directory to pmtr-log's user (first, so that no retry
    // meets a directory it cannot write), then remove the planted file.
    if (geteuid() == 0) CHECK_EQUAL(0, chown(job_dir.c_str(), helper, static_cast<gid_t>(-1)));
    unlink((job_dir + "/current").c_str());
    CHECK_TEXT(poll_until([&] { return numbered(log_records(job_dir), "line").size() == 30; }, 20000ms),
               pmtr.log().c_str());
    CHECK_TEXT(pmtr.wait_log("writing its output again", 5000ms), pmtr.log().c_str());
    const auto nums = numbered(log_records(job_dir), "line");
    CHECK_EQUAL(1, nums.front());
    STRCMP_EQUAL("", contiguity_problem(nums).c_str());
  }
};

TEST(LogFiles, RotationAtOneKibibyteKeepsKeepArchivesAndLosesNoLineAtTheBoundary) {
  write_file(conf, "log to " + logs + "\nlog rotate 1K keep 3\n" +
                       job("w", line_writer("-n 600 -i 3"), "  log\n  restart never\n"));
  Pmtr pmtr(conf);
  // A line every 3 ms, about 33 a tick of pmtr-log: over 1K a batch, so
  // some 18 rotations, the last 3 archives kept.
  CHECK(poll_until([&] { const auto n = numbered(log_records(logs + "/w"), "line"); return !n.empty() && n.back() == 600; },
                   20000ms));
  const auto archives = log_archives(logs + "/w");
  CHECK_EQUAL(3u, archives.size());
  for (const auto& a : archives) {
    CHECK_TEXT(has_stamp(a.substr(1), '.'), a.c_str());   // @2026-12-07T09:15:02.123456Z.log
    CHECK(stat_of(logs + "/w/" + a).st_size > 0);
  }
  const auto nums = numbered(log_records(logs + "/w"), "line");
  STRCMP_EQUAL("", contiguity_problem(nums).c_str());
  CHECK(nums.front() > 1);   // the oldest archives were deleted
}

TEST(LogFiles, OwnerGroupAndModesAreTheDocumentedOnes) {
  PMTR_REQUIRE_ROOT();
  write_file(conf, "log to " + logs + "\n" + job("w", line_writer("-n 1"), "  log\n  restart never\n"));
  Pmtr pmtr(conf);
  CHECK(poll_until([&] { return numbered(log_records(logs + "/w"), "line").size() == 1; }, 10000ms));
  const pid_t lp = pmtr.logger_pid();
  CHECK(lp > 0);
  const uid_t helper = running_uid(lp);
  CHECK(helper != 0);
  const group* adm = getgrnam("adm");
  for (const std::string& path : {logs, logs + "/w", logs + "/w/current"}) {
    const struct stat st = stat_of(path);
    CHECK_EQUAL_TEXT(helper, st.st_uid, path.c_str());
    if (adm != nullptr) CHECK_EQUAL_TEXT(adm->gr_gid, st.st_gid, path.c_str());
  }
  CHECK_EQUAL(02750u, stat_of(logs).st_mode & 07777u);
  CHECK_EQUAL(02750u, stat_of(logs + "/w").st_mode & 07777u);
  CHECK_EQUAL(0640u, stat_of(logs + "/w/current").st_mode & 07777u);
}

TEST(LogFiles, PlantedSymlinkIsNotFollowedAndWritingResumesOnceItIsGone) {
  const std::string target = dir.file("target");
  write_file(target, "");
  refused_then_resumed([&](const std::string& at) { CHECK_EQUAL(0, symlink(target.c_str(), at.c_str())); },
                       "is a symbolic link; not following it");
  STRCMP_EQUAL("", read_file(target).c_str());
}

TEST(LogFiles, PlantedFifoIsRefusedAndWritingResumesOnceItIsGone) {
  refused_then_resumed(
      [&](const std::string& at) {
        CHECK_EQUAL(0, mkfifo(at.c_str(), 0666));
        CHECK_EQUAL(0, chmod(at.c_str(), 0666));   // whatever the umask: pmtr-log could open it
      },
      "is a FIFO");
}

TEST(LogFiles, PmtrLogRunsUnprivilegedUnderSeccompInsideTheLogDirectory) {
  write_file(conf, "log to " + logs + "\n" + job("w", line_writer("-n 1"), "  log\n  restart never\n"));
  Pmtr pmtr(conf);
  pid_t lp = -1;
  CHECK(poll_until([&] { return (lp = pmtr.logger_pid()) > 0 && !proc_status_field(lp, "Seccomp").empty() &&
                                proc_status_field(lp, "Seccomp") == "2"; },
                   10000ms));
  STRCMP_EQUAL("1", proc_status_field(lp, "NoNewPrivs").c_str());
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapAmb"})
    STRCMP_EQUAL_TEXT("0000000000000000", proc_status_field(lp, set).c_str(), set);
  if (geteuid() != 0) PMTR_SKIP("ids, bounding set and chroot: needs root");
  STRCMP_EQUAL("0000000000000000", proc_status_field(lp, "CapBnd").c_str());
  // Not root, and the same uid everywhere: real, effective, saved, fs; the
  // log directory is that user's.
  const uid_t helper = running_uid(lp);
  CHECK(helper != 0);
  const std::string uid = std::to_string(helper);
  STRCMP_EQUAL((uid + "\t" + uid + "\t" + uid + "\t" + uid).c_str(), proc_status_field(lp, "Uid").c_str());
  CHECK_EQUAL(helper, stat_of(logs).st_uid);
  char root[4096] = {};
  const ssize_t n = readlink(("/proc/" + std::to_string(lp) + "/root").c_str(), root, sizeof root - 1);
  CHECK(n > 0);
  STRCMP_EQUAL(logs.c_str(), root);
}
