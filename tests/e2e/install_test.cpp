// The boot service (issue 5) end to end: `make install` / `make uninstall`
// into a staging tree and on the live system, the sysvinit script and
// start-stop-daemon, the man pages and init scripts through their linters,
// the Debian package, and pmtr as process 1 of a PID namespace (what a
// container runs).
//
// Tests that change the machine (the pmtr user, /etc/pmtr.conf,
// /etc/init.d/pmtr, /usr/local, a dpkg install) run only as root and only
// when nothing they would create exists already; a guard records what was
// there before and puts the machine back in its destructor, failed or not.
// They hold a lock (SystemLock), so the groups that tests/run_all.sh runs in
// parallel never overlap on the machine's state.
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) != nullptr ? std::string(buf) : p;
}

// The source tree: $PMTR_SOURCE_DIR, else the parent of the build dir
// (build dirs live in the tree), else the working directory.
std::string source_dir() {
  if (const char* d = std::getenv("PMTR_SOURCE_DIR"); d != nullptr && *d != '\0') return real_path(d);
  const std::string guess = real_path(build_dir() + "/..");
  if (access((guess + "/init/install.sh").c_str(), X_OK) == 0) return guess;
  return real_path(".");
}

std::string build_path() { return real_path(build_dir()); }

// run_command execs without a PATH search.
std::string tool(const std::string& name) {
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"}) {
    const std::string p = std::string(dir) + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

// An init template as install.sh writes it.
std::string substituted(const std::string& name, const std::string& sbindir, const std::string& sysconfdir) {
  return replace_all(replace_all(read_file(source_dir() + "/init/" + name), "@SBINDIR@", sbindir),
                     "@SYSCONFDIR@", sysconfdir);
}

bool exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
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

struct Node {
  char type = '?';   // f d l ?
  mode_t mode = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

void walk(const std::string& root, const std::string& rel, std::map<std::string, Node>& out) {
  DIR* d = opendir(rel.empty() ? root.c_str() : (root + "/" + rel).c_str());
  if (d == nullptr) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  for (const auto& n : names) {
    const std::string r = rel.empty() ? n : rel + "/" + n;
    struct stat st {};
    if (lstat((root + "/" + r).c_str(), &st) != 0) continue;
    Node node;
    node.type = S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : S_ISLNK(st.st_mode) ? 'l' : '?';
    node.mode = st.st_mode & 07777;
    node.uid = st.st_uid;
    node.gid = st.st_gid;
    out[r] = node;
    if (node.type == 'd') walk(root, r, out);
  }
}

// Everything below root, by path relative to it.
std::map<std::string, Node> tree(const std::string& root) {
  std::map<std::string, Node> out;
  walk(root, "", out);
  return out;
}

std::set<std::string> non_dirs(const std::map<std::string, Node>& t) {
  std::set<std::string> out;
  for (const auto& [path, node] : t)
    if (node.type != 'd') out.insert(path);
  return out;
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += x + " ";
  return out;
}

// `make TARGET VARS...` in the source tree with our build dir.  `-o all`:
// the programs under test are the ones already built; install must not
// rebuild them (another session's edits would make it try).
int run_make(const std::string& target, const std::vector<std::string>& vars, std::string* out) {
  std::vector<std::string> argv{tool("make"), "--no-print-directory", "-C", source_dir(), "-o", "all",
                                target, "BUILD=" + build_path()};
  argv.insert(argv.end(), vars.begin(), vars.end());
  return run_command(argv, out);
}

// Serialises the tests that touch the machine's state across processes.
// The lock is a flock on the /run/lock directory itself, so no lock file is
// left behind (and a crashed test releases it).
class SystemLock {
 public:
  SystemLock() {
    fd_ = ::open("/run/lock", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) fd_ = ::open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~SystemLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  SystemLock(const SystemLock&) = delete;
  SystemLock& operator=(const SystemLock&) = delete;

 private:
  int fd_ = -1;
};

bool user_exists(const char* name) { return getpwnam(name) != nullptr; }
bool group_exists(const char* name) { return getgrnam(name) != nullptr; }

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

// Ends a daemon this test started through an init script (it is not our
// child) and everything below it, by pid.
void kill_tree(pid_t pid) {
  if (pid <= 0) return;
  const auto below = descendants(pid);
  kill(pid, SIGKILL);
  for (pid_t p : below) kill(p, SIGKILL);
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

std::string job(const std::string& name, const std::string& cmd, const std::string& extra = "") {
  return "job {\n  name " + name + "\n  cmd " + cmd + "\n" + extra + "}\n";
}

// mandoc output with the overstrike (bold X\bX, underline _\bX) removed.
std::string plain(const std::string& rendered) {
  std::string out;
  for (size_t i = 0; i < rendered.size(); ++i) {
    if (i + 1 < rendered.size() && rendered[i + 1] == '\b') {
      ++i;   // skip the overstruck byte and the backspace; keep the next
      continue;
    }
    out += rendered[i];
  }
  return out;
}

bool has_line_starting(const std::string& text, const std::string& prefix) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    const std::string line = text.substr(pos, eol - pos);
    if (line.rfind(prefix, 0) == 0 &&
        (line.size() == prefix.size() || line[prefix.size()] == ' '))
      return true;
    pos = eol + 1;
  }
  return false;
}

// Expected regular file of a staging install.
struct Want {
  std::string path;      // relative to DESTDIR
  mode_t mode;
  std::string content;
};

// Checks that the staging tree holds exactly `want` (apart from
// directories), with mode, owner and content, and that no directory is
// writable by group or others.
void check_staging_tree(const std::string& root, const std::vector<Want>& want) {
  const auto t = tree(root);
  std::set<std::string> expected;
  for (const auto& w : want) expected.insert(w.path);
  STRCMP_EQUAL(join(expected).c_str(), join(non_dirs(t)).c_str());
  const uid_t uid = geteuid();
  const gid_t gid = geteuid() == 0 ? 0 : getegid();
  for (const auto& w : want) {
    const auto it = t.find(w.path);
    if (it == t.end()) continue;   // reported above
    CHECK_EQUAL_TEXT('f', it->second.type, w.path.c_str());
    CHECK_EQUAL_TEXT(static_cast<unsigned>(w.mode), static_cast<unsigned>(it->second.mode), w.path.c_str());
    CHECK_EQUAL_TEXT(uid, it->second.uid, w.path.c_str());
    CHECK_EQUAL_TEXT(gid, it->second.gid, w.path.c_str());
    CHECK_TEXT(read_file(root + "/" + w.path) == w.content, (w.path + ": content differs").c_str());
  }
  for (const auto& [path, node] : t)
    if (node.type == 'd') CHECK_TEXT((node.mode & 022) == 0, (path + " is group/other writable").c_str());
}

std::vector<Want> common_files(const std::string& prefix) {
  const std::string p = prefix.substr(1);   // relative to DESTDIR
  std::vector<Want> w{
      {p + "/sbin/pmtr", 0755, read_file(build_path() + "/pmtr")},
      {p + "/libexec/pmtr/pmtr-parser", 0755, read_file(build_path() + "/pmtr-parser")},
      {p + "/bin/pmtrctl", 0755, read_file(build_path() + "/pmtrctl")},
      {p + "/share/man/man8/pmtr.8", 0644, read_file(source_dir() + "/docs/pmtr.8")},
      {p + "/share/man/man8/pmtrctl.8", 0644, read_file(source_dir() + "/docs/pmtrctl.8")},
      {p + "/share/man/man5/pmtr.conf.5", 0644, read_file(source_dir() + "/docs/pmtr.conf.5")},
      {p + "/share/bash-completion/completions/pmtrctl", 0644,
       read_file(source_dir() + "/init/pmtrctl.bash-completion")},
      {"etc/pmtr.conf", 0600, read_file(source_dir() + "/init/pmtr.conf.example")},
  };
  // Installed once it is built (pmtr-ctl does not exist yet).
  if (access((build_path() + "/pmtr-ctl").c_str(), X_OK) == 0)
    w.push_back({p + "/libexec/pmtr/pmtr-ctl", 0755, read_file(build_path() + "/pmtr-ctl")});
  return w;
}

}  // namespace

// ---- linters and staging installs (no root needed) -------------------------------

TEST_GROUP(Install) {
  TempDir dir;
};

TEST(Install, ManPagesPassMandocLint) {
  const std::string mandoc = tool("mandoc");
  if (mandoc.empty()) PMTR_SKIP("mandoc is not installed (apt-get install mandoc)");
  for (const char* page : {"docs/pmtr.8", "docs/pmtrctl.8", "docs/pmtr.conf.5"}) {
    std::string out;
    const int rc = run_command({mandoc, "-T", "lint", "-W", "warning", source_dir() + "/" + page}, &out);
    CHECK_EQUAL_TEXT(0, rc, page);
    STRCMP_EQUAL_TEXT("", out.c_str(), page);
  }
}

TEST(Install, ManPagesDocumentEveryOptionAndSection) {
  const std::string mandoc = tool("mandoc");
  if (mandoc.empty()) PMTR_SKIP("mandoc is not installed (apt-get install mandoc)");
  std::string out;
  CHECK_EQUAL(0, run_command({mandoc, "-T", "ascii", source_dir() + "/docs/pmtr.8"}, &out));
  const std::string p8 = plain(out);
  for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SIGNALS", "FILES",
                              "EXIT STATUS", "LOGGING", "PROCESSES", "SECURITY NOTES"})
    CHECK_TEXT(has_line_starting(p8, section), section);
  for (const char* opt : {"-F", "-v", "-c file", "-p pidfile", "-t", "-h", "-V"})
    CHECK_TEXT(has_line_starting(p8, std::string("       ") + opt), opt);
  for (const char* sig : {"SIGHUP", "SIGTERM, SIGINT"})
    CHECK_TEXT(has_line_starting(p8, std::string("       ") + sig), sig);

  out.clear();
  CHECK_EQUAL(0, run_command({mandoc, "-T", "ascii", source_dir() + "/docs/pmtr.conf.5"}, &out));
  const std::string p5 = plain(out);
  for (const char* section : {"SYNTAX", "JOB OPTIONS", "GLOBAL STATEMENTS", "RESTART RULES",
                              "RELOAD RULES", "OWNERSHIP"})
    CHECK_TEXT(has_line_starting(p5, section), section);
  // Every option of parser/keywords.cpp: an item of its own, and an example
  // (the indented lines under it).
  for (const char* opt : {"bounce", "cmd", "cpu", "depends", "dir", "disable", "env", "err", "in",
                          "name", "nice", "once", "order", "out", "ulimit", "user", "wait", "umask",
                          "group", "groups", "caps", "nonewprivs", "limit", "log", "operators"}) {
    CHECK_TEXT(has_line_starting(p5, std::string("       ") + opt), opt);
    CHECK_TEXT(has_line_starting(p5, std::string("              ") + opt), opt);
  }
  for (const char* global : {"report to", "listen on"})
    CHECK_TEXT(contains(p5, std::string("       ") + global + " udp://"), global);
  for (const char* global : {"log to", "log rotate", "log all", "control socket", "control status", "control operate"}) {
    CHECK_TEXT(has_line_starting(p5, std::string("       ") + global), global);
    CHECK_TEXT(has_line_starting(p5, std::string("              ") + global), global);
  }
}

