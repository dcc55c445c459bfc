// Root only: jobs with a `user` line, run as a user and groups created for
// the test (unique names, removed in teardown even when a check fails).
// The EACCES cases prove that dir and the streams are opened after the
// switch to the job's user, never with root's rights.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>
#include <string>

#include "common/unique_fd.hpp"
#include "spawner/spawn.hpp"
#include "tests/spawner/spawn_fixture.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using pmtr::spawntest::make_job;
using pmtr::spawntest::read_text;
using pmtr::spawntest::status_field;

namespace {

std::set<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::set<std::string> out;
  std::string w;
  while (in >> w) out.insert(w);
  return out;
}

}  // namespace

TEST_GROUP(SpawnAsUser) {
  // Declared first, destroyed last: the user goes after its processes.
  std::string user;
  std::string supp_group;
  bool user_created = false;
  bool group_created = false;
  uid_t uid = 0;
  gid_t gid = 0;
  gid_t supp_gid = 0;
  spawntest::TempDir tmp;
  spawntest::Children children;
  unique_fd fifo;

  void setup() override {
    if (geteuid() != 0) return;
    const std::string base = "pmtrtest" + spawntest::random_suffix();
    supp_group = base + "g";
    user = base + "u";
    group_created = spawntest::run_program({"/usr/sbin/groupadd", supp_group}) == 0;
    CHECK(group_created);
    // -U: a primary group of the user's own name, removed by userdel.
    user_created = spawntest::run_program({"/usr/sbin/useradd", "-M", "-U", "-G", supp_group, "-d",
                                           "/nonexistent/" + user, "-s", "/bin/sh", user}) == 0;
    CHECK(user_created);
    const passwd* pw = getpwnam(user.c_str());
    CHECK(pw != nullptr);
    uid = pw->pw_uid;
    gid = pw->pw_gid;
    const group* gr = getgrnam(supp_group.c_str());
    CHECK(gr != nullptr);
    supp_gid = gr->gr_gid;
    CHECK_EQUAL(0, chmod(tmp.path().c_str(), 0711));   // the user may pass through
  }

  void teardown() override {
    fifo.reset();
    if (user_created) {
      spawntest::run_program({"/usr/sbin/userdel", user});
      if (getgrnam(user.c_str()) != nullptr) spawntest::run_program({"/usr/sbin/groupdel", user});
    }
    if (group_created) spawntest::run_program({"/usr/sbin/groupdel", supp_group});
  }

  JobDesc as_user(std::vector<std::string> argv, std::string dir) {
    JobDesc job = make_job(std::move(argv), std::move(dir));
    job.user = user;
    return job;
  }

  // A directory of the test's, owned by `owner`.
  std::string make_dir(const std::string& name, uid_t owner, gid_t group, mode_t mode) {
    const std::string d = tmp / name;
    CHECK_EQUAL(0, mkdir(d.c_str(), mode));
    CHECK_EQUAL(0, chown(d.c_str(), owner, group));
    CHECK_EQUAL(0, chmod(d.c_str(), mode));
    return d;
  }

  pid_t start(const JobDesc& job) { return spawntest::expect_spawn_exec(children, job); }

  SpawnFailure expect_failure(const JobDesc& job) { return spawntest::expect_spawn_failure(children, job); }
};

