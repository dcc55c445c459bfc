// `make install` on the live machine and the Debian package: what an
// administrator does, for real (the user, /etc/pmtr.conf, /etc/init.d/pmtr,
// /usr/local, dpkg), because a staging tree cannot show that the installed
// pmtr finds its parser, that the init script starts, reloads and stops it,
// or that the package's maintainer scripts do their part.
//
// These tests run only as root and only when nothing they would create
// exists already; a guard records what was there before and puts the
// machine back in its destructor, failed or not.  They hold a lock
// (SystemLock), so the groups that tests/run_all.sh runs in parallel never
// overlap on the machine's state.
#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "tests/e2e/install_support.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/system_lock.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

std::string readlink_str(const std::string& path) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Processes running `exe` (also once the file is deleted).
std::vector<pid_t> processes_running(const std::string& exe) {
  std::vector<pid_t> out;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      const pid_t p = static_cast<pid_t>(std::atoi(e->d_name));
      if (p <= 0 || !process_alive(p)) continue;
      const std::string link = readlink_str("/proc/" + std::to_string(p) + "/exe");
      if (link == exe || link == exe + " (deleted)") out.push_back(p);
    }
    closedir(d);
  }
  return out;
}

pid_t read_pidfile(const std::string& path) {
  const std::string text = read_file(path);
  return text.empty() ? -1 : static_cast<pid_t>(std::atoi(text.c_str()));
}

pid_t parser_of(pid_t monitor) {
  for (pid_t p : descendants(monitor))
    if (parent_of(p) == monitor && read_file("/proc/" + std::to_string(p) + "/comm") == "pmtr: parser\n")
      return p;
  return -1;
}

// First field of "Uid:\treal\teffective\tsaved\tfs".
uid_t real_uid_of(pid_t pid) {
  return static_cast<uid_t>(std::strtoul(proc_status_field(pid, "Uid").c_str(), nullptr, 10));
}

const char* const kLiveFiles[] = {
    "/usr/local/sbin/pmtr",          "/usr/local/libexec/pmtr/pmtr-parser",
    "/usr/local/libexec/pmtr/pmtr-log", "/usr/local/bin/pmtrctl",
    "/usr/local/share/man/man8/pmtr.8", "/usr/local/share/man/man5/pmtr.conf.5",
    "/usr/local/share/man/man8/pmtrctl.8",
    "/usr/local/share/bash-completion/completions/pmtrctl",
    "/etc/init.d/pmtr",              "/etc/pmtr.conf",
    "/run/pmtr.pid",
};
// Directories install may create; removed at the end if they were absent
// (deepest first).
const char* const kLiveDirs[] = {
    "/usr/local/libexec/pmtr", "/usr/local/libexec", "/usr/local/share/man/man8",
    "/usr/local/share/man/man5", "/usr/local/share/man", "/usr/local/share/bash-completion/completions",
    "/usr/local/share/bash-completion", "/usr/local/share", "/usr/local/sbin", "/usr/local/bin",
};

// Records what the machine had before a test that installs for real, and
// restores it: stops what the test started (by pid), uninstalls, removes
// the config and the user and group if the test created them.
class MachineGuard {
 public:
  explicit MachineGuard(std::vector<std::string> exes) : exes_(std::move(exes)) {
    user_existed_ = user_exists("pmtr");
    group_existed_ = group_exists("pmtr");
    for (const char* d : kLiveDirs)
      if (!exists(d)) absent_dirs_.push_back(d);
  }
  ~MachineGuard() {
    for (const auto& exe : exes_)
      for (pid_t p : processes_running(exe)) kill_tree(p);
    for (const auto& step : cleanup_) {
      std::string ignored;
      run_command(step, &ignored);
    }
    for (const auto& f : remove_) ::unlink(f.c_str());
    std::string ignored;
    // -f: a parser of another test's pmtr may be running as the user that
    // existed meanwhile; plain userdel would then refuse and leave it.
    if (!user_existed_ && user_exists("pmtr")) run_command({tool("userdel"), "-f", "pmtr"}, &ignored);
    if (!group_existed_ && group_exists("pmtr")) run_command({tool("groupdel"), "pmtr"}, &ignored);
    for (const auto& d : absent_dirs_) ::rmdir(d.c_str());
  }
  MachineGuard(const MachineGuard&) = delete;
  MachineGuard& operator=(const MachineGuard&) = delete;

