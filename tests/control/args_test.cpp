// control/args.{hpp,cpp}: every command and option, and every usage error
// with its message (exit 2 comes from ArgsAction::Usage).
#include "control/args.hpp"

#include <string>
#include <vector>

#include "common/limits.hpp"
#include "control/help.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;

namespace {

ParsedArgs parse(const std::vector<std::string>& args) {
  std::vector<const char*> v;
  for (const auto& a : args) v.push_back(a.c_str());
  return parse_args(v, "/run/pmtr/control");
}

Command parsed_ok(const std::vector<std::string>& args) {
  const ParsedArgs p = parse(args);
  CHECK_TRUE_TEXT(p.action == ArgsAction::Run, p.text.c_str());
  return p.command;
}

// The usage error's first line (the second is the usage line).
std::string usage_error(const std::vector<std::string>& args) {
  const ParsedArgs p = parse(args);
  CHECK_TRUE_TEXT(p.action == ArgsAction::Usage, p.text.c_str());
  return p.text.substr(0, p.text.find('\n'));
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + ",";
  return s;
}

}  // namespace

TEST_GROUP(Args){};

TEST(Args, StatusWithAndWithoutNamesAndFormats) {
  Command c = parsed_ok({"status"});
  CHECK(c.verb == Verb::Status);
  CHECK(c.names.empty());
  CHECK(c.format == StatusFormat::Table);
  c = parsed_ok({"status", "web", "db", "--json"});
  STRCMP_EQUAL("web,db,", joined(c.names).c_str());
  CHECK(c.format == StatusFormat::Json);
  c = parsed_ok({"status", "--names"});
  CHECK(c.format == StatusFormat::Names);
  CHECK(parsed_ok({"status", "--json", "--json"}).format == StatusFormat::Json);
}

TEST(Args, OperationsNeedAtLeastOneJob) {
  CHECK(parsed_ok({"start", "web"}).verb == Verb::Start);
  CHECK(parsed_ok({"stop", "web", "db"}).verb == Verb::Stop);
  CHECK(parsed_ok({"restart", "web"}).verb == Verb::Restart);
  STRCMP_EQUAL("pmtrctl: start: name at least one job", usage_error({"start"}).c_str());
  STRCMP_EQUAL("pmtrctl: stop: name at least one job", usage_error({"stop"}).c_str());
  STRCMP_EQUAL("pmtrctl: restart: name at least one job", usage_error({"restart"}).c_str());
}

TEST(Args, SignalByNameOrNumber) {
  Command c = parsed_ok({"signal", "HUP", "web", "db"});
  CHECK(c.verb == Verb::Signal);
  CHECK_EQUAL(1, c.signal);
  STRCMP_EQUAL("web,db,", joined(c.names).c_str());
  CHECK_EQUAL(15, parsed_ok({"signal", "SIGTERM", "web"}).signal);
  CHECK_EQUAL(9, parsed_ok({"signal", "9", "web"}).signal);
  CHECK_EQUAL(64, parsed_ok({"signal", "64", "web"}).signal);
  STRCMP_EQUAL("pmtrctl: signal: name a signal and at least one job", usage_error({"signal"}).c_str());
  STRCMP_EQUAL("pmtrctl: signal: name at least one job", usage_error({"signal", "TERM"}).c_str());
  STRCMP_EQUAL("pmtrctl: signal: 65 is out of range (1..64)", usage_error({"signal", "65", "web"}).c_str());
  STRCMP_EQUAL("pmtrctl: signal: 0 is out of range (1..64)", usage_error({"signal", "0", "web"}).c_str());
  STRCMP_EQUAL("pmtrctl: signal: unknown signal 'TREM' (did you mean 'TERM'?)",
               usage_error({"signal", "TREM", "web"}).c_str());
  STRCMP_EQUAL("pmtrctl: signal: unknown signal 'sigusr3' (did you mean 'USR1'?)",
               usage_error({"signal", "sigusr3", "web"}).c_str());
  STRCMP_EQUAL("pmtrctl: signal: unknown signal 'FROB'", usage_error({"signal", "FROB", "web"}).c_str());
}

TEST(Args, ReloadAndMetricsTakeNoArguments) {
  CHECK(parsed_ok({"reload"}).verb == Verb::Reload);
  CHECK(parsed_ok({"metrics"}).verb == Verb::Metrics);
  STRCMP_EQUAL("pmtrctl: reload takes no arguments (got 'web')", usage_error({"reload", "web"}).c_str());
  STRCMP_EQUAL("pmtrctl: metrics takes no arguments (got 'x')", usage_error({"metrics", "x"}).c_str());
}