// pmtrctl(8) is where users learn the commands, the JSON fields and the
// metric names (control/): each one has an item of its own.
TEST(Install, PmtrctlManPageDocumentsEveryCommandFieldAndMetric) {
  const std::string mandoc = tool("mandoc");
  if (mandoc.empty()) PMTR_SKIP("mandoc is not installed (apt-get install mandoc)");
  std::string out;
  CHECK_EQUAL(0, run_command({mandoc, "-T", "ascii", source_dir() + "/docs/pmtrctl.8"}, &out));
  const std::string p8 = plain(out);
  for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "STATUS TABLE",
                              "JSON OUTPUT", "METRICS", "AUTHORISATION", "ENVIRONMENT", "FILES", "EXIT STATUS",
                              "EXAMPLES"})
    CHECK_TEXT(has_line_starting(p8, section), section);
  for (const char* item : {"status", "start job", "stop job", "restart job", "signal sig", "reload", "wait",
                           "metrics", "help", "-s socket,", "-h,", "-V,", "--json", "--names", "--timeout",
                           "name", "state", "pid", "uptime_s", "restarts", "last_exit", "next_start_s", "backoff_ms",
                           "pmtr_job_up", "pmtr_job_state", "pmtr_job_restarts_total", "pmtr_job_start_time_seconds",
                           "pmtr_job_last_exit_code", "pmtr_job_last_exit_signal", "pmtr_job_last_exit_time_seconds",
                           "pmtr_job_backoff_seconds", "pmtr_job_next_start_time_seconds", "PMTR_CONTROL_SOCKET",
                           "0", "1", "2", "3", "4", "5", "6"})
    CHECK_TEXT(has_line_starting(p8, std::string("       ") + item), item);
}