  void on_cleanup_run(std::vector<std::string> argv) { cleanup_.push_back(std::move(argv)); }
  void on_cleanup_remove(const std::string& path) { remove_.push_back(path); }
  [[nodiscard]] bool user_existed() const { return user_existed_; }

 private:
  std::vector<std::string> exes_;
  bool user_existed_ = false;
  bool group_existed_ = false;
  std::vector<std::string> absent_dirs_;
  std::vector<std::vector<std::string>> cleanup_;
  std::vector<std::string> remove_;
};

// Runs an init script the way an administrator does, without the systemd
// redirection that /lib/lsb/init-functions applies on a systemd machine.
int init_script(const std::string& action, std::string* out) {
  out->clear();
  return run_command({"/usr/bin/env", "_SYSTEMCTL_SKIP_REDIRECT=1", "/etc/init.d/pmtr", action}, out);
}

void check_system_user() {
  const passwd* pw = getpwnam("pmtr");
  CHECK(pw != nullptr);
  if (pw == nullptr) return;
  CHECK(pw->pw_uid != 0 && pw->pw_uid < 1000);   // a system user
  STRCMP_EQUAL("/nonexistent", pw->pw_dir);
  CHECK(contains(pw->pw_shell, "nologin"));
  const group* gr = getgrnam("pmtr");
  CHECK(gr != nullptr);
  if (gr != nullptr) CHECK_EQUAL(gr->gr_gid, pw->pw_gid);
  CHECK_FALSE(exists("/nonexistent"));
}

}  // namespace

TEST_GROUP(SystemInstall) {};

