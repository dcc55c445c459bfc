// The control socket end to end, spoken to by a bare client
// (tests/support/control_client.hpp): status against /proc, sticky stops
// across reloads, start/restart/signal, reload outcomes with diagnostics,
// wait, the single-instance lock, and who may do what.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/support/control_client.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_user.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

std::string state_of(const Pmtr& p, const std::string& name) {
  const CtlExchange x = ctl(p.control_socket(), CtlStatusRequest{{name}});
  const JobStatus* s = find_status(x, name);
  return s ? public_state_name(s->state) : "?";
}

}  // namespace

TEST_GROUP(ControlStatus) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(ControlStatus, EveryJobInFileOrderWithPidsStatesAndTimes) {
  write_file(conf, job("web", "/bin/sleep 1301") + job("off", "/bin/sleep 1302", "  disable\n") +
                       job("quick", "/bin/true") + job("one", "/bin/true", "  once\n"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  CHECK(pmtr.wait_log("job quick restarting too fast", 5000ms));
  CHECK(pmtr.wait_log("job one will not be restarted", 5000ms));
  const CtlExchange x = ctl(pmtr.control_socket(), CtlStatusRequest{});
  CHECK_TEXT(x.complete, x.error.c_str());
  CHECK_EQUAL(4u, x.jobs.size());
  STRCMP_EQUAL("web", x.jobs[0].name.c_str());
  STRCMP_EQUAL("off", x.jobs[1].name.c_str());
  STRCMP_EQUAL("quick", x.jobs[2].name.c_str());
  STRCMP_EQUAL("one", x.jobs[3].name.c_str());
  const auto begin = std::get<CtlStatusBegin>(x.replies.front());
  CHECK_EQUAL(4u, begin.count);
  const uint64_t now_ms = static_cast<uint64_t>(time(nullptr)) * 1000;
  CHECK(begin.now_ms + 5000 > now_ms && begin.now_ms < now_ms + 5000);

  STRCMP_EQUAL("running", public_state_name(x.jobs[0].state));
  CHECK_EQUAL(web, x.jobs[0].pid);
  CHECK(process_alive(x.jobs[0].pid));
  CHECK(x.jobs[0].started_ms <= begin.now_ms && x.jobs[0].started_ms + 10000 > begin.now_ms);
  STRCMP_EQUAL("disabled", public_state_name(x.jobs[1].state));
  CHECK_EQUAL(-1, x.jobs[1].pid);
  STRCMP_EQUAL("delayed", public_state_name(x.jobs[2].state));
  CHECK_EQUAL(kExitCode, x.jobs[2].last_exit_kind);
  CHECK_EQUAL(0, x.jobs[2].last_exit_value);
  CHECK(x.jobs[2].next_start_ms > begin.now_ms && x.jobs[2].next_start_ms <= begin.now_ms + 10000);
  CHECK_EQUAL(10000u, x.jobs[2].backoff_ms);
  STRCMP_EQUAL("done", public_state_name(x.jobs[3].state));
}

TEST(ControlStatus, NamedJobsOnlyAndAnUnknownNameIsNoSuchJob) {
  write_file(conf, job("a", "/bin/sleep 1311") + job("b", "/bin/sleep 1312"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const CtlExchange x = ctl(pmtr.control_socket(), CtlStatusRequest{{"b"}});
  CHECK(x.complete);
  CHECK_EQUAL(1u, x.jobs.size());
  STRCMP_EQUAL("b", x.jobs.at(0).name.c_str());
  const CtlExchange y = ctl(pmtr.control_socket(), CtlStatusRequest{{"a", "wbe"}});
  CHECK(y.complete);
  CHECK(y.code == CtlCode::NoSuchJob);
  STRCMP_EQUAL("wbe", y.subject.c_str());
}

TEST(ControlStatus, ASecondPmtrOnTheSameSocketRefusesToStartNamingTheFirst) {
  write_file(conf, job("a", "/bin/sleep 1321"));
  Pmtr first(conf);
  CHECK(wait_listening(first));
  const std::string conf2 = dir.file("second.conf");
  write_file(conf2, job("b", "/bin/sleep 1322"));
  Pmtr second(conf2, {}, {"PMTR_CONTROL_SOCKET=" + first.control_socket()});
  const int st = second.wait_exit(10000ms);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
  CHECK(second.wait_log("another pmtr (pid " + std::to_string(first.pid()) + ")", 1000ms));
  CHECK_EQUAL(-1, second.job_pid("b"));   // refused before starting anything
  CHECK(process_alive(first.pid()));
  CHECK(ctl(first.control_socket(), CtlStatusRequest{}).complete);
}

TEST_GROUP(ControlOperate) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(ControlOperate, StopIsStickyAcrossReloadsUntilStart) {
  write_file(conf, job("web", "/bin/sleep 1331") + job("other", "/bin/sleep 1332"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms), other = pmtr.wait_job("other", 5000ms);
  const CtlExchange stop = ctl(pmtr.control_socket(), CtlOperate{CtlType::Stop, {"web"}});
  CHECK(stop.complete && stop.code == CtlCode::Ok);
  CHECK(poll_until([&] { return !process_alive(web); }, 5000ms));
  CHECK(poll_until([&] { return state_of(pmtr, "web") == "stopped"; }, 5000ms));
  // An edit of the config (a changed job beside it) does not bring it back.
  write_file(conf, job("web", "/bin/sleep 1331") + job("other", "/bin/sleep 1333"));
  CHECK(pmtr.wait_new_pid("other", other, 5000ms) > 0);
  STRCMP_EQUAL("stopped", state_of(pmtr, "web").c_str());
  CHECK_EQUAL(web, pmtr.job_pid("web"));   // no new start line
  const CtlExchange start = ctl(pmtr.control_socket(), CtlOperate{CtlType::Start, {"web"}});
  CHECK(start.complete && start.code == CtlCode::Ok);
  const pid_t web2 = pmtr.wait_new_pid("web", web, 5000ms);
  CHECK(web2 > 0 && process_alive(web2));
  STRCMP_EQUAL("running", state_of(pmtr, "web").c_str());
}

TEST(ControlOperate, RestartOfADelayedJobStartsItNowAndStartOfADisabledOneIsRefused) {
  write_file(conf, job("quick", "/bin/true") + job("off", "/bin/sleep 1341", "  disable\n"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  CHECK(pmtr.wait_log("job quick restarting too fast", 5000ms));
  const pid_t q = pmtr.job_pid("quick");
  const auto asked = std::chrono::steady_clock::now();
  CHECK(ctl(pmtr.control_socket(), CtlOperate{CtlType::Restart, {"quick"}}).code == CtlCode::Ok);
  CHECK(pmtr.wait_new_pid("quick", q, 3000ms) > 0);
  CHECK(std::chrono::steady_clock::now() - asked < 3s);   // not the 10 s delay
  const CtlExchange refused = ctl(pmtr.control_socket(), CtlOperate{CtlType::Start, {"off"}});
  CHECK(refused.code == CtlCode::Refused);
  STRCMP_EQUAL("off", refused.subject.c_str());
  // Nothing of a refused request is done, not even for the jobs before it.
  const CtlExchange mixed = ctl(pmtr.control_socket(), CtlOperate{CtlType::Stop, {"quick", "nope"}});
  CHECK(mixed.code == CtlCode::NoSuchJob);
  CHECK(state_of(pmtr, "quick") != "stopped");
}

TEST(ControlOperate, SignalReachesTheJobsTrapAndNeedsAProcess) {
  const std::string trap = dir.file("trap.out");
  write_file(conf, job("t", "/bin/sh -c \"trap 'echo usr1 >> " + trap + "' USR1; while :; do sleep 0.05; done\"") +
                       job("off", "/bin/sleep 1351", "  disable\n"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  CHECK(pmtr.wait_job("t", 5000ms) > 0);
  // The shell's trap is set up once it sleeps in its loop.
  CHECK(poll_until([&] { return !descendants(pmtr.job_pid("t")).empty(); }, 5000ms));
  CHECK(ctl(pmtr.control_socket(), CtlSignal{SIGUSR1, {"t"}}).code == CtlCode::Ok);
  CHECK(poll_until([&] { return read_file(trap).find("usr1") != std::string::npos; }, 5000ms));
  const CtlExchange down = ctl(pmtr.control_socket(), CtlSignal{SIGUSR1, {"off"}});
  CHECK(down.code == CtlCode::Failed);
  STRCMP_EQUAL("off", down.subject.c_str());
}

TEST(ControlOperate, ReloadAnswersWithTheParseOutcomeAndItsDiagnostics) {
  write_file(conf, job("a", "/bin/sleep 1361"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t a = pmtr.wait_job("a", 5000ms);
  const CtlExchange ok = ctl(pmtr.control_socket(), CtlReload{}, 15000ms);
  CHECK_TEXT(ok.complete, ok.error.c_str());
  CHECK(ok.code == CtlCode::Ok);
  // A broken edit, written in place: inotify sees it too, but the reload's
  // answer is the parse of what is on disk now.
  write_in_place(conf, job("a", "/bin/sleep 1361") + "job {\n  nmae b\n}\n");
  const CtlExchange bad = ctl(pmtr.control_socket(), CtlReload{}, 15000ms);
  CHECK_TEXT(bad.complete, bad.error.c_str());
  CHECK(bad.code == CtlCode::Failed);
  bool saw = false;
  for (const auto& r : bad.replies)
    if (const auto* d = std::get_if<CtlDiag>(&r)) saw = saw || d->text.find("nmae") != std::string::npos;
  CHECK(saw);
  CHECK_EQUAL(a, pmtr.job_pid("a"));
  CHECK(process_alive(a));
}

TEST(ControlOperate, WaitDownAfterAStopAndWaitUpTimesOut) {
  write_file(conf, job("w", "/bin/sleep 1371") + job("q", "/bin/true"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t w = pmtr.wait_job("w", 5000ms);
  CHECK(ctl(pmtr.control_socket(), CtlOperate{CtlType::Stop, {"w"}}).code == CtlCode::Ok);
  const CtlExchange down = ctl(pmtr.control_socket(), CtlWait{WaitTarget::Down, 5000, {"w"}}, 6000ms);
  CHECK(down.complete && down.code == CtlCode::Ok);
  CHECK(!process_alive(w));
  CHECK(pmtr.wait_log("job q restarting too fast", 5000ms));
  const CtlExchange up = ctl(pmtr.control_socket(), CtlWait{WaitTarget::Up, 300, {"q"}}, 5000ms);
  CHECK(up.complete && up.code == CtlCode::Failed);
  STRCMP_EQUAL("q", up.subject.c_str());
}

// The default rights: everyone reads status, nobody but root operates.
TEST(ControlOperate, AnOrdinaryUserReadsStatusButCannotStop) {
  PMTR_REQUIRE_ROOT();
  TestUser user("ctl");
  CHECK_TEXT(user.ok(), user.error().c_str());
  write_file(conf, job("web", "/bin/sleep 1381"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  const CtlExchange st = ctl_as(user.uid(), user.gid(), {}, pmtr.control_socket(), CtlStatusRequest{});
  CHECK_TEXT(st.complete, st.error.c_str());
  CHECK_EQUAL(1u, st.jobs.size());
  const CtlExchange stop = ctl_as(user.uid(), user.gid(), {}, pmtr.control_socket(), CtlOperate{CtlType::Stop, {"web"}});
  CHECK(stop.complete);
  CHECK(stop.code == CtlCode::Denied);
  STRCMP_EQUAL("operate web", stop.subject.c_str());
  const CtlExchange reload = ctl_as(user.uid(), user.gid(), {}, pmtr.control_socket(), CtlReload{});
  CHECK(reload.code == CtlCode::Denied);
  CHECK_EQUAL(web, pmtr.job_pid("web"));
  CHECK(process_alive(web));
}