TEST(Install, InitScriptsPassShellcheck) {
  const std::string shellcheck = tool("shellcheck");
  if (shellcheck.empty()) PMTR_SKIP("shellcheck is not installed (apt-get install shellcheck)");
  for (const char* script : {"init/pmtr.sysv", "init/pmtr.openrc", "init/install.sh", "debian/postinst"}) {
    std::string out;
    const int rc = run_command({shellcheck, "-s", "sh", source_dir() + "/" + script}, &out);
    CHECK_EQUAL_TEXT(0, rc, (std::string(script) + ":\n" + out).c_str());
  }
  std::string out;
  const std::string completion = source_dir() + "/init/pmtrctl.bash-completion";
  CHECK_EQUAL_TEXT(0, run_command({shellcheck, "-s", "bash", completion}, &out), out.c_str());
}

TEST(Install, ShippedExampleConfigIsValid) {
  std::string out;
  CHECK_EQUAL(0, run_command({build_path() + "/pmtr", "-t", "-c", source_dir() + "/init/pmtr.conf.example"}, &out));
  CHECK_TEXT(contains(out, ": ok (0 jobs)"), out.c_str());
}

TEST(Install, StagingSysvInstallThenUninstall) {
  if (tool("make").empty()) PMTR_SKIP("make is not installed");
  SystemLock lock;   // nobody creates or deletes the pmtr user meanwhile
  const bool user_before = user_exists("pmtr"), group_before = group_exists("pmtr");
  const std::string root = dir.file("stage");
  const std::vector<std::string> vars{"DESTDIR=" + root, "PREFIX=/usr", "INIT=sysv"};

  std::string out;
  CHECK_EQUAL_TEXT(0, run_make("install", vars, &out), out.c_str());
  auto want = common_files("/usr");
  want.push_back({"etc/init.d/pmtr", 0755, substituted("pmtr.sysv", "/usr/sbin", "/etc")});
  check_staging_tree(root, want);
  const std::string script = read_file(root + "/etc/init.d/pmtr");
  CHECK(contains(script, "\nDAEMON=/usr/sbin/pmtr\n"));
  CHECK(contains(script, "\nPMTR_CONFIG=/etc/pmtr.conf\n"));
  CHECK_FALSE(contains(script, "@SBINDIR@") || contains(script, "@SYSCONFDIR@"));
  // A staging install leaves the host's users alone and says what it would do.
  CHECK_EQUAL(user_before, user_exists("pmtr"));
  CHECK_EQUAL(group_before, group_exists("pmtr"));
  if (!user_before) CHECK_TEXT(contains(out, "not creating the pmtr user"), out.c_str());

  // The admin's config survives a second install.
  const std::string admin = "# the admin's own\n" + job("mine", "/bin/sleep 1");
  write_file(root + "/etc/pmtr.conf", admin, 0600);
  out.clear();
  CHECK_EQUAL_TEXT(0, run_make("install", vars, &out), out.c_str());
  CHECK_TEXT(contains(out, "/etc/pmtr.conf exists, left as it is"), out.c_str());
  STRCMP_EQUAL(admin.c_str(), read_file(root + "/etc/pmtr.conf").c_str());

  // Uninstall: only the config is left (and the directories above the files).
  out.clear();
  CHECK_EQUAL_TEXT(0, run_make("uninstall", vars, &out), out.c_str());
  STRCMP_EQUAL("etc/pmtr.conf ", join(non_dirs(tree(root))).c_str());
  STRCMP_EQUAL(admin.c_str(), read_file(root + "/etc/pmtr.conf").c_str());
  CHECK_FALSE(exists(root + "/usr/libexec/pmtr"));
  CHECK_EQUAL(user_before, user_exists("pmtr"));
}

