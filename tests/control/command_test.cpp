// control/command.{hpp,cpp}: verb names and the request each command
// sends; control/help.{hpp,cpp}: a help text and usage line per command.
#include "control/command.hpp"

#include <string>

#include "control/help.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;

namespace {

constexpr Verb kVerbs[] = {Verb::Status, Verb::Start, Verb::Stop,    Verb::Restart, Verb::Signal, Verb::Reload,
                           Verb::Wait,   Verb::Metrics, Verb::Log, Verb::Rotate,  Verb::Send,   Verb::Listen};

Command with(Verb v) {
  Command c;
  c.verb = v;
  c.names = {"a", "b"};
  c.signal = 10;
  c.target = WaitTarget::Down;
  c.timeout_ms = 3000;
  return c;
}

}  // namespace

TEST_GROUP(Command){};

TEST(Command, EachVerbSendsItsRequest) {
  CHECK(std::get<CtlStatusRequest>(make_request(with(Verb::Status))).names.size() == 2);
  CHECK(std::get<CtlStatusRequest>(make_request(with(Verb::Metrics))).names.empty());
  CHECK(std::get<CtlOperate>(make_request(with(Verb::Start))).op == CtlType::Start);
  CHECK(std::get<CtlOperate>(make_request(with(Verb::Stop))).op == CtlType::Stop);
  CHECK(std::get<CtlOperate>(make_request(with(Verb::Restart))).op == CtlType::Restart);
  CHECK(std::get<CtlOperate>(make_request(with(Verb::Restart))).names.size() == 2);
  CHECK_EQUAL(10, std::get<CtlSignal>(make_request(with(Verb::Signal))).signal);
  CHECK(std::holds_alternative<CtlReload>(make_request(with(Verb::Reload))));
  const CtlWait w = std::get<CtlWait>(make_request(with(Verb::Wait)));
  CHECK(w.target == WaitTarget::Down);
  CHECK_EQUAL(3000u, w.timeout_ms);
  STRCMP_EQUAL("a", std::get<CtlLogWhere>(make_request(with(Verb::Log))).name.c_str());
  CHECK(std::get<CtlRotate>(make_request(with(Verb::Rotate))).names.size() == 2);
  // Every request the commands make is one the monitor's decoder takes.
  for (const Verb v : kVerbs) {
    const auto bytes = encode_ctl_request(make_request(with(v)));
    CHECK_TEXT(decode_ctl_request(bytes).ok(), verb_name(v));
  }
}

// The cgroup figures cost the monitor three file reads per job: asked for
// only where they are shown (--json, metrics), and they survive the wire.
TEST(Command, OnlyJsonAndMetricsAskForTheCgroupFigures) {
  Command table = with(Verb::Status);
  Command json = with(Verb::Status);
  json.format = StatusFormat::Json;
  Command names = with(Verb::Status);
  names.format = StatusFormat::Names;
  CHECK_FALSE(std::get<CtlStatusRequest>(make_request(table)).figures);
  CHECK_FALSE(std::get<CtlStatusRequest>(make_request(names)).figures);
  CHECK(std::get<CtlStatusRequest>(make_request(json)).figures);
  CHECK(std::get<CtlStatusRequest>(make_request(with(Verb::Metrics))).figures);
  for (const bool figures : {false, true}) {
    const auto bytes = encode_ctl_request(CtlStatusRequest{{"a"}, figures});
    CHECK_EQUAL(static_cast<int>(figures ? CtlType::StatusFigures : CtlType::StatusQuery), static_cast<int>(bytes[1]));
    auto back = decode_ctl_request(bytes);
    CHECK(back.ok());
    CHECK_EQUAL(figures, std::get<CtlStatusRequest>(*back).figures);
    CHECK(std::get<CtlStatusRequest>(*back).names == std::vector<std::string>{"a"});
  }
}

TEST(Command, NamesAndHelp) {
  const std::string overall = overall_help("/run/pmtr/control");
  for (const Verb v : kVerbs) {
    const std::string name = verb_name(v);
    const std::string usage = command_usage(v);
    CHECK_TEXT(usage.rfind("usage: pmtrctl [-s SOCKET] " + name, 0) == 0, name.c_str());
    CHECK_TEXT(std::string(command_help(v)).rfind(usage, 0) == 0, name.c_str());
    CHECK_TEXT(overall.find("\n  " + name + " ") != std::string::npos, name.c_str());
  }
  // Help fits a terminal.
  for (const std::string& text : {overall, std::string(command_help(Verb::Wait)), std::string(overall_usage())}) {
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
      CHECK_TEXT(nl - start <= 80, text.substr(start, nl - start).c_str());
  }
}