TEST(Args, WaitTargetsAndTimeout) {
  Command c = parsed_ok({"wait", "up", "web"});
  CHECK(c.verb == Verb::Wait);
  CHECK(c.target == WaitTarget::Up);
  CHECK_EQUAL(0u, c.timeout_ms);
  c = parsed_ok({"wait", "ready", "web", "db", "--timeout", "1.5s"});
  CHECK(c.target == WaitTarget::Ready);
  CHECK_EQUAL(1500u, c.timeout_ms);
  STRCMP_EQUAL("1.5s", c.timeout_text.c_str());
  STRCMP_EQUAL("web,db,", joined(c.names).c_str());
  c = parsed_ok({"wait", "--timeout=2m", "down", "web"});
  CHECK(c.target == WaitTarget::Down);
  CHECK_EQUAL(120000u, c.timeout_ms);
  STRCMP_EQUAL("pmtrctl: wait: name a state (up, ready or down) and at least one job", usage_error({"wait"}).c_str());
  STRCMP_EQUAL("pmtrctl: wait: name at least one job", usage_error({"wait", "up"}).c_str());
  STRCMP_EQUAL("pmtrctl: wait: 'redy' is not a state to wait for (up, ready or down) (did you mean 'ready'?)",
               usage_error({"wait", "redy", "web"}).c_str());
  STRCMP_EQUAL("pmtrctl: wait: --timeout: invalid duration '30': a unit is needed: ms, s, m, h or d (e.g. 30s)",
               usage_error({"wait", "up", "web", "--timeout", "30"}).c_str());
  STRCMP_EQUAL("pmtrctl: option --timeout needs a DURATION", usage_error({"wait", "up", "web", "--timeout"}).c_str());
  STRCMP_EQUAL("pmtrctl: status: unknown option '--timeout'", usage_error({"status", "--timeout", "3s"}).c_str());
}

TEST(Args, SocketBeforeOrAfterTheCommandInEveryForm) {
  STRCMP_EQUAL("/a", parsed_ok({"-s", "/a", "status"}).socket.c_str());
  STRCMP_EQUAL("/b", parsed_ok({"-s/b", "stop", "web"}).socket.c_str());
  STRCMP_EQUAL("/c", parsed_ok({"--socket", "/c", "reload"}).socket.c_str());
  STRCMP_EQUAL("/d", parsed_ok({"--socket=/d", "metrics"}).socket.c_str());
  STRCMP_EQUAL("/e", parsed_ok({"wait", "up", "web", "-s", "/e"}).socket.c_str());
  STRCMP_EQUAL("", parsed_ok({"status"}).socket.c_str());
  for (const char* verb : {"status", "start", "stop", "restart", "reload", "metrics"}) {
    std::vector<std::string> args{"-s", "/x", verb};
    if (std::string(verb) != "status" && std::string(verb) != "reload" && std::string(verb) != "metrics")
      args.push_back("web");
    STRCMP_EQUAL_TEXT("/x", parsed_ok(args).socket.c_str(), verb);
  }
  STRCMP_EQUAL("pmtrctl: option -s needs a SOCKET", usage_error({"status", "-s"}).c_str());
  STRCMP_EQUAL("pmtrctl: option -s needs a SOCKET", usage_error({"--socket=", "status"}).c_str());
  const std::string long_path = "/" + std::string(limits::kSocketPathBytes, 'x');
  STRCMP_EQUAL("pmtrctl: socket path too long (at most 107 bytes)", usage_error({"-s", long_path, "status"}).c_str());
}

TEST(Args, DoubleDashEndsOptions) {
  Command c = parsed_ok({"stop", "--", "-h", "--json"});
  STRCMP_EQUAL("-h,--json,", joined(c.names).c_str());
  c = parsed_ok({"signal", "--", "TERM", "-web"});
  STRCMP_EQUAL("-web,", joined(c.names).c_str());
}

TEST(Args, UnknownCommandsAndOptionsAreHinted) {
  STRCMP_EQUAL("pmtrctl: unknown command 'stauts' (did you mean 'status'?)", usage_error({"stauts"}).c_str());
  STRCMP_EQUAL("pmtrctl: unknown command 'frobnicate'", usage_error({"frobnicate"}).c_str());
  STRCMP_EQUAL("pmtrctl: a command is needed", usage_error({}).c_str());
  STRCMP_EQUAL("pmtrctl: a command is needed", usage_error({"-s", "/x"}).c_str());
  STRCMP_EQUAL("pmtrctl: status: unknown option '--jsn' (did you mean '--json'?)",
               usage_error({"status", "--jsn"}).c_str());
  STRCMP_EQUAL("pmtrctl: wait: unknown option '--timout=3s' (did you mean '--timeout'?)",
               usage_error({"wait", "up", "web", "--timout=3s"}).c_str());
  STRCMP_EQUAL("pmtrctl: unknown option '--json'", usage_error({"--json", "status"}).c_str());
  STRCMP_EQUAL("pmtrctl: stop: unknown option '-x'", usage_error({"stop", "-x", "web"}).c_str());
  STRCMP_EQUAL("pmtrctl: status: --json and --names exclude each other",
               usage_error({"status", "--json", "--names"}).c_str());
}

TEST(Args, UsageErrorsEndWithTheCommandsUsageLine) {
  ParsedArgs p = parse({"stop"});
  STRCMP_EQUAL((std::string("pmtrctl: stop: name at least one job\n") + command_usage(Verb::Stop)).c_str(),
               p.text.c_str());
  p = parse({"bogus"});
  STRCMP_EQUAL((std::string("pmtrctl: unknown command 'bogus'\n") + overall_usage()).c_str(), p.text.c_str());
}