TEST(Install, StagingSystemdInstallsTheUnitWithPaths) {
  if (tool("make").empty()) PMTR_SKIP("make is not installed");
  for (const char* pfx : {"/usr", "/usr/local"}) {
    const std::string prefix = pfx;
    const std::string root = dir.file("stage" + replace_all(prefix, "/", "-"));
    std::string out;
    CHECK_EQUAL_TEXT(0, run_make("install", {"DESTDIR=" + root, "PREFIX=" + prefix, "INIT=systemd"}, &out),
                     out.c_str());
    // Debian's unit directory for /usr; systemd's admin one for /usr/local.
    const std::string unit = prefix == "/usr" ? "lib/systemd/system/pmtr.service"
                                              : "usr/local/lib/systemd/system/pmtr.service";
    auto want = common_files(prefix);
    want.push_back({unit, 0644, substituted("pmtr.service", prefix + "/sbin", "/etc")});
    check_staging_tree(root, want);
    const std::string text = read_file(root + "/" + unit);
    CHECK_TEXT(contains(text, "\nExecStart=" + prefix + "/sbin/pmtr -F -c /etc/pmtr.conf\n"), text.c_str());
    CHECK(contains(text, "\nExecReload=/bin/kill -HUP $MAINPID\n"));
    CHECK(contains(text, "\nKillMode=mixed\n"));
    CHECK_FALSE(contains(text, "@"));
  }
}