// make install for real, the sysvinit script (start, status, reload, stop)
// and start-stop-daemon by hand, then make uninstall.
TEST(SystemInstall, LiveInstallSysvScriptAndStartStopDaemon) {
  PMTR_REQUIRE_ROOT();
  const std::string ssd = tool("start-stop-daemon");
  if (ssd.empty()) PMTR_SKIP("start-stop-daemon is not installed");
  if (tool("make").empty() || tool("userdel").empty()) PMTR_SKIP("make or userdel is not installed");
  SystemLock lock;
  for (const char* f : kLiveFiles)
    if (exists(f)) {
      static std::string why;
      why = std::string(f) + " exists: not touching an existing install";
      PMTR_SKIP(why.c_str());
    }
  const std::string daemon = "/usr/local/sbin/pmtr";
  if (!processes_running(daemon).empty()) PMTR_SKIP("a pmtr from /usr/local/sbin is running");

  MachineGuard guard({daemon});
  const std::vector<std::string> vars{"PREFIX=/usr/local", "INIT=sysv"};
  guard.on_cleanup_run({tool("make"), "--no-print-directory", "-C", source_dir(), "uninstall",
                        "BUILD=" + build_path(), "PREFIX=/usr/local", "INIT=sysv"});
  guard.on_cleanup_remove("/etc/pmtr.conf");
  guard.on_cleanup_remove("/run/pmtr.pid");

  std::string out;
  CHECK_EQUAL_TEXT(0, run_make("install", vars, &out), out.c_str());
  if (!guard.user_existed()) CHECK_TEXT(contains(out, "creating system user pmtr"), out.c_str());
  for (const auto& [path, mode] : std::vector<std::pair<std::string, mode_t>>{
           {"/usr/local/sbin/pmtr", 0755}, {"/usr/local/libexec/pmtr/pmtr-parser", 0755},
           {"/usr/local/libexec/pmtr/pmtr-log", 0755},
           {"/usr/local/bin/pmtrctl", 0755}, {"/usr/local/share/man/man8/pmtrctl.8", 0644},
           {"/usr/local/share/bash-completion/completions/pmtrctl", 0644},
           {"/usr/local/share/man/man8/pmtr.8", 0644}, {"/usr/local/share/man/man5/pmtr.conf.5", 0644},
           {"/etc/init.d/pmtr", 0755}, {"/etc/pmtr.conf", 0600}})
    CHECK_EQUAL_TEXT(static_cast<unsigned>(mode), static_cast<unsigned>(mode_of(path)), path.c_str());
  check_system_user();
  out.clear();
  const int check_rc = run_command({daemon, "-t", "-c", "/etc/pmtr.conf"}, &out);
  // Fails when PMTR_BUILD_DIR was built with another PREFIX: pmtr then
  // looks for pmtr-parser elsewhere than /usr/local/libexec/pmtr.
  CHECK_EQUAL_TEXT(0, check_rc, ("pmtr -t on the installed config (built with PREFIX=/usr/local?):\n" + out).c_str());
  CHECK_TEXT(contains(out, "ok (0 jobs)"), out.c_str());

  // A job, so that there is something to start and stop.
  write_file("/etc/pmtr.conf", job("live", "/bin/sleep 100501"), 0600);

  // --- the sysvinit script
  CHECK_EQUAL_TEXT(0, init_script("start", &out), out.c_str());
  const pid_t first = read_pidfile("/run/pmtr.pid");
  CHECK(process_alive(first));
  STRCMP_EQUAL(daemon.c_str(), readlink_str("/proc/" + std::to_string(first) + "/exe").c_str());
  pid_t job_pid = -1;
  CHECK(poll_until([&] { return (job_pid = find_descendant(first, "/bin/sleep 100501")) > 0; }, 5000ms));
  pid_t parser = -1;
  CHECK(poll_until([&] { return (parser = parser_of(first)) > 0; }, 5000ms));
  if (const passwd* pw = getpwnam("pmtr")) CHECK_EQUAL(pw->pw_uid, real_uid_of(parser));

  // status: the daemon's, then its jobs as pmtrctl shows them.
  CHECK(poll_until([&] { return init_script("status", &out) == 0 && contains(out, "live "); }, 5000ms));
  CHECK_TEXT(contains(out, "is running") && contains(out, "running"), out.c_str());
  CHECK_EQUAL_TEXT(0, init_script("start", &out), out.c_str());   // already running: success (LSB)
  CHECK_EQUAL(first, read_pidfile("/run/pmtr.pid"));

  CHECK_EQUAL_TEXT(0, init_script("reload", &out), out.c_str());
  // Same daemon, and the unchanged job is not touched.
  CHECK_FALSE(poll_until([&] { return find_descendant(first, "/bin/sleep 100501") != job_pid; }, 1000ms));
  CHECK(process_alive(first));
  // A broken edit: the reload fails with the diagnostics (through pmtrctl),
  // and nothing changes.
  write_file("/etc/pmtr.conf", job("live", "/bin/sleep 100501") + "jbo {\n}\n", 0600);
  CHECK_EQUAL_TEXT(1, init_script("reload", &out), out.c_str());
  CHECK_TEXT(contains(out, "pmtr.conf:5:1: error: unknown statement 'jbo'"), out.c_str());
  CHECK_EQUAL(job_pid, find_descendant(first, "/bin/sleep 100501"));
  write_file("/etc/pmtr.conf", job("live", "/bin/sleep 100501"), 0600);
  CHECK_EQUAL_TEXT(0, init_script("reload", &out), out.c_str());

  // Uninstall refuses while it runs.
  CHECK(run_make("uninstall", vars, &out) != 0);
  CHECK_TEXT(contains(out, "pmtr is running"), out.c_str());
  CHECK(exists(daemon));

  CHECK_EQUAL_TEXT(0, init_script("stop", &out), out.c_str());
  CHECK(poll_until([&] { return !process_alive(first); }, 10000ms));   // see the start-stop-daemon stop below
  CHECK_FALSE(process_alive(job_pid));
  CHECK_FALSE(exists("/run/pmtr.pid"));
  CHECK_EQUAL_TEXT(3, init_script("status", &out), out.c_str());
  CHECK_EQUAL_TEXT(7, init_script("reload", &out), out.c_str());
  CHECK_EQUAL_TEXT(0, init_script("stop", &out), out.c_str());   // already stopped: success (LSB)

  // --- start-stop-daemon by hand
  CHECK_EQUAL_TEXT(0, run_command({ssd, "--start", "--quiet", "--pidfile", "/run/pmtr.pid", "--exec", daemon,
                                   "--", "-c", "/etc/pmtr.conf", "-p", "/run/pmtr.pid"}, &out), out.c_str());
  const pid_t second = read_pidfile("/run/pmtr.pid");
  CHECK(second > 0 && second != first && process_alive(second));
  CHECK(poll_until([&] { return (job_pid = find_descendant(second, "/bin/sleep 100501")) > 0; }, 5000ms));
  out.clear();
  CHECK_EQUAL(0, run_command({ssd, "--status", "--pidfile", "/run/pmtr.pid", "--exec", daemon}, &out));
  out.clear();
  CHECK_EQUAL(0, run_command({ssd, "--stop", "--signal", "HUP", "--quiet", "--pidfile", "/run/pmtr.pid",
                              "--exec", daemon}, &out));
  CHECK_FALSE(poll_until([&] { return !process_alive(second); }, 500ms));
  out.clear();
  CHECK_EQUAL_TEXT(0, run_command({ssd, "--stop", "--quiet", "--retry", "TERM/30/KILL/5", "--pidfile",
                                   "/run/pmtr.pid", "--exec", daemon}, &out), out.c_str());
  // start-stop-daemon may return while the process is still in its last
  // steps (a sanitized build's leak check runs after pmtr has removed its
  // pidfile and stopped every job): gone shortly, not necessarily at once.
  CHECK(poll_until([&] { return !process_alive(second); }, 10000ms));
  CHECK_FALSE(process_alive(job_pid));
  out.clear();
  CHECK_EQUAL(3, run_command({ssd, "--status", "--pidfile", "/run/pmtr.pid", "--exec", daemon}, &out));

  // --- uninstall: only the config and the user remain
  const std::string conf = read_file("/etc/pmtr.conf");
  out.clear();
  CHECK_EQUAL_TEXT(0, run_make("uninstall", vars, &out), out.c_str());
  for (const char* f : kLiveFiles) {
    if (std::string(f) == "/etc/pmtr.conf") continue;
    CHECK_TEXT(!exists(f), f);
  }
  CHECK_FALSE(exists("/usr/local/libexec/pmtr"));
  STRCMP_EQUAL(conf.c_str(), read_file("/etc/pmtr.conf").c_str());
  CHECK_EQUAL(0600u, static_cast<unsigned>(mode_of("/etc/pmtr.conf")));
  CHECK(user_exists("pmtr"));
}

