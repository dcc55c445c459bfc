// pmtrctl log and rotate against the real pmtr and pmtr-log: the last
// lines of a captured job (from archives when `current` has too few),
// -f across a rotation, rotate's archive, and who may rotate.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/control_client.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/pmtrctl_runner.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_user.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    v.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return v;
}

// "2026-12-07T09:15:02.123456Z text" -> "text" ("" when not stamped so).
std::string text_of(const std::string& line) {
  if (line.size() < 28 || line[4] != '-' || line[10] != 'T' || line[19] != '.' || line[26] != 'Z' || line[27] != ' ')
    return "";
  return line.substr(28);
}

// The number after "line " in each stamped line, in order.
std::vector<int> numbers(const std::string& text) {
  std::vector<int> v;
  for (const auto& l : lines_of(text)) {
    const std::string t = text_of(l);
    if (t.rfind("line ", 0) == 0) v.push_back(std::stoi(t.substr(5)));
  }
  return v;
}

bool consecutive(const std::vector<int>& v) {
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i] != v[i - 1] + 1) return false;
  return true;
}

std::vector<std::string> archives(const std::string& dir) {
  std::vector<std::string> v;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 5 && n[0] == '@' && n.ends_with(".log")) v.push_back(n);
    }
    closedir(d);
  }
  std::sort(v.begin(), v.end());
  return v;
}

