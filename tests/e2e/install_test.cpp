// What `make install` ships, checked without root: the man pages through
// mandoc and the init scripts through shellcheck (what users and init
// systems read must be right before it is installed anywhere), the shipped
// example config, and `make install` / `make uninstall` into a staging tree
// (DESTDIR), where every file, mode, owner and content is compared and the
// host's users are left alone.  The installs on the live machine are in
// install_system_test.cpp; pmtr as a container's process 1 in pid1_test.cpp.
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/install_support.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/system_lock.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

// An init template as install.sh writes it.
// BINDIR is SBINDIR's sibling (PREFIX/bin), as `make install` defaults it.
std::string substituted(const std::string& name, const std::string& sbindir, const std::string& sysconfdir) {
  const std::string bindir = sbindir.substr(0, sbindir.rfind('/')) + "/bin";
  return replace_all(replace_all(replace_all(read_file(source_dir() + "/init/" + name), "@SBINDIR@", sbindir),
                                 "@BINDIR@", bindir),
                     "@SYSCONFDIR@", sysconfdir);
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
      {p + "/libexec/pmtr/pmtr-log", 0755, read_file(build_path() + "/pmtr-log")},
      {p + "/libexec/pmtr/pmtr-net", 0755, read_file(build_path() + "/pmtr-net")},
      {p + "/bin/pmtrctl", 0755, read_file(build_path() + "/pmtrctl")},
      {p + "/share/man/man8/pmtr.8", 0644, read_file(source_dir() + "/docs/pmtr.8")},
      {p + "/share/man/man8/pmtrctl.8", 0644, read_file(source_dir() + "/docs/pmtrctl.8")},
      {p + "/share/man/man5/pmtr.conf.5", 0644, read_file(source_dir() + "/docs/pmtr.conf.5")},
      {p + "/share/bash-completion/completions/pmtrctl", 0644,
       read_file(source_dir() + "/init/pmtrctl.bash-completion")},
      {"etc/pmtr.conf", 0600, read_file(source_dir() + "/init/pmtr.conf.example")},
  };
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
  for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SIGNALS", "JOB LIFECYCLE", "FILES",
                              "EXIT STATUS", "LOGGING", "PROCESSES", "SECURITY NOTES"})
    CHECK_TEXT(has_line_starting(p8, section), section);
  for (const char* sub : {"Starting", "Restart rules", "Stopping"})
    CHECK_TEXT(has_line_starting(p8, std::string("   ") + sub), sub);
  // Every state status reports (public_state_name): an item of its own.
  for (const char* state : {"waiting", "starting", "running", "ready", "stopping", "delayed", "stopped", "disabled",
                            "done", "failed"})
    CHECK_TEXT(has_line_starting(p8, std::string("       ") + state), state);
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
                          "group", "groups", "caps", "nonewprivs", "limit", "log", "operators", "restart",
                          "backoff", "stable after", "give up after", "stop signal", "stop timeout", "ready fd",
                          "ready timeout"}) {
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
    CHECK(contains(text, "\nExecReload=" + prefix + "/bin/pmtrctl reload\n"));
    CHECK(contains(text, "\nRuntimeDirectory=pmtr\n"));
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
