// control/pmtrctl.{hpp,cpp}: the whole client, end to end against the fake
// monitor: what each command sends, prints and exits with (0 to 6), and
// the built program with its environment.
#include "control/pmtrctl.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "control/metrics.hpp"
#include "control/status_json.hpp"
#include "control/status_table.hpp"
#include "tests/control/ctl_runner.hpp"
#include "tests/control/fake_monitor.hpp"
#include "tests/control/sample_status.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;
using namespace pmtr::test;

namespace {

Script sample_status() {
  const StatusReport r = sample_report();
  return status_script(r.jobs, r.now_ms, 2);
}

std::vector<std::string> with_socket(const FakeMonitor& f, std::vector<std::string> args) {
  args.insert(args.begin(), {"-s", f.socket_path()});
  return args;
}

}  // namespace

TEST_GROUP(Pmtrctl){};

TEST(Pmtrctl, StatusPrintsTheTable) {
  FakeMonitor fake({sample_status()});
  const CtlRun r = run_ctl(with_socket(fake, {"status"}));
  CHECK_EQUAL(0, r.rc);
  OutBuffer expected;
  format_status_table(sample_report(), expected);
  STRCMP_EQUAL(expected.text().c_str(), r.out.c_str());
  STRCMP_EQUAL("", r.err.c_str());
}

TEST(Pmtrctl, StatusJsonNamesAndMetrics) {
  FakeMonitor fake({sample_status(), sample_status(), sample_status()});
  OutBuffer json, metrics;
  format_status_json(sample_report(), json);
  format_metrics(sample_report(), metrics);
  CtlRun r = run_ctl(with_socket(fake, {"status", "--json"}));
  CHECK_EQUAL(0, r.rc);
  STRCMP_EQUAL(json.text().c_str(), r.out.c_str());
  r = run_ctl(with_socket(fake, {"status", "--names"}));
  STRCMP_EQUAL("web\nworker\ncron\nodd\"na\\me\n", r.out.c_str());
  r = run_ctl(with_socket(fake, {"metrics"}));
  CHECK_EQUAL(0, r.rc);
  STRCMP_EQUAL(metrics.text().c_str(), r.out.c_str());
  const auto reqs = fake.requests();
  CHECK_EQUAL(3u, reqs.size());
  CHECK(std::get<CtlStatusRequest>(reqs[2]).names.empty());
}

TEST(Pmtrctl, StatusOfNamedJobsExitsThreeWhenOneIsNotUp) {
  const uint64_t now = kNowMs;
  FakeMonitor fake({
      status_script({job("a", PublicState::Running, 1), job("b", PublicState::Ready, 2),
                     job("c", PublicState::Starting, 3)}, now),
      status_script({job("a", PublicState::Running, 1), job("d", PublicState::Stopping, 4)}, now),
      status_script({job("x", PublicState::Failed)}, now),
  });
  CHECK_EQUAL(0, run_ctl(with_socket(fake, {"status", "a", "b", "c"})).rc);
  CHECK_EQUAL(3, run_ctl(with_socket(fake, {"status", "a", "d"})).rc);
  CHECK_EQUAL(0, run_ctl(with_socket(fake, {"status"})).rc);   // no names: listing only
  CHECK(std::get<CtlStatusRequest>(fake.requests()[1]).names == (std::vector<std::string>{"a", "d"}));
}

TEST(Pmtrctl, UnknownJobSuggestsTheNearestName) {
  const uint64_t now = kNowMs;
  FakeMonitor fake({outcome_script(CtlCode::NoSuchJob, "wbe"),
                    status_script({job("db", PublicState::Running, 1), job("web", PublicState::Running, 2)}, now)});
  const CtlRun r = run_ctl(with_socket(fake, {"stop", "wbe"}));
  CHECK_EQUAL(4, r.rc);
  STRCMP_EQUAL("pmtrctl: no job 'wbe' (did you mean 'web'?)\n", r.err.c_str());
  STRCMP_EQUAL("", r.out.c_str());
  const auto reqs = fake.requests();
  CHECK_EQUAL(2u, reqs.size());
  CHECK(std::get<CtlOperate>(reqs[0]).op == CtlType::Stop);
  CHECK(std::get<CtlStatusRequest>(reqs[1]).names.empty());
}