TEST(Install, StagingOpenrcAndNone) {
  if (tool("make").empty()) PMTR_SKIP("make is not installed");
  std::string out;
  const std::string openrc = dir.file("openrc");
  CHECK_EQUAL_TEXT(0, run_make("install", {"DESTDIR=" + openrc, "PREFIX=/usr", "INIT=openrc"}, &out), out.c_str());
  auto want = common_files("/usr");
  want.push_back({"etc/init.d/pmtr", 0755, substituted("pmtr.openrc", "/usr/sbin", "/etc")});
  check_staging_tree(openrc, want);
  CHECK(contains(read_file(openrc + "/etc/init.d/pmtr"), "\ncommand=\"/usr/sbin/pmtr\"\n"));

  const std::string none = dir.file("none");
  out.clear();
  CHECK_EQUAL_TEXT(0, run_make("install", {"DESTDIR=" + none, "PREFIX=/usr", "INIT=none"}, &out), out.c_str());
  check_staging_tree(none, common_files("/usr"));
}

// INIT=auto at uninstall time removes whichever init file an install put
// down, whatever was detected then.
TEST(Install, UninstallAutoRemovesEveryInitFile) {
  if (tool("make").empty()) PMTR_SKIP("make is not installed");
  const std::string root = dir.file("stage");
  std::string out;
  for (const char* init : {"systemd", "sysv"})
    CHECK_EQUAL_TEXT(0, run_make("install", {"DESTDIR=" + root, "INIT=" + std::string(init)}, &out), out.c_str());
  CHECK(exists(root + "/usr/local/lib/systemd/system/pmtr.service"));
  CHECK(exists(root + "/etc/init.d/pmtr"));
  out.clear();
  CHECK_EQUAL_TEXT(0, run_make("uninstall", {"DESTDIR=" + root, "INIT=auto"}, &out), out.c_str());
  STRCMP_EQUAL("etc/pmtr.conf ", join(non_dirs(tree(root))).c_str());
}