// `pmtrctl log ARGS` running on in the background (-f), its output in a
// file; ended by pid (SIGTERM, then SIGKILL) when the test is done.
class Follower {
 public:
  Follower(const Pmtr& p, const std::string& out, const std::vector<std::string>& args) : out_(out) {
    std::vector<std::string> argv{pmtrctl_bin(), "-s", p.control_socket(), "log"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(127);
      std::vector<char*> a;
      for (auto& s : argv) a.push_back(s.data());
      a.push_back(nullptr);
      execv(a[0], a.data());
      _exit(127);
    }
  }
  ~Follower() {
    if (pid_ > 0 && status_ < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;
  [[nodiscard]] std::string output() const { return read_file(out_); }
  // SIGTERM; the exit status (-1: it did not end within 5 s).
  int stop() {
    kill(pid_, SIGTERM);
    int st = 0;
    if (!poll_until([&] { return waitpid(pid_, &st, WNOHANG) == pid_; }, 5000ms)) return -1;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return status_;
  }

 private:
  std::string out_;
  pid_t pid_ = -1;
  int status_ = -1;
};

// A job that prints "line 1" .. "line N", one every `gap` seconds, then sleeps.
std::string counting(int n, const std::string& gap) {
  return "/bin/sh -c \"i=0; while [ $i -lt " + std::to_string(n) + " ]; do i=$((i+1)); echo line $i; sleep " + gap +
         "; done; exec /bin/sleep 1000\"";
}

}  // namespace

TEST_GROUP(PmtrctlLog) {
  TempDir dir;
  std::string conf, logs;
  void setup() override {
    conf = dir.file("pmtr.conf");
    logs = dir.file("logs");
  }
  std::string config(const std::string& jobs, const std::string& rotate = "") const {
    return "log to " + logs + "\n" + rotate + jobs;
  }
};

TEST(PmtrctlLog, LastLinesOfACapturedJob) {
  write_file(conf, config(job("counter", counting(20, "0"), "  log\n") + job("quiet", "/bin/sleep 1701")));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  Ran r;
  CHECK_TEXT(poll_until([&] { return (r = pmtrctl(pmtr, {"log", "counter", "-n", "3"})).out.ends_with(" line 20\n"); },
                        5000ms),
             r.out.c_str());
  CHECK_EQUAL_TEXT(0, r.status, r.out.c_str());
  const std::vector<std::string> got = lines_of(r.out);
  CHECK_EQUAL_TEXT(3u, got.size(), r.out.c_str());
  STRCMP_EQUAL("line 18", text_of(got.at(0)).c_str());
  STRCMP_EQUAL("line 19", text_of(got.at(1)).c_str());
  STRCMP_EQUAL("line 20", text_of(got.at(2)).c_str());
  CHECK_EQUAL(10u, numbers(pmtrctl(pmtr, {"log", "counter"}).out).size());

  const Ran quiet = pmtrctl(pmtr, {"log", "quiet"});
  CHECK_EQUAL_TEXT(1, quiet.status, quiet.out.c_str());
  CHECK_TEXT(contains(quiet.out, "quiet: output not captured"), quiet.out.c_str());
  const Ran unknown = pmtrctl(pmtr, {"log", "countre"});
  CHECK_EQUAL(4, unknown.status);
  CHECK_TEXT(contains(unknown.out, "did you mean 'counter'"), unknown.out.c_str());
}

// 1K files hold about 28 lines: -n 40 takes the rest from the archives.
TEST(PmtrctlLog, MoreLinesThanCurrentHoldsComeFromTheNewestArchive) {
  write_file(conf, config(job("counter", counting(60, "0.01"), "  log\n"), "log rotate 1K keep 3\n"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const std::string current = logs + "/counter/current";
  CHECK(poll_until([&] { return contains(read_file(current), " line 60\n"); }, 10000ms));
  const size_t in_current = lines_of(read_file(current)).size();
  CHECK_TEXT(in_current < 40, std::to_string(in_current).c_str());
  CHECK(!archives(logs + "/counter").empty());
  const Ran r = pmtrctl(pmtr, {"log", "counter", "-n", "40"});
  CHECK_EQUAL_TEXT(0, r.status, r.out.c_str());
  const std::vector<int> n = numbers(r.out);
  CHECK_EQUAL_TEXT(40u, n.size(), r.out.c_str());
  CHECK_EQUAL(21, n.front());
  CHECK_TEXT(consecutive(n), r.out.c_str());
}

// -f prints lines written after it started, and goes on in the new
// `current` after `pmtrctl rotate` renamed the old one.
TEST(PmtrctlLog, FollowGoesOnAcrossARotation) {
  write_file(conf, config(job("ticker", counting(100000, "0.05"), "  log\n")));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const std::string job_dir = logs + "/ticker";
  CHECK(poll_until([&] { return contains(read_file(job_dir + "/current"), " line 3\n"); }, 5000ms));
  Follower f(pmtr, dir.file("follow.out"), {"ticker", "-n", "1", "-f"});
  CHECK(poll_until([&] { return numbers(f.output()).size() >= 4; }, 5000ms));
  const int first = numbers(f.output()).front();

  const Ran rot = pmtrctl(pmtr, {"rotate", "ticker"});
  CHECK_EQUAL_TEXT(0, rot.status, rot.out.c_str());
  STRCMP_EQUAL("", rot.out.c_str());
  CHECK(poll_until([&] { return archives(job_dir).size() == 1; }, 5000ms));
  // Lines of the new file: its third line, once written, must come out.
  std::string third;
  CHECK(poll_until([&] {
    const auto l = lines_of(read_file(job_dir + "/current"));
    if (l.size() >= 3) third = l[2];
    return !third.empty();
  }, 5000ms));
  CHECK_TEXT(poll_until([&] { return contains(f.output(), third + "\n"); }, 5000ms), f.output().c_str());
  CHECK_EQUAL(0, f.stop());
  // Nothing lost or shown twice at the rotation.
  const std::vector<int> n = numbers(f.output());
  CHECK_EQUAL(first, n.front());
  CHECK_TEXT(consecutive(n), f.output().c_str());
  CHECK(n.back() >= std::stoi(text_of(third).substr(5)));
}

TEST(PmtrctlLog, RotateMakesAnArchiveAndANewCurrent) {
  write_file(conf, config(job("counter", counting(5, "0"), "  log\n") + job("quiet", "/bin/sleep 1702")));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const std::string job_dir = logs + "/counter";
  CHECK(poll_until([&] { return contains(read_file(job_dir + "/current"), " line 5\n"); }, 5000ms));
  const Ran r = pmtrctl(pmtr, {"rotate", "counter"});
  CHECK_EQUAL_TEXT(0, r.status, r.out.c_str());
  CHECK(poll_until([&] { return archives(job_dir).size() == 1; }, 5000ms));
  const std::string archive = job_dir + "/" + archives(job_dir).at(0);
  CHECK_EQUAL(5u, numbers(read_file(archive)).size());
  CHECK(poll_until([&] { return read_file(job_dir + "/current").empty(); }, 5000ms));
  struct stat st{};
  CHECK(lstat((job_dir + "/current").c_str(), &st) == 0 && S_ISREG(st.st_mode));
  // All five lines still shown: from the archive.
  CHECK_EQUAL(5u, numbers(pmtrctl(pmtr, {"log", "counter"}).out).size());
  // Every job's, as root.
  CHECK_EQUAL(0, pmtrctl(pmtr, {"rotate"}).status);

  const Ran unknown = pmtrctl(pmtr, {"rotate", "nosuch"});
  CHECK_EQUAL_TEXT(4, unknown.status, unknown.out.c_str());
  CHECK(contains(unknown.out, "no job 'nosuch'"));
  const Ran quiet = pmtrctl(pmtr, {"rotate", "counter", "quiet"});
  CHECK_EQUAL_TEXT(1, quiet.status, quiet.out.c_str());
  CHECK_TEXT(contains(quiet.out, "quiet: output not captured"), quiet.out.c_str());
}

TEST(PmtrctlLog, LogToStderrHasNoFiles) {
  write_file(conf, "log to stderr\n" + job("counter", counting(3, "0"), "  log\n"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  CHECK(pmtr.wait_log("line 3", 5000ms));
  const Ran r = pmtrctl(pmtr, {"log", "counter"});
  CHECK_EQUAL_TEXT(1, r.status, r.out.c_str());
  CHECK_TEXT(contains(r.out, "counter: output goes to pmtr's standard error"), r.out.c_str());
}

// Rotating a job needs the operate right on it, rotating every job's log
// the global one; reading needs group adm (the files' own permissions).
TEST(PmtrctlLog, RotateNeedsTheOperateRightAndReadingGroupAdm) {
  PMTR_REQUIRE_ROOT();
  TestUser op("lgo");
  TestUser other("lgx");
  CHECK_TEXT(op.ok(), op.error().c_str());
  CHECK_TEXT(other.ok(), other.error().c_str());
  write_file(conf, config(job("counter", counting(3, "0"), "  log\n  operators " + op.name() + "\n")));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  CHECK(poll_until([&] { return contains(read_file(logs + "/counter/current"), " line 3\n"); }, 5000ms));
  const auto as = [&](const TestUser& u, const CtlRequest& r) {
    return ctl_as(u.uid(), u.gid(), {}, pmtr.control_socket(), r);
  };
  const CtlExchange denied = as(other, CtlRotate{{"counter"}});
  CHECK(denied.code == CtlCode::Denied);
  STRCMP_EQUAL("operate counter", denied.subject.c_str());
  const CtlExchange all = as(op, CtlRotate{});
  CHECK(all.code == CtlCode::Denied);
  STRCMP_EQUAL("operate", all.subject.c_str());
  CHECK(archives(logs + "/counter").empty());
  const CtlExchange own = as(op, CtlRotate{{"counter"}});
  CHECK_TEXT(own.complete && own.code == CtlCode::Ok, own.error.c_str());
  CHECK(poll_until([&] { return archives(logs + "/counter").size() == 1; }, 5000ms));
  // Where the files are: anyone with the status right (everyone here).
  // (ctl_as hands back the outcome only: the place itself, as root.)
  const CtlExchange where = as(other, CtlLogWhere{"counter"});
  CHECK_TEXT(where.complete && where.code == CtlCode::Ok, where.error.c_str());
  const CtlExchange root_where = ctl(pmtr.control_socket(), CtlLogWhere{"counter"});
  CHECK(root_where.code == CtlCode::Ok && root_where.replies.size() == 2);
  const auto* place = std::get_if<CtlLogPlace>(&root_where.replies.at(0));
  CHECK(place != nullptr && place->captured && place->target == LogPlaceTarget::Dir && place->dir == logs);

  // The user itself, through pmtrctl: not in adm, so not allowed to read.
  const std::string out_dir = dir.file("out");
  CHECK(mkdir(out_dir.c_str(), 0777) == 0 && chmod(out_dir.c_str(), 0777) == 0);
  const std::string out = out_dir + "/log.out";
  const std::string sock = pmtr.control_socket();
  const int rc = other.run_as([&] {
    const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) return 127;
    const std::string bin = pmtrctl_bin();
    execl(bin.c_str(), bin.c_str(), "-s", sock.c_str(), "log", "counter", static_cast<char*>(nullptr));
    return 127;
  });
  CHECK_EQUAL_TEXT(5, rc, read_file(out).c_str());
  CHECK_TEXT(contains(read_file(out), "permission denied: " + logs + "/counter/current (members of group adm"),
             read_file(out).c_str());
}