TEST(Pmtrctl, UnknownJobWithoutAHint) {
  FakeMonitor fake({outcome_script(CtlCode::NoSuchJob, "zzz"), outcome_script(CtlCode::Denied, "status")});
  const CtlRun r = run_ctl(with_socket(fake, {"status", "zzz"}));
  CHECK_EQUAL(4, r.rc);
  STRCMP_EQUAL("pmtrctl: no job 'zzz'\n", r.err.c_str());
}

TEST(Pmtrctl, PermissionDeniedExitsFive) {
  FakeMonitor fake({outcome_script(CtlCode::Denied, "operate web"), outcome_script(CtlCode::Denied, "status")});
  CtlRun r = run_ctl(with_socket(fake, {"stop", "web"}));
  CHECK_EQUAL(5, r.rc);
  STRCMP_EQUAL("pmtrctl: permission denied: stop web needs the 'operate' right (root, 'control operate', or the "
               "job's 'operators')\n",
               r.err.c_str());
  r = run_ctl(with_socket(fake, {"metrics"}));
  CHECK_EQUAL(5, r.rc);
  STRCMP_EQUAL("", r.out.c_str());
}

TEST(Pmtrctl, OperationsSendTheirRequestAndSayNothingOnSuccess) {
  FakeMonitor fake({outcome_script(CtlCode::Ok), outcome_script(CtlCode::Ok), outcome_script(CtlCode::Ok),
                    outcome_script(CtlCode::Ok), outcome_script(CtlCode::Ok)});
  for (const auto& args : std::vector<std::vector<std::string>>{{"start", "a", "b"},
                                                                {"restart", "a"},
                                                                {"signal", "usr1", "a"},
                                                                {"wait", "ready", "a", "--timeout", "2s"},
                                                                {"stop", "--", "-dash"}}) {
    const CtlRun r = run_ctl(with_socket(fake, args));
    CHECK_EQUAL_TEXT(0, r.rc, args[0].c_str());
    STRCMP_EQUAL("", r.out.c_str());
    STRCMP_EQUAL("", r.err.c_str());
  }
  const auto reqs = fake.requests();
  CHECK_EQUAL(5u, reqs.size());
  CHECK(std::get<CtlOperate>(reqs[0]).names == (std::vector<std::string>{"a", "b"}));
  CHECK(std::get<CtlOperate>(reqs[1]).op == CtlType::Restart);
  CHECK_EQUAL(10, std::get<CtlSignal>(reqs[2]).signal);
  CHECK_EQUAL(2000u, std::get<CtlWait>(reqs[3]).timeout_ms);
  CHECK(std::get<CtlWait>(reqs[3]).target == WaitTarget::Ready);
  CHECK(std::get<CtlOperate>(reqs[4]).names == (std::vector<std::string>{"-dash"}));
}

TEST(Pmtrctl, FailuresExitOne) {
  FakeMonitor fake({outcome_script(CtlCode::Failed, "web"), outcome_script(CtlCode::Failed, "db"),
                    outcome_script(CtlCode::Refused, "web"), outcome_script(CtlCode::Busy),
                    outcome_script(CtlCode::BadRequest)});
  CtlRun r = run_ctl(with_socket(fake, {"signal", "TERM", "web"}));
  CHECK_EQUAL(1, r.rc);
  STRCMP_EQUAL("pmtrctl: cannot signal TERM web: it is not running\n", r.err.c_str());
  r = run_ctl(with_socket(fake, {"wait", "up", "web", "db", "--timeout", "3s"}));
  CHECK_EQUAL(1, r.rc);
  STRCMP_EQUAL("pmtrctl: timed out after 3s waiting for db to be up\n", r.err.c_str());
  r = run_ctl(with_socket(fake, {"start", "web"}));
  CHECK_EQUAL(1, r.rc);
  CHECK(r.err.find("it is disabled in the config") != std::string::npos);
  r = run_ctl(with_socket(fake, {"start", "web"}));
  CHECK_EQUAL(1, r.rc);
  CHECK(r.err.find("too many clients") != std::string::npos);
  r = run_ctl(with_socket(fake, {"start", "web"}));
  CHECK_EQUAL(1, r.rc);
  CHECK(r.err.find("refused the request as malformed") != std::string::npos);
}