TEST(SpawnAsUser, RunsWithTheUsersIdsAndNoCapabilities) {
  PMTR_REQUIRE_ROOT();
  const std::string fifo_path = tmp / "stdin";
  CHECK_EQUAL(0, mkfifo(fifo_path.c_str(), 0600));
  CHECK_EQUAL(0, chown(fifo_path.c_str(), uid, gid));
  fifo.reset(open(fifo_path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  CHECK(fifo.valid());
  JobDesc job = as_user({"/bin/cat"}, "/");
  job.in = fifo_path;
  const pid_t pid = start(job);
  CHECK(spawntest::wait_blocked_reading_stdin(pid));

  const std::string u = std::to_string(uid);
  const std::string g = std::to_string(gid);
  STRCMP_EQUAL((u + " " + u + " " + u + " " + u).c_str(), status_field(pid, "Uid").c_str());
  STRCMP_EQUAL((g + " " + g + " " + g + " " + g).c_str(), status_field(pid, "Gid").c_str());
  CHECK(words(status_field(pid, "Groups")) == (std::set<std::string>{g, std::to_string(supp_gid)}));
  STRCMP_EQUAL("0000000000000000", status_field(pid, "CapEff").c_str());
  STRCMP_EQUAL("0000000000000000", status_field(pid, "CapPrm").c_str());
  STRCMP_EQUAL("0000000000000000", status_field(pid, "CapAmb").c_str());

  fifo.reset();
  const int status = children.reap(pid);
  CHECK(WIFEXITED(status));
  CHECK_EQUAL(0, WEXITSTATUS(status));
}

TEST(SpawnAsUser, EnvironmentNamesTheUserAndOutputIsTheirs) {
  PMTR_REQUIRE_ROOT();
  const std::string work = make_dir("work", uid, gid, 0755);
  JobDesc job = as_user({"/usr/bin/env"}, work);
  job.out = "env.txt";
  job.env = {"LANG=C"};
  const int status = children.reap(start(job));
  CHECK(WIFEXITED(status));
  CHECK_EQUAL(0, WEXITSTATUS(status));
  const std::string want =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
      "HOME=/nonexistent/" + user + "\nUSER=" + user + "\nLOGNAME=" + user +
      "\nSHELL=/bin/sh\nLANG=C\n";
  STRCMP_EQUAL(want.c_str(), read_text(work + "/env.txt").c_str());
  struct stat st {};
  CHECK_EQUAL(0, stat((work + "/env.txt").c_str(), &st));
  CHECK_EQUAL(uid, st.st_uid);
  CHECK_EQUAL(gid, st.st_gid);
  CHECK_EQUAL(0640u, st.st_mode & 07777u);
}

TEST(SpawnAsUser, OutInADirectoryTheUserCannotWriteIsRefused) {
  PMTR_REQUIRE_ROOT();
  const std::string root_dir = make_dir("rootdir", 0, 0, 0755);
  JobDesc job = as_user({"/bin/true"}, root_dir);
  job.out = "out.txt";
  const SpawnFailure f = expect_failure(job);
  CHECK(f.step == SpawnStep::OpenOut);
  CHECK_EQUAL(EACCES, f.err);
  CHECK(access((root_dir + "/out.txt").c_str(), F_OK) != 0);
}

TEST(SpawnAsUser, SymlinkPlantedByTheUserGainsNothing) {
  PMTR_REQUIRE_ROOT();
  // The user owns the job's dir and points `out` at a file only root may
  // write: appending to it would be a privilege escalation.
  const std::string root_dir = make_dir("rootdir", 0, 0, 0755);
  const std::string target = root_dir + "/precious";
  spawntest::write_text(target, "root's\n");
  CHECK_EQUAL(0, chmod(target.c_str(), 0644));
  const std::string work = make_dir("work", uid, gid, 0755);
  CHECK_EQUAL(0, symlink(target.c_str(), (work + "/out.txt").c_str()));
  JobDesc job = as_user({"/bin/sh", "-c", "echo pwned"}, work);
  job.out = "out.txt";
  const SpawnFailure f = expect_failure(job);
  CHECK(f.step == SpawnStep::OpenOut);
  CHECK_EQUAL(EACCES, f.err);
  STRCMP_EQUAL("root's\n", read_text(target).c_str());
}

TEST(SpawnAsUser, DirTheUserCannotEnterIsRefused) {
  PMTR_REQUIRE_ROOT();
  const std::string root_dir = make_dir("private", 0, 0, 0700);
  const SpawnFailure f = expect_failure(as_user({"/bin/true"}, root_dir));
  CHECK(f.step == SpawnStep::Chdir);
  CHECK_EQUAL(EACCES, f.err);
}

TEST(SpawnAsUser, InputTheUserCannotReadIsRefused) {
  PMTR_REQUIRE_ROOT();
  const std::string secret = tmp / "secret";
  spawntest::write_text(secret, "root only\n");
  CHECK_EQUAL(0, chmod(secret.c_str(), 0600));
  JobDesc job = as_user({"/bin/cat"}, "/");
  job.in = secret;
  const SpawnFailure f = expect_failure(job);
  CHECK(f.step == SpawnStep::OpenIn);
  CHECK_EQUAL(EACCES, f.err);
}
