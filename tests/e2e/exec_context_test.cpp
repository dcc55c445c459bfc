// A job's execution context end to end (pmtr.conf(5) JOB OPTIONS):
// cwd, standard streams, environment, umask, fds, session, signals, nice,
// affinity, limits and the `user` switch, read back from /proc of the
// running job.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

constexpr const char* kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "|") + x;
  return s;
}

std::string readlink_str(const std::string& path) {
  char buf[4096];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Field n (1-based, as in proc(5)) of /proc/PID/stat.
std::string stat_field(pid_t pid, int n) {
  const std::string st = read_file("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = st.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream in(st.substr(close + 2));
  std::string tok;
  for (int i = 3; i <= n && (in >> tok); ++i) {
    if (i == n) return tok;
  }
  return {};
}

// The numbers of one "Max ..." line of /proc/PID/limits: soft and hard.
std::string limit_line(pid_t pid, const std::string& what) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/limits"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(what, 0) != 0) continue;
    std::istringstream rest(line.substr(what.size()));
    std::string soft, hard;
    rest >> soft >> hard;
    return soft + " " + hard;
  }
  return {};
}

bool has_entry(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

bool has_name(const std::vector<std::string>& env, const std::string& name) {
  return std::any_of(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(name + "=", 0) == 0; });
}

}  // namespace

TEST_GROUP(ExecContext) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(ExecContext, DirAndStreamsRelativeToDirOutAppended) {
  const std::string work = dir.file("work");
  CHECK_EQUAL(0, mkdir(work.c_str(), 0755));
  write_file(work + "/input.txt", "input-data\n");
  write_file(work + "/job.out", "previous\n");
  const auto def = [&](const std::string& v) {
    return job("io", "/bin/sh -c \"echo out-$V; echo err-$V >&2; /bin/cat; exec /bin/sleep 1201\"",
               "  dir " + work + "\n  in input.txt\n  out job.out\n  err job.err\n  env V=" + v + "\n");
  };
  write_file(conf, def("1"));
  Pmtr pmtr(conf);
  const pid_t p1 = pmtr.wait_job("io", 5000ms);
  CHECK(p1 > 0);
  CHECK(poll_until([&] { return proc_cmdline(p1) == "/bin/sleep 1201"; }, 5000ms));
  STRCMP_EQUAL(work.c_str(), readlink_str("/proc/" + std::to_string(p1) + "/cwd").c_str());
  STRCMP_EQUAL("previous\nout-1\ninput-data\n", read_file(work + "/job.out").c_str());
  STRCMP_EQUAL("err-1\n", read_file(work + "/job.err").c_str());
  struct stat st;
  CHECK_EQUAL(0, stat((work + "/job.err").c_str(), &st));
  CHECK_EQUAL(0640, st.st_mode & 07777);

  // A changed definition restarts it at once; out and err are appended to.
  write_file(conf, def("2"));
  const pid_t p2 = pmtr.wait_new_pid("io", p1, 5000ms);
  CHECK(p2 > 0);
  CHECK(poll_until([&] { return proc_cmdline(p2) == "/bin/sleep 1201"; }, 5000ms));
  STRCMP_EQUAL("previous\nout-1\ninput-data\nout-2\ninput-data\n", read_file(work + "/job.out").c_str());
  STRCMP_EQUAL("err-1\nerr-2\n", read_file(work + "/job.err").c_str());
}

TEST(ExecContext, DefaultStreamsAreDevNullAndCwdIsRoot) {
  write_file(conf, job("plain", "/bin/sleep 1202"));
  Pmtr pmtr(conf);
  const pid_t p = pmtr.wait_job("plain", 5000ms);
  CHECK(p > 0);
  CHECK(poll_until([&] { return proc_cmdline(p) == "/bin/sleep 1202"; }, 5000ms));
  const std::string fd = "/proc/" + std::to_string(p) + "/fd/";
  for (const char* n : {"0", "1", "2"}) STRCMP_EQUAL("/dev/null", readlink_str(fd + n).c_str());
  STRCMP_EQUAL("/", readlink_str("/proc/" + std::to_string(p) + "/cwd").c_str());
}

TEST(ExecContext, CleanEnvironmentWithEnvLines) {
  write_file(conf, job("envy", "/bin/sleep 1211", "  env A=1\n  env B=b=c\n  env C=\"two words\"\n") +
                       job("ownpath", "/bin/sleep 1212", "  env PATH=/opt/e2e/bin\n"));
  // pmtr's own environment carries a marker, a HOME and a PATH of its own:
  // none of them may reach a job.
  Pmtr pmtr(conf, {}, {"PMTR_E2E_LEAK=must-not-reach-jobs", "HOME=/leak-home", "PATH=/leak/bin:/usr/bin:/bin"});
  const pid_t envy = pmtr.wait_job("envy", 5000ms), ownpath = pmtr.wait_job("ownpath", 5000ms);
  CHECK(envy > 0 && ownpath > 0);
  CHECK(poll_until([&] { return proc_cmdline(envy) == "/bin/sleep 1211"; }, 5000ms));
  CHECK(poll_until([&] { return proc_cmdline(ownpath) == "/bin/sleep 1212"; }, 5000ms));
  // Precondition: pmtr itself did get the marker.
  CHECK(has_entry(proc_environ(pmtr.pid()), "PMTR_E2E_LEAK=must-not-reach-jobs"));
  // Exactly the default PATH, then the env lines in file order.
  STRCMP_EQUAL((std::string(kDefaultPath) + "|A=1|B=b=c|C=two words").c_str(), join(proc_environ(envy)).c_str());
  STRCMP_EQUAL("PATH=/opt/e2e/bin", join(proc_environ(ownpath)).c_str());
}