TEST(Pmtrctl, ReloadPrintsTheDiagnostics) {
  FakeMonitor fake({outcome_script(CtlCode::Failed, "", {CtlDiag{1, 3, 5, "unknown option 'cdm' (did you mean 'cmd'?)"},
                                                           CtlDiag{2, 9, 0, "job 'x': cmd /nope does not exist"}}),
                    outcome_script(CtlCode::Ok, "", {CtlDiag{2, 0, 0, "no jobs"}}), outcome_script(CtlCode::Ok)});
  CtlRun r = run_ctl(with_socket(fake, {"reload"}));
  CHECK_EQUAL(1, r.rc);
  STRCMP_EQUAL("config:3:5: error: unknown option 'cdm' (did you mean 'cmd'?)\n"
               "config:9: warning: job 'x': cmd /nope does not exist\n"
               "pmtrctl: reload rejected: the config has errors; no job was touched\n",
               r.err.c_str());
  r = run_ctl(with_socket(fake, {"reload"}));
  CHECK_EQUAL(0, r.rc);
  STRCMP_EQUAL("config reloaded (1 warning)\n", r.out.c_str());
  STRCMP_EQUAL("config: warning: no jobs\n", r.err.c_str());
  r = run_ctl(with_socket(fake, {"reload"}));
  STRCMP_EQUAL("config reloaded\n", r.out.c_str());
  CHECK(std::holds_alternative<CtlReload>(fake.requests()[0]));
}

TEST(Pmtrctl, NoPmtrExitsSix) {
  ScratchDir dir;
  const CtlRun r = run_ctl({"-s", dir.path() + "/control", "status"});
  CHECK_EQUAL(6, r.rc);
  STRCMP_EQUAL(("pmtrctl: no pmtr answers on " + dir.path() +
                "/control: No such file or directory (is pmtr running? -s SOCKET)\n").c_str(),
               r.err.c_str());
}

TEST(Pmtrctl, AReplyThatBreaksOffExitsSixAndPrintsNothing) {
  Script half;
  half.records.push_back(record(CtlStatusBegin{3, kNowMs}));
  half.records.push_back(record(CtlStatusJobs{{job("a", PublicState::Running, 1)}}));
  FakeMonitor fake({half});
  const CtlRun r = run_ctl(with_socket(fake, {"status"}));
  CHECK_EQUAL(6, r.rc);
  STRCMP_EQUAL("", r.out.c_str());
  CHECK_TEXT(r.err.find("the connection closed before the reply was complete") != std::string::npos, r.err.c_str());
}

TEST(Pmtrctl, UsageErrorsExitTwoWithoutConnecting) {
  FakeMonitor fake({});
  const CtlRun r = run_ctl(with_socket(fake, {"stop"}));
  CHECK_EQUAL(2, r.rc);
  STRCMP_EQUAL("pmtrctl: stop: name at least one job\nusage: pmtrctl [-s SOCKET] stop JOB...\n", r.err.c_str());
  CHECK_EQUAL(0u, fake.connections());
}

TEST(Pmtrctl, HundredThousandJobsInManyRecords) {
  std::vector<JobStatus> jobs;
  for (int i = 0; i < 100000; ++i)
    jobs.push_back(job("service-" + std::to_string(i), PublicState::Running, 1000 + i));
  FakeMonitor fake({status_script(jobs, kNowMs, 1000)});   // 60 KB records
  const CtlRun r = run_ctl(with_socket(fake, {"status"}));
  CHECK_EQUAL_TEXT(0, r.rc, r.err.c_str());
  size_t lines = 0;
  for (const char c : r.out) lines += c == '\n';
  CHECK_EQUAL(100001u, lines);
  CHECK(r.out.find("\nservice-99999  running  100999  -") != std::string::npos);
}