namespace {

std::string dpkg_status(const std::string& pkg) {
  std::string out;
  run_command({tool("dpkg-query"), "-W", "-f=${Status}", pkg}, &out);
  return out;
}

// Known to dpkg in any state but "not-installed" (unpacked, half-configured,
// config-files, installed).
bool package_present(const std::string& pkg) {
  const std::string st = dpkg_status(pkg);
  return !st.empty() && !contains(st, "no packages found") && !contains(st, "not-installed");
}

// Boot links of a sysvinit script in /etc/rc?.d.
std::vector<std::string> rc_links(const std::string& name) {
  std::vector<std::string> out;
  for (const char* level : {"0", "1", "2", "3", "4", "5", "6", "S"}) {
    const std::string d = std::string("/etc/rc") + level + ".d";
    for (const auto& [entry, node] : tree(d))
      if (entry.size() > name.size() && entry.compare(entry.size() - name.size(), name.size(), name) == 0 &&
          (entry[0] == 'S' || entry[0] == 'K'))
        out.push_back(d + "/" + entry);
  }
  return out;
}

// build-deb/pmtr_VERSION_ARCH.deb from `make deb`, or $PMTR_DEB.
std::string deb_path() {
  if (const char* p = std::getenv("PMTR_DEB"); p != nullptr && *p != '\0') return p;
  std::string arch;
  run_command({tool("dpkg"), "--print-architecture"}, &arch);
  std::string version = trim(read_file(source_dir() + "/VERSION"));
  return source_dir() + "/build-deb/pmtr_" + version + "_" + trim(arch) + ".deb";
}

time_t mtime(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_mtime : 0;
}

// The packaging files newer than the .deb: it no longer shows what they do.
std::string newer_packaging(const std::string& deb) {
  const time_t built = mtime(deb);
  for (const char* d : {"debian", "debian/source", "init"}) {
    const std::string dirpath = source_dir() + "/" + d;
    for (const auto& [name, node] : tree(dirpath))
      if (node.type == 'f' && name.find('/') == std::string::npos && mtime(dirpath + "/" + name) > built)
        return std::string(d) + "/" + name;
  }
  return "";
}

}  // namespace

