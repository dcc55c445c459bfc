// The sandboxed parser as a process (pmtr(8) PROCESSES, SECURITY.md;
// issue 3): its credentials in /proc, and the failure policy when it is
// killed.
#include <signal.h>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

TEST_GROUP(ParserProcess) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(ParserProcess, SandboxedCredentials) {
  PMTR_REQUIRE_ROOT();
  write_file(conf, job("a", "/bin/sleep 1001"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_job("a", 5000ms) > 0);
  pid_t parser = -1;
  CHECK(poll_until([&] { return (parser = pmtr.parser_pid()) > 0; }, 5000ms));
  for (const char* f : {"Uid", "Gid"}) {
    const std::string v = proc_status_field(parser, f);
    CHECK_FALSE(v.empty());
    CHECK(v.find("\t0") == std::string::npos && v.rfind("0\t", 0) != 0);
  }
  STRCMP_EQUAL("", proc_status_field(parser, "Groups").c_str());
  for (const char* cap : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    STRCMP_EQUAL("0000000000000000", proc_status_field(parser, cap).c_str());
  STRCMP_EQUAL("1", proc_status_field(parser, "NoNewPrivs").c_str());
  STRCMP_EQUAL("2", proc_status_field(parser, "Seccomp").c_str());
  STRCMP_EQUAL("pmtr: parser\n", read_file("/proc/" + std::to_string(parser) + "/comm").c_str());
}

TEST(ParserProcess, SurvivesTwentyParserKills) {
  write_file(conf, job("a", "/bin/sleep 1001") + job("b", "/bin/sleep 1002"));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 5000ms), b = pmtr.wait_job("b", 5000ms);
  CHECK(a > 0 && b > 0);
  pid_t previous = -1;
  for (int i = 0; i < 20; ++i) {
    pid_t parser = -1;
    CHECK(poll_until([&] {
      parser = pmtr.parser_pid();
      return parser > 0 && parser != previous;
    }, 10000ms));
    // Wait until it finished its parse (the log shows one more applied config).
    CHECK(pmtr.wait_log("applying configuration", 10000ms, i + 1));
    kill(parser, SIGKILL);
    previous = parser;
    CHECK(pmtr.wait_log("parser [" + std::to_string(parser) + "]", 5000ms));
  }
  CHECK(process_alive(pmtr.pid()));
  CHECK(poll_until([&] { const pid_t p = pmtr.parser_pid(); return p > 0 && p != previous; }, 10000ms));
  CHECK_EQUAL(a, pmtr.job_pid("a"));
  CHECK_EQUAL(b, pmtr.job_pid("b"));
  CHECK(process_alive(a) && process_alive(b));
  // An edit afterwards still applies.
  write_file(conf, job("a", "/bin/sleep 1001") + job("b", "/bin/sleep 1002") + job("c", "/bin/sleep 1003"));
  CHECK(pmtr.wait_job("c", 10000ms) > 0);
  CHECK_EQUAL(a, pmtr.job_pid("a"));
}

// A parser lives as long as pmtr: it survives its parses (a parser that
// died after each one would be restarted forever and every reload would
// pay for a new process).
TEST(ParserProcess, ParserSurvivesItsParses) {
  write_file(conf, job("a", "/bin/sleep 1001"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_job("a", 5000ms) > 0);
  pid_t parser = -1;
  CHECK(poll_until([&] { return (parser = pmtr.parser_pid()) > 0; }, 5000ms));
  for (int i = 1; i <= 3; ++i) {
    write_file(conf, job("a", "/bin/sleep 1001") + job("b" + std::to_string(i), "/bin/sleep 1002"));
    CHECK(pmtr.wait_job("b" + std::to_string(i), 5000ms) > 0);
  }
  pmtr.signal(SIGHUP);
  CHECK(pmtr.wait_log("applying configuration: 2 kept, 0 added", 5000ms));
  CHECK_EQUAL(parser, pmtr.parser_pid());
  CHECK_EQUAL(0, pmtr.count_log("new parser in"));   // no parser failure at all
}

// A parser that hangs (here: stopped with SIGSTOP) gets 10 s to answer a
// parse request; then the monitor kills it, starts a new one and applies
// the edit through it.  Jobs keep their pids throughout.
TEST(ParserProcess, HungParserIsKilledAfterTheParseTimeout) {
  write_file(conf, job("a", "/bin/sleep 1001"));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 5000ms);
  CHECK(a > 0);
  pid_t parser = -1;
  CHECK(poll_until([&] { return (parser = pmtr.parser_pid()) > 0; }, 5000ms));
  CHECK(pmtr.wait_log("applying configuration", 5000ms));
  kill(parser, SIGSTOP);
  write_file(conf, job("a", "/bin/sleep 1001") + job("b", "/bin/sleep 1002"));
  CHECK(pmtr.wait_log("parser [" + std::to_string(parser) + "]: no answer within 10 s", 15000ms));
  CHECK(pmtr.wait_job("b", 10000ms) > 0);
  CHECK(pmtr.parser_pid() != parser);
  CHECK(poll_until([&] { return !process_alive(parser); }, 5000ms));   // killed and reaped
  CHECK_EQUAL(a, pmtr.job_pid("a"));
}