// ---- the built program -------------------------------------------------------

TEST(Pmtrctl, ProgramUsesTheEnvironmentsSocketAndMinusSWins) {
  FakeMonitor fake({sample_status()});
  CtlRun r = run_ctl_binary({"status", "--names"}, {"PMTR_CONTROL_SOCKET=" + fake.socket_path()});
  CHECK_EQUAL_TEXT(0, r.rc, r.err.c_str());
  STRCMP_EQUAL("web\nworker\ncron\nodd\"na\\me\n", r.out.c_str());
  ScratchDir dir;
  r = run_ctl_binary({"-s", dir.path() + "/none", "status"}, {"PMTR_CONTROL_SOCKET=" + fake.socket_path()});
  CHECK_EQUAL(6, r.rc);
  CHECK(r.err.find(dir.path() + "/none") != std::string::npos);
}

TEST(Pmtrctl, ProgramHelpVersionAndUsage) {
  CtlRun r = run_ctl_binary({"--version"});
  CHECK_EQUAL(0, r.rc);
  STRCMP_EQUAL((std::string("pmtrctl ") + PMTR_VERSION + "\n").c_str(), r.out.c_str());
  r = run_ctl_binary({"--help"}, {"PMTR_CONTROL_SOCKET=/tmp/some/ctl"});
  CHECK_EQUAL(0, r.rc);
  CHECK_TEXT(r.out.find("(here: /tmp/some/ctl)") != std::string::npos, r.out.c_str());
  r = run_ctl_binary({}, {}, {"PMTR_CONTROL_SOCKET"});
  CHECK_EQUAL(2, r.rc);
  CHECK(r.err.rfind("pmtrctl: a command is needed\n", 0) == 0);
}

TEST(Pmtrctl, ProgramWithoutPmtrNamesTheDefaultSocket) {
  ScratchDir dir;
  const CtlRun r = run_ctl_binary({"metrics"}, {"PMTR_CONTROL_SOCKET=" + dir.path() + "/ctl"});
  CHECK_EQUAL(6, r.rc);
  STRCMP_EQUAL(("pmtrctl: no pmtr answers on " + dir.path() +
                "/ctl: No such file or directory (is pmtr running? -s SOCKET)\n").c_str(),
               r.err.c_str());
}

// A socket the caller may not open: permission denied, exit 5.  Root
// passes every permission check, so the client runs as nobody.
TEST(Pmtrctl, AnUnreachableSocketIsPermissionDenied) {
  PMTR_REQUIRE_ROOT();
  FakeMonitor fake({});
  CHECK_EQUAL(0, ::chmod(fake.socket_path().c_str(), 0600));
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)
      ::_exit(100);
    const CtlRun r = run_ctl({"-s", fake.socket_path(), "status"});
    const bool ok = r.err.find("pmtrctl: permission denied: cannot connect to " + fake.socket_path()) == 0;
    ::_exit(ok ? r.rc : 101);
  }
  int st = 0;
  CHECK_EQUAL(pid, ::waitpid(pid, &st, 0));
  CHECK(WIFEXITED(st));
  CHECK_EQUAL(5, WEXITSTATUS(st));
}

TEST(Pmtrctl, ProgramReportsAWriteError) {
  FakeMonitor fake({sample_status()});
  unique_fd full(::open("/dev/full", O_WRONLY | O_CLOEXEC));
  const CtlRun r = [&] {
    std::vector<std::string> args{"-s", fake.socket_path(), "status"};
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    unique_fd err(::memfd_create("err", MFD_CLOEXEC));
    CtlRun out;
    out.rc = run_pmtrctl(argv, Io{full.get(), err.get()});
    ::lseek(err.get(), 0, SEEK_SET);
    char buf[256] = {};
    out.err.assign(buf, static_cast<size_t>(std::max<ssize_t>(0, ::read(err.get(), buf, sizeof buf - 1))));
    return out;
  }();
  CHECK_EQUAL(1, r.rc);
  STRCMP_EQUAL("pmtrctl: write error: No space left on device\n", r.err.c_str());
}