// The .deb from `make deb`: dpkg -i creates the user, the installed pmtr
// checks the shipped config and runs from the packaged init script, dpkg -r
// removes the programs, dpkg -P the conffiles.  Building the package takes
// minutes, so this test uses the one `make deb` left (docs/packaging.md).
TEST(SystemInstall, DebPackageInstallsAndRemoves) {
  PMTR_REQUIRE_ROOT();
  if (tool("dpkg").empty() || tool("dpkg-query").empty() || tool("userdel").empty())
    PMTR_SKIP("dpkg or userdel is not installed");
  static std::string why;
  const std::string deb = deb_path();
  if (!exists(deb)) {
    why = deb + " not found: run `make deb` first";
    PMTR_SKIP(why.c_str());
  }
  if (const std::string newer = newer_packaging(deb); !newer.empty()) {
    why = newer + " is newer than " + deb + ": run `make deb` again";
    PMTR_SKIP(why.c_str());
  }
  SystemLock lock;
  if (package_present("pmtr")) PMTR_SKIP("package pmtr is already installed");
  if (!rc_links("pmtr").empty()) PMTR_SKIP("boot links for pmtr exist in /etc/rc?.d");
  for (const char* f : {"/usr/sbin/pmtr", "/etc/pmtr.conf", "/etc/init.d/pmtr", "/lib/systemd/system/pmtr.service",
                        "/run/pmtr.pid"})
    if (exists(f)) {
      why = std::string(f) + " exists: not touching it";
      PMTR_SKIP(why.c_str());
    }

  const std::string daemon = "/usr/sbin/pmtr";
  MachineGuard guard({daemon});
  guard.on_cleanup_run({"/usr/bin/env", "DEBIAN_FRONTEND=noninteractive", tool("dpkg"), "--purge", "pmtr"});
  guard.on_cleanup_remove("/run/pmtr.pid");

  // The package as built.
  std::string out;
  CHECK_EQUAL(0, run_command({tool("dpkg-deb"), "-c", deb}, &out));
  for (const char* entry : {"-rwxr-xr-x root/root", "./usr/sbin/pmtr\n", "./usr/libexec/pmtr/pmtr-parser\n",
                            "./usr/libexec/pmtr/pmtr-log\n", "./usr/libexec/pmtr/pmtr-net\n",
                            "-rw------- root/root", "./etc/pmtr.conf\n", "./etc/init.d/pmtr\n",
                            "./lib/systemd/system/pmtr.service\n", "./usr/share/man/man8/pmtr.8.gz\n",
                            "./usr/share/man/man5/pmtr.conf.5.gz\n", "./usr/bin/pmtrctl\n",
                            "./usr/share/man/man8/pmtrctl.8.gz\n",
                            "./usr/share/bash-completion/completions/pmtrctl\n"})
    CHECK_TEXT(contains(out, entry), entry);
  out.clear();
  CHECK_EQUAL(0, run_command({tool("dpkg-deb"), "-f", deb, "Depends"}, &out));
  CHECK_TEXT(contains(out, "adduser") && contains(out, "libseccomp2") && contains(out, "libcap-ng0"), out.c_str());

  out.clear();
  CHECK_EQUAL_TEXT(0, run_command({"/usr/bin/env", "DEBIAN_FRONTEND=noninteractive", tool("dpkg"), "-i", deb}, &out),
                   out.c_str());
  CHECK_TEXT(contains(dpkg_status("pmtr"), "install ok installed"), dpkg_status("pmtr").c_str());
  CHECK_FALSE(rc_links("pmtr").empty());   // update-rc.d defaults
  out.clear();
  CHECK_EQUAL(0, run_command({tool("dpkg-query"), "--showformat=${Conffiles}", "-W", "pmtr"}, &out));
  CHECK_TEXT(contains(out, "/etc/pmtr.conf ") && contains(out, "/etc/init.d/pmtr "), out.c_str());
  check_system_user();
  CHECK_EQUAL(0600u, static_cast<unsigned>(mode_of("/etc/pmtr.conf")));
  // make install must not overwrite the package's files, and refuses before
  // writing anything.
  if (!exists("/usr/local/sbin/pmtr") && !tool("make").empty()) {
    out.clear();
    CHECK(run_make("install", {"PREFIX=/usr/local", "INIT=sysv"}, &out) != 0);
    CHECK_TEXT(contains(out, "/etc/init.d/pmtr belongs to a Debian package (pmtr)"), out.c_str());
    CHECK_FALSE(exists("/usr/local/sbin/pmtr"));
  }
  out.clear();
  CHECK_EQUAL_TEXT(0, run_command({daemon, "-t", "-c", "/etc/pmtr.conf"}, &out), out.c_str());
  CHECK_TEXT(contains(out, "/etc/pmtr.conf: ok (0 jobs)"), out.c_str());
  CHECK(contains(read_file("/lib/systemd/system/pmtr.service"), "\nExecStart=/usr/sbin/pmtr -F -c /etc/pmtr.conf\n"));

  // The packaged script starts the packaged pmtr, whose parser runs as the
  // new user.  (postinst may have started it already, unless policy-rc.d
  // forbids it, as in most containers: start succeeds either way.)
  CHECK_EQUAL_TEXT(0, init_script("start", &out), out.c_str());
  const pid_t pid = read_pidfile("/run/pmtr.pid");
  CHECK(process_alive(pid));
  STRCMP_EQUAL(daemon.c_str(), readlink_str("/proc/" + std::to_string(pid) + "/exe").c_str());
  pid_t parser = -1;
  CHECK(poll_until([&] { return (parser = parser_of(pid)) > 0; }, 5000ms));
  if (const passwd* pw = getpwnam("pmtr")) CHECK_EQUAL(pw->pw_uid, real_uid_of(parser));
  CHECK_EQUAL_TEXT(0, init_script("stop", &out), out.c_str());
  CHECK_FALSE(process_alive(pid));

  out.clear();
  CHECK_EQUAL_TEXT(0, run_command({"/usr/bin/env", "DEBIAN_FRONTEND=noninteractive", tool("dpkg"), "-r", "pmtr"}, &out),
                   out.c_str());
  CHECK_FALSE(exists("/usr/sbin/pmtr"));
  CHECK_FALSE(exists("/usr/libexec/pmtr/pmtr-parser"));
  CHECK_FALSE(exists("/usr/libexec/pmtr/pmtr-log"));
  CHECK_FALSE(exists("/usr/libexec/pmtr/pmtr-net"));
  CHECK_FALSE(exists("/usr/share/man/man8/pmtr.8.gz"));
  CHECK(processes_running(daemon).empty());
  CHECK(exists("/etc/pmtr.conf"));   // a conffile stays until purge
  CHECK(user_exists("pmtr"));

  out.clear();
  CHECK_EQUAL_TEXT(0, run_command({"/usr/bin/env", "DEBIAN_FRONTEND=noninteractive", tool("dpkg"), "-P", "pmtr"}, &out),
                   out.c_str());
  CHECK_FALSE(exists("/etc/pmtr.conf"));
  CHECK_FALSE(exists("/etc/init.d/pmtr"));
  CHECK_FALSE(exists("/etc/systemd/system/multi-user.target.wants/pmtr.service"));
  CHECK(rc_links("pmtr").empty());
  CHECK_FALSE(package_present("pmtr"));
}

TEST(SystemInstall, DebPackageHasNoLintianErrors) {
  const std::string lintian = tool("lintian");
  if (lintian.empty()) PMTR_SKIP("lintian is not installed");
  static std::string why;
  const std::string deb = deb_path();
  if (!exists(deb)) {
    why = deb + " not found: run `make deb` first";
    PMTR_SKIP(why.c_str());
  }
  std::string out;
  run_command({lintian, deb}, &out);
  // Warnings are listed in docs/packaging.md; errors fail.
  std::string errors;
  size_t pos = 0;
  while ((pos = out.find("E: ", pos)) != std::string::npos) {
    if (pos == 0 || out[pos - 1] == '\n') errors += out.substr(pos, out.find('\n', pos) - pos) + "\n";
    pos += 3;
  }
  STRCMP_EQUAL_TEXT("", errors.c_str(), out.c_str());
}
