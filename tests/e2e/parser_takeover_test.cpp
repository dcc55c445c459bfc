// What a parser taken over can and cannot do to the monitor (issue 11,
// findings 2, 3 and 5), with a substitute parser (tests/tools/fake_parser.cpp)
// in place of the real one.
#include <signal.h>

#include <cstdlib>
#include <sstream>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/substitute_parser.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

// VmHWM (peak resident set) in KiB.
long peak_rss_kib(pid_t pid) { return std::atol(proc_status_field(pid, "VmHWM").c_str()); }

// No line of the log begins with `forged` (a standalone forged line).
bool no_line_starts_with(const std::string& log, const std::string& forged) {
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(forged, 0) == 0) return false;
  return true;
}

}  // namespace

TEST_GROUP(ParserFlood) {
  SubstituteParser sub;
  TempDir dir;
  std::string conf;
  void setup() override {
    conf = dir.file("pmtr.conf");
    write_file(conf, "# the substitute parser reads nothing\n");
  }
};

// 64 KiB records of jobs as fast as the socket takes them: before the cap
// the monitor kept every one (1.2 GB in 3 s).  Now the answer to a parse of
// this small config may take about 1 MiB; the flood is a violation at once,
// the monitor stays small, its job untouched, and the next parser works.
TEST(ParserFlood, FloodIsCutAtTheByteCapAndTheMonitorStaysSmall) {
  CHECK(sub.ok());
  sub.mode("serve a /bin/sleep 1301");
  Pmtr pmtr(sub.pmtr(), conf, {}, {});
  const pid_t a = pmtr.wait_job("a", 5000ms);
  CHECK(a > 0);
  const long before = peak_rss_kib(pmtr.pid());
  CHECK(before > 0);

  sub.mode("flood");
  pmtr.signal(SIGHUP);
  CHECK(pmtr.wait_log("protocol violation: answer larger than", 5000ms));
  const long after = peak_rss_kib(pmtr.pid());
  CHECK_TEXT(after - before < 32 * 1024,
             ("peak RSS grew from " + std::to_string(before) + " to " + std::to_string(after) + " KiB").c_str());

  sub.mode("serve a /bin/sleep 1301");
  CHECK(pmtr.wait_log("applying configuration", 5000ms, 2));   // the next parser's parse
  CHECK_EQUAL(a, pmtr.job_pid("a"));
  CHECK(process_alive(a));
  CHECK(pmtr.stop(5000ms) != -1);
}

TEST_GROUP(ParserTakeover) {
  SubstituteParser sub;
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

// The limit SECURITY.md states: job descriptors carry root's authority, so
// a parser taken over can run a command the config never names, as root.
// What the sandbox protects is the machine from the parser, not the jobs.
TEST(ParserTakeover, SubstituteParserCanRunAJobTheConfigDoesNotList) {
  PMTR_REQUIRE_ROOT();
  CHECK(sub.ok());
  write_file(conf, "job {\n  name listed\n  cmd /bin/sleep 1302\n}\n");
  sub.mode("serve unlisted /bin/sleep 1303");
  Pmtr pmtr(sub.pmtr(), conf, {}, {});
  const pid_t p = pmtr.wait_job("unlisted", 5000ms);
  CHECK(p > 0);
  CHECK(poll_until([&] { return proc_cmdline(p) == "/bin/sleep 1303"; }, 5000ms));
  STRCMP_EQUAL("0\t0\t0\t0", proc_status_field(p, "Uid").c_str());
  CHECK_EQUAL(0, pmtr.count_log("started job listed"));
  CHECK(pmtr.stop(5000ms) != -1);
}

TEST_GROUP(ParserForgery) {
  SubstituteParser sub;
  TempDir dir;
  std::string conf;
  void setup() override {
    conf = dir.file("pmtr.conf");
    write_file(conf, "# the substitute parser reads nothing\n");
  }
};

// A removed job's name with a newline: the violation reason quoted it raw,
// and the log showed a standalone "pmtr: started job sshd-backdoor [1]".
TEST(ParserForgery, NamesInViolationReasonsAreEscaped) {
  CHECK(sub.ok());
  sub.mode("serve a /bin/sleep 1305");   // a job to remove: removals beyond the table are refused earlier
  Pmtr pmtr(sub.pmtr(), conf, {}, {});
  CHECK(pmtr.wait_job("a", 5000ms) > 0);
  sub.mode("forge");
  pmtr.signal(SIGHUP);
  CHECK(pmtr.wait_log("protocol violation: removed job 'ghost\\x0apmtr: started job sshd-backdoor [1]'", 5000ms));
  CHECK(no_line_starts_with(pmtr.log(), "pmtr: started job sshd-backdoor"));
  sub.mode("serve");
  CHECK(pmtr.stop(5000ms) != -1);
}

// In the foreground the parser's stderr used to be pmtr's own: whatever it
// printed reached the terminal or journal raw.  Now each line comes through
// the monitor, escaped and marked as the parser's.
TEST(ParserForgery, ParserStderrIsForwardedEscapedAndAttributed) {
  CHECK(sub.ok());
  sub.stderr_text("hello\npmtr: started job sshd-backdoor [1]\n\x1b[2Jcleared\n");
  sub.mode("serve a /bin/sleep 1304");
  Pmtr pmtr(sub.pmtr(), conf, {}, {});
  CHECK(pmtr.wait_job("a", 5000ms) > 0);
  pid_t parser = -1;
  CHECK(poll_until([&] { return (parser = pmtr.parser_pid()) > 0; }, 5000ms));
  const std::string tag = "pmtr: parser [" + std::to_string(parser) + "] stderr: ";
  CHECK(pmtr.wait_log(tag + "hello\n", 5000ms));
  CHECK(pmtr.wait_log(tag + "pmtr: started job sshd-backdoor [1]\n", 5000ms));
  CHECK(pmtr.wait_log(tag + "\\x1b[2Jcleared\n", 5000ms));
  CHECK(no_line_starts_with(pmtr.log(), "pmtr: started job sshd-backdoor"));
  CHECK(pmtr.log().find('\x1b') == std::string::npos);
  CHECK(pmtr.stop(5000ms) != -1);
}