TEST(ExecContext, UmaskFdsSessionAndSignalsReset) {
  write_file(conf, job("ctx", "/bin/sleep 1221"));
  // Give pmtr what a job must not inherit: a restrictive umask, an fd
  // without close-on-exec, an ignored signal.
  const mode_t old_mask = umask(077);
  const int stray = open("/dev/null", O_RDONLY);   // no O_CLOEXEC on purpose
  struct sigaction ign {}, old_usr1 {};
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  sigaction(SIGUSR1, &ign, &old_usr1);
  Pmtr pmtr(conf);
  sigaction(SIGUSR1, &old_usr1, nullptr);
  umask(old_mask);
  const pid_t p = pmtr.wait_job("ctx", 5000ms);
  CHECK(p > 0);
  CHECK(poll_until([&] { return proc_cmdline(p) == "/bin/sleep 1221"; }, 5000ms));
  const auto pmtr_fds = proc_fds(pmtr.pid());
  close(stray);

  // Preconditions: pmtr itself has all three.
  STRCMP_EQUAL("0077", proc_status_field(pmtr.pid(), "Umask").c_str());
  CHECK(std::find(pmtr_fds.begin(), pmtr_fds.end(), stray) != pmtr_fds.end());
  CHECK(std::strtoull(proc_status_field(pmtr.pid(), "SigIgn").c_str(), nullptr, 16) & (1ULL << (SIGUSR1 - 1)));
  CHECK(std::strtoull(proc_status_field(pmtr.pid(), "SigBlk").c_str(), nullptr, 16) != 0);

  STRCMP_EQUAL("0022", proc_status_field(p, "Umask").c_str());
  // Right after exec the dynamic loader briefly holds ld.so.cache and
  // libc open on fd 3 (the new cmdline shows by then): poll until the job
  // has started properly, then it must have exactly 0, 1, 2.
  std::vector<int> fds;
  CHECK(poll_until([&] { return (fds = proc_fds(p)) == std::vector<int>({0, 1, 2}); }, 5000ms));
  CHECK_EQUAL(3u, fds.size());
  CHECK_EQUAL(p, getsid(p));
  CHECK_EQUAL(p, getpgid(p));
  STRCMP_EQUAL("0000000000000000", proc_status_field(p, "SigIgn").c_str());
  STRCMP_EQUAL("0000000000000000", proc_status_field(p, "SigBlk").c_str());
}

TEST(ExecContext, NiceValues) {
  PMTR_REQUIRE_ROOT();   // a negative nice needs privilege
  write_file(conf, job("nice5", "/bin/sleep 1231", "  nice 5\n") + job("nicem5", "/bin/sleep 1232", "  nice -5\n") +
                       job("nonice", "/bin/sleep 1233"));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("nice5", 5000ms), b = pmtr.wait_job("nicem5", 5000ms),
              c = pmtr.wait_job("nonice", 5000ms);
  CHECK(a > 0 && b > 0 && c > 0);
  CHECK(poll_until([&] { return proc_cmdline(a) == "/bin/sleep 1231" && proc_cmdline(b) == "/bin/sleep 1232"; },
                   5000ms));
  STRCMP_EQUAL("5", stat_field(a, 19).c_str());
  STRCMP_EQUAL("-5", stat_field(b, 19).c_str());
  STRCMP_EQUAL(stat_field(pmtr.pid(), 19).c_str(), stat_field(c, 19).c_str());
}

TEST(ExecContext, CpuAffinity) {
  write_file(conf, job("cpu0", "/bin/sleep 1241", "  cpu 0\n") + job("anycpu", "/bin/sleep 1242"));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("cpu0", 5000ms), b = pmtr.wait_job("anycpu", 5000ms);
  CHECK(a > 0 && b > 0);
  CHECK(poll_until([&] { return proc_cmdline(a) == "/bin/sleep 1241"; }, 5000ms));
  STRCMP_EQUAL("0", proc_status_field(a, "Cpus_allowed_list").c_str());
  STRCMP_EQUAL(proc_status_field(pmtr.pid(), "Cpus_allowed_list").c_str(),
               proc_status_field(b, "Cpus_allowed_list").c_str());
}