TEST(Install, UnknownInitIsRefusedBeforeAnythingIsWritten) {
  if (tool("make").empty()) PMTR_SKIP("make is not installed");
  const std::string root = dir.file("bad");
  std::string out;
  CHECK(run_make("install", {"DESTDIR=" + root, "PREFIX=/usr", "INIT=upstart"}, &out) != 0);
  CHECK_TEXT(contains(out, "INIT must be auto, systemd, sysv, openrc or none (got 'upstart')"), out.c_str());
  CHECK_FALSE(exists(root));
}

// `systemd-analyze verify` needs the unit's programs and man pages on the
// real paths: DESTDIR=/ installs under a temporary PREFIX (any non-empty
// DESTDIR leaves the host's users alone).
TEST(Install, SystemdAnalyzeVerifiesTheUnit) {
  const std::string analyze = tool("systemd-analyze");
  if (analyze.empty()) PMTR_SKIP("systemd-analyze is not installed (Debian package systemd)");
  if (tool("make").empty()) PMTR_SKIP("make is not installed");
  const std::string prefix = dir.file("usr"), etc = dir.file("etc");
  std::string out;
  CHECK_EQUAL_TEXT(0, run_make("install", {"DESTDIR=/", "PREFIX=" + prefix, "SYSCONFDIR=" + etc, "INIT=systemd"}, &out),
                   out.c_str());
  const std::string unit = etc + "/systemd/system/pmtr.service";
  CHECK(exists(unit));
  out.clear();
  const int rc = run_command({"/usr/bin/env", "MANPATH=" + prefix + "/share/man", analyze, "verify", unit}, &out);
  CHECK_EQUAL_TEXT(0, rc, out.c_str());
  STRCMP_EQUAL_TEXT("", out.c_str(), out.c_str());
}

// ---- on the live machine (root) ----------------------------------------------------