TEST(Args, JobNamesAreCheckedBeforeAnythingIsSent) {
  STRCMP_EQUAL("pmtrctl: stop: 'a b' is not a job name (1 to 64 printable characters, no spaces)",
               usage_error({"stop", "a b"}).c_str());
  STRCMP_EQUAL("pmtrctl: status: '' is not a job name (1 to 64 printable characters, no spaces)",
               usage_error({"status", ""}).c_str());
  const std::string max(limits::kNameBytes, 'n');
  CHECK_EQUAL(1u, parsed_ok({"start", max}).names.size());
  usage_error({"start", max + "n"});
}

TEST(Args, TooManyNamesForOneRecordIsAUsageError) {
  std::vector<std::string> args{"stop"};
  for (size_t i = 0; i < kCtlNames; ++i) args.push_back("job-" + std::to_string(i));
  CHECK_EQUAL(kCtlNames, parsed_ok(args).names.size());
  args.push_back("one-more");
  STRCMP_EQUAL(("pmtrctl: stop: too many job names for one request (" + std::to_string(kCtlNames + 1) + ")").c_str(),
               usage_error(args).c_str());
  // The cap is set so that the longest names, as many as allowed, still
  // fit one record.
  std::vector<std::string> longs{"status"};
  for (size_t i = 0; i < kCtlNames; ++i) longs.push_back(std::string(60, 'a') + std::to_string(1000 + i));
  CHECK_EQUAL(kCtlNames, parsed_ok(longs).names.size());
}

TEST(Args, HelpAndVersion) {
  ParsedArgs p = parse({"--help"});
  CHECK(p.action == ArgsAction::Help);
  CHECK(p.text.find("(here: /run/pmtr/control)") != std::string::npos);
  CHECK(parse({"-h"}).text == p.text);
  CHECK(parse({"help"}).text == p.text);
  for (Verb v : {Verb::Status, Verb::Start, Verb::Stop, Verb::Restart, Verb::Signal, Verb::Reload, Verb::Wait,
                 Verb::Metrics, Verb::Send, Verb::Listen}) {
    const std::string name = verb_name(v);
    STRCMP_EQUAL_TEXT(command_help(v), parse({name, "--help"}).text.c_str(), name.c_str());
    STRCMP_EQUAL_TEXT(command_help(v), parse({"help", name}).text.c_str(), name.c_str());
    STRCMP_EQUAL_TEXT(command_help(v), parse({"-s", "/x", name, "-h"}).text.c_str(), name.c_str());
    // Each command's help starts with its usage line, and the overall help names it.
    CHECK_TEXT(std::string(command_help(v)).rfind(command_usage(v), 0) == 0, name.c_str());
    CHECK_TEXT(p.text.find("\n  " + name) != std::string::npos, name.c_str());
  }
  STRCMP_EQUAL("pmtrctl: no command 'stop2' (did you mean 'stop'?)", usage_error({"help", "stop2"}).c_str());
  CHECK(parse({"--version"}).action == ArgsAction::Version);
  CHECK(parse({"-V"}).action == ArgsAction::Version);
  CHECK(parse({"status", "-V"}).action == ArgsAction::Version);
}

TEST(Args, LogTakesOneJobLinesAndFollow) {
  Command c = parsed_ok({"log", "web"});
  CHECK(c.verb == Verb::Log);
  STRCMP_EQUAL("web,", joined(c.names).c_str());
  CHECK_EQUAL(10u, c.lines);
  CHECK_FALSE(c.follow);
  c = parsed_ok({"log", "-n", "3", "web", "-f"});
  CHECK_EQUAL(3u, c.lines);
  CHECK_TRUE(c.follow);
  CHECK_EQUAL(250u, parsed_ok({"log", "web", "-n250"}).lines);
  CHECK_EQUAL(0u, parsed_ok({"log", "web", "--lines=0", "--follow"}).lines);
  STRCMP_EQUAL("pmtrctl: log: name one job", usage_error({"log"}).c_str());
  STRCMP_EQUAL("pmtrctl: log: name one job", usage_error({"log", "a", "b"}).c_str());
  STRCMP_EQUAL("pmtrctl: log: -n: 'x' is not a number of lines (0..1000000)",
               usage_error({"log", "a", "-n", "x"}).c_str());
  STRCMP_EQUAL("pmtrctl: log: -n: '-1' is not a number of lines (0..1000000)",
               usage_error({"log", "a", "-n-1"}).c_str());
  STRCMP_EQUAL("pmtrctl: option -n needs a number", usage_error({"log", "a", "-n"}).c_str());
  // -n and -f belong to log alone.
  CHECK(parse({"status", "-f"}).action == ArgsAction::Usage);
}

TEST(Args, RotateTakesAnyNumberOfJobs) {
  CHECK(parsed_ok({"rotate"}).names.empty());
  STRCMP_EQUAL("web,db,", joined(parsed_ok({"rotate", "web", "db"}).names).c_str());
  CHECK(parse({"rotate", "bad name"}).action == ArgsAction::Usage);
}