TEST(ExecContext, Ulimits) {
  write_file(conf, job("lim", "/bin/sleep 1251", "  ulimit -n 64\n") +
                       job("limblock", "/bin/sleep 1252", "  ulimit { -n 128 -c infinity }\n"));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("lim", 5000ms), b = pmtr.wait_job("limblock", 5000ms);
  CHECK(a > 0 && b > 0);
  CHECK(poll_until([&] { return proc_cmdline(a) == "/bin/sleep 1251" && proc_cmdline(b) == "/bin/sleep 1252"; },
                   5000ms));
  STRCMP_EQUAL("64 64", limit_line(a, "Max open files").c_str());
  STRCMP_EQUAL("128 128", limit_line(b, "Max open files").c_str());
  STRCMP_EQUAL("unlimited unlimited", limit_line(b, "Max core file size").c_str());
}

// ---- `user` (root only) ------------------------------------------------------

TEST_GROUP(ExecUser) {
  TempDir dir;
  std::string conf;
  std::string user, grp;
  bool made_user = false, made_group = false;
  void setup() override {
    conf = dir.file("pmtr.conf");
    user = "pmtre2e" + std::to_string(getpid());
    grp = "pmtre2eg" + std::to_string(getpid());
  }
  void teardown() override {
    std::string out;
    if (made_user) {
      run_command({"/usr/sbin/userdel", user}, &out);
      // useradd's private group, in case userdel kept it.
      run_command({"/usr/sbin/groupdel", user}, &out);
    }
    if (made_group) run_command({"/usr/sbin/groupdel", grp}, &out);
  }
  void make_user() {
    std::string out;
    made_group = run_command({"/usr/sbin/groupadd", grp}, &out) == 0;
    CHECK_TEXT(made_group, out.c_str());
    made_user = run_command({"/usr/sbin/useradd", "-M", "-s", "/usr/sbin/nologin", "-d", "/nonexistent", user},
                            &out) == 0;
    CHECK_TEXT(made_user, out.c_str());
    CHECK_EQUAL(0, run_command({"/usr/sbin/usermod", "-aG", grp, user}, &out));
  }
};

TEST(ExecUser, RunsWithTheUsersIdsGroupsAndEnvironment) {
  PMTR_REQUIRE_ROOT();
  make_user();
  const passwd* pw = getpwnam(user.c_str());
  const struct group* gr = getgrnam(grp.c_str());
  CHECK(pw != nullptr && gr != nullptr);
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid, extra = gr->gr_gid;
  // A directory of the user's own, where the job creates its output file.
  const std::string work = dir.file("home");
  CHECK_EQUAL(0, mkdir(work.c_str(), 0755));
  CHECK_EQUAL(0, chown(work.c_str(), uid, gid));

  write_file(conf, job("asuser", "/bin/sleep 1261",
                       "  user " + user + "\n  dir " + work + "\n  out job.out\n  env EXTRA=1\n"));
  Pmtr pmtr(conf);
  const pid_t p = pmtr.wait_job("asuser", 5000ms);
  CHECK(p > 0);
  CHECK(poll_until([&] { return proc_cmdline(p) == "/bin/sleep 1261"; }, 5000ms));

  const std::string u = std::to_string(uid), g = std::to_string(gid);
  STRCMP_EQUAL((u + "\t" + u + "\t" + u + "\t" + u).c_str(), proc_status_field(p, "Uid").c_str());
  STRCMP_EQUAL((g + "\t" + g + "\t" + g + "\t" + g).c_str(), proc_status_field(p, "Gid").c_str());
  std::set<gid_t> groups;
  std::istringstream gs(proc_status_field(p, "Groups"));
  for (unsigned v; gs >> v;) groups.insert(static_cast<gid_t>(v));
  CHECK(groups == std::set<gid_t>({gid, extra}));
  for (const char* cap : {"CapInh", "CapPrm", "CapEff", "CapAmb"})
    STRCMP_EQUAL("0000000000000000", proc_status_field(p, cap).c_str());

  const auto env = proc_environ(p);
  CHECK(has_entry(env, kDefaultPath));
  CHECK(has_entry(env, "HOME=/nonexistent"));
  CHECK(has_entry(env, "USER=" + user));
  CHECK(has_entry(env, "LOGNAME=" + user));
  CHECK(has_entry(env, "SHELL=/usr/sbin/nologin"));
  CHECK(has_entry(env, "EXTRA=1"));
  CHECK_EQUAL(6u, env.size());

  // The output file was created by the job's user, not by root.
  struct stat st;
  CHECK(poll_until([&] { return stat((work + "/job.out").c_str(), &st) == 0; }, 2000ms));
  CHECK_EQUAL(uid, st.st_uid);
}

TEST(ExecUser, NoUserLineMeansNoUserEnvironment) {
  write_file(conf, job("nouser", "/bin/sleep 1262"));
  Pmtr pmtr(conf, {}, {"HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/bash"});
  const pid_t p = pmtr.wait_job("nouser", 5000ms);
  CHECK(p > 0);
  CHECK(poll_until([&] { return proc_cmdline(p) == "/bin/sleep 1262"; }, 5000ms));
  const auto env = proc_environ(p);
  for (const char* name : {"HOME", "USER", "LOGNAME", "SHELL"}) CHECK_FALSE(has_name(env, name));
  CHECK_EQUAL(geteuid(), static_cast<uid_t>(std::atoi(proc_status_field(p, "Uid").c_str())));
}