namespace {

const char* const kLiveFiles[] = {
    "/usr/local/sbin/pmtr",          "/usr/local/libexec/pmtr/pmtr-parser",
    "/usr/local/bin/pmtrctl",
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

  CHECK_EQUAL_TEXT(0, init_script("status", &out), out.c_str());
  CHECK_TEXT(contains(out, "is running"), out.c_str());
  CHECK_EQUAL_TEXT(0, init_script("start", &out), out.c_str());   // already running: success (LSB)
  CHECK_EQUAL(first, read_pidfile("/run/pmtr.pid"));

  CHECK_EQUAL_TEXT(0, init_script("reload", &out), out.c_str());
  // Same daemon, and the unchanged job is not touched.
  CHECK_FALSE(poll_until([&] { return find_descendant(first, "/bin/sleep 100501") != job_pid; }, 1000ms));
  CHECK(process_alive(first));

  // Uninstall refuses while it runs.
  CHECK(run_make("uninstall", vars, &out) != 0);
  CHECK_TEXT(contains(out, "pmtr is running"), out.c_str());
  CHECK(exists(daemon));

  CHECK_EQUAL_TEXT(0, init_script("stop", &out), out.c_str());
  CHECK_FALSE(process_alive(first));
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
  CHECK_FALSE(process_alive(second));
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

// ---- process 1 of a PID namespace (a container without docker) ---------------------

namespace {

// The process below `outer` that is pid 1 of its own namespace.
pid_t namespace_init(pid_t outer) {
  for (pid_t p : descendants(outer)) {
    if (parent_of(p) != outer) continue;
    const std::string ns = proc_status_field(p, "NSpid");   // "OUTER\tINNER"
    if (ns.size() > 2 && ns.compare(ns.size() - 2, 2, "\t1") == 0) return p;
  }
  return -1;
}

// Ends what a failed test left (by pid): pid 1 of a namespace takes the
// whole namespace with it.
struct UnshareGuard {
  pid_t pid = -1;
  bool reaped = false;
  ~UnshareGuard() {
    if (pid <= 0 || reaped) return;
    kill_tree(pid);
    int st;
    waitpid(pid, &st, 0);
  }
};

void drain(int fd, std::string& out) {
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
}

}  // namespace

TEST_GROUP(Pid1) {
  TempDir dir;
};

// `unshare --pid --fork --mount-proc pmtr -c CONF`: no -F, yet pmtr stays
// in the foreground as pid 1 (it logs to stderr and does not fork away);
// it becomes the parent of a job's orphan and reaps it; it runs a job
// whose `out /dev/stdout` reaches its own stdout (the container log); on
// SIGTERM from outside it stops its jobs and exits, and the namespace ends.
TEST(Pid1, ForegroundReapsOrphansAndStopsOnSigterm) {
  PMTR_REQUIRE_ROOT();
  const std::string unshare = tool("unshare");
  if (unshare.empty()) PMTR_SKIP("unshare is not installed (util-linux)");
  const std::string conf = dir.file("pmtr.conf"), log = dir.file("stderr.log");
  write_file(conf, job("orphaner", "/bin/sh -c \"/bin/sleep 100601 & exit 0\"", "  once\n") +
                       job("runner", "/bin/sleep 100602") +
                       job("talker", "/bin/echo pid1-job-output", "  out /dev/stdout\n  once\n"));
  const std::string pmtr = real_path(pmtr_bin());

  int p[2];
  CHECK_EQUAL(0, pipe2(p, O_CLOEXEC));
  std::vector<std::string> argv{unshare, "--pid", "--fork", "--mount-proc", pmtr, "-c", conf};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  UnshareGuard guard;
  guard.pid = fork();
  if (guard.pid == 0) {
    // stdout a pipe, as docker gives a container's pid 1.
    dup2(p[1], 1);
    const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    dup2(err, 2);
    const int null = ::open("/dev/null", O_RDONLY);
    dup2(null, 0);
    setpgid(0, 0);
    execv(args[0], args.data());
    _exit(127);
  }
  ::close(p[1]);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  std::string stdout_text;

  pid_t init = -1;
  CHECK(poll_until([&] { return (init = namespace_init(guard.pid)) > 0; }, 5000ms));
  CHECK(poll_until([&] { return contains(read_file(log), "started job runner ["); }, 5000ms));
  // Still the same process, still unshare's child: it did not daemonize.
  CHECK(process_alive(init));
  CHECK_EQUAL(guard.pid, parent_of(init));
  STRCMP_EQUAL((pmtr + " -c " + conf).c_str(), proc_cmdline(init).c_str());

  // The orphan's parent is pmtr once the shell has exited.
  pid_t orphan = -1;
  CHECK(poll_until([&] { return (orphan = find_descendant(init, "/bin/sleep 100601")) > 0; }, 5000ms));
  CHECK(poll_until([&] { return contains(read_file(log), "job orphaner will not be restarted (once)"); }, 5000ms));
  CHECK_EQUAL(init, parent_of(orphan));
  const pid_t runner = find_descendant(init, "/bin/sleep 100602");
  CHECK(runner > 0);

  // The job's stdout is pmtr's stdout.
  CHECK(poll_until([&] {
    drain(p[0], stdout_text);
    return contains(stdout_text, "pid1-job-output\n");
  }, 5000ms));

  // Killed, the orphan is reaped: no zombie remains.
  CHECK(process_alive(orphan));
  kill(orphan, SIGKILL);
  CHECK_TEXT(poll_until([&] { return !process_exists(orphan); }, 5000ms), "orphan left as a zombie");

  // SIGTERM from outside, to the namespace's pid 1 by its outer pid.
  kill(init, SIGTERM);
  int st = 0;
  const bool ended = poll_until([&] { return waitpid(guard.pid, &st, WNOHANG) == guard.pid; }, 20000ms);
  CHECK_TEXT(ended, read_file(log).c_str());
  if (ended) {
    guard.reaped = true;
    CHECK_TEXT(WIFEXITED(st) && WEXITSTATUS(st) == 0, read_file(log).c_str());
  }
  CHECK_FALSE(process_exists(runner));
  CHECK_FALSE(process_exists(init));
  const std::string text = read_file(log);
  CHECK_TEXT(contains(text, "shutting down on signal 15"), text.c_str());
  CHECK_TEXT(contains(text, "job runner [") && contains(text, "signal 15 (Terminated)"), text.c_str());
  CHECK_TEXT(contains(text, "all jobs stopped, exiting"), text.c_str());
  ::close(p[0]);
}

// As pid 1, shutdown reaches the orphans too: a daemon a job left behind
// gets SIGTERM (it records it), and pmtr exits only once it is gone.
TEST(Pid1, ShutdownSignalsOrphansAndWaitsForThem) {
  PMTR_REQUIRE_ROOT();
  const std::string unshare = tool("unshare");
  if (unshare.empty()) PMTR_SKIP("unshare is not installed (util-linux)");
  const std::string conf = dir.file("pmtr.conf"), log = dir.file("stderr.log");
  const std::string marker = dir.file("orphan-got-term");
  write_file(conf, job("orphaner",
                       "/bin/sh -c \"setsid /bin/sh -c 'trap \\\"touch " + marker +
                           "; exit 0\\\" TERM; while :; do sleep 1; done' & exit 0\"",
                       "  once\n"));
  const std::string pmtr = real_path(pmtr_bin());
  std::vector<std::string> argv{unshare, "--pid", "--fork", "--mount-proc", pmtr, "-c", conf};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  UnshareGuard guard;
  guard.pid = fork();
  if (guard.pid == 0) {
    const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    dup2(err, 1);
    dup2(err, 2);
    setpgid(0, 0);
    execv(args[0], args.data());
    _exit(127);
  }
  pid_t init = -1;
  CHECK(poll_until([&] { return (init = namespace_init(guard.pid)) > 0; }, 5000ms));
  CHECK(poll_until([&] { return contains(read_file(log), "job orphaner will not be restarted (once)"); }, 5000ms));
  // The orphan runs (its trap is set once its loop has a sleep child).
  pid_t orphan = -1;
  CHECK(poll_until([&] {
    for (pid_t p : descendants(init))
      if (parent_of(p) == init && proc_cmdline(p).find("trap") != std::string::npos) orphan = p;
    return orphan > 0 && !descendants(orphan).empty();
  }, 5000ms));
  kill(init, SIGTERM);
  int st = 0;
  const bool ended = poll_until([&] { return waitpid(guard.pid, &st, WNOHANG) == guard.pid; }, 20000ms);
  CHECK_TEXT(ended, read_file(log).c_str());
  if (ended) guard.reaped = true;
  CHECK_TEXT(access(marker.c_str(), F_OK) == 0, read_file(log).c_str());
  CHECK_FALSE(process_exists(orphan));
  CHECK(contains(read_file(log), "all jobs stopped, exiting"));
}
