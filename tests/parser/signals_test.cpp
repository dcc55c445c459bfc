// parser/signals.{hpp,cpp}: signal names and numbers for `stop signal`.
#include "parser/signals.hpp"

#include <CppUTest/TestHarness.h>

#include <csignal>
#include <string>

using namespace pmtr;
using namespace pmtr::conf;

namespace {

std::string sig(std::string_view word) {
  const auto r = parse_signal(word);
  return r ? std::to_string(r.value()) : "error: " + r.error().what;
}

std::string n(int v) { return std::to_string(v); }

}  // namespace

TEST_GROUP(Signals){};

TEST(Signals, NamesWithAndWithoutSigInAnyCase) {
  STRCMP_EQUAL(n(SIGTERM).c_str(), sig("TERM").c_str());
  STRCMP_EQUAL(n(SIGTERM).c_str(), sig("SIGTERM").c_str());
  STRCMP_EQUAL(n(SIGINT).c_str(), sig("int").c_str());
  STRCMP_EQUAL(n(SIGINT).c_str(), sig("SigInt").c_str());
  STRCMP_EQUAL(n(SIGHUP).c_str(), sig("HUP").c_str());
  STRCMP_EQUAL(n(SIGUSR1).c_str(), sig("USR1").c_str());
  STRCMP_EQUAL(n(SIGUSR2).c_str(), sig("SIGUSR2").c_str());
  STRCMP_EQUAL(n(SIGQUIT).c_str(), sig("QUIT").c_str());
  STRCMP_EQUAL(n(SIGKILL).c_str(), sig("KILL").c_str());
  STRCMP_EQUAL(n(SIGWINCH).c_str(), sig("WINCH").c_str());
  STRCMP_EQUAL(n(SIGABRT).c_str(), sig("IOT").c_str());
  STRCMP_EQUAL(n(SIGIO).c_str(), sig("POLL").c_str());
}

TEST(Signals, EveryNameLooksUpToAValidNumber) {
  for (std::string_view name : signal_names()) {
    const auto r = parse_signal(name);
    CHECK_TRUE_TEXT(r.ok(), std::string(name).c_str());
    CHECK_TRUE(r.value() >= 1 && r.value() <= 64);
    const auto prefixed = parse_signal("SIG" + std::string(name));
    CHECK_TRUE(prefixed.ok() && prefixed.value() == r.value());
  }
}

TEST(Signals, Numbers) {
  STRCMP_EQUAL("1", sig("1").c_str());
  STRCMP_EQUAL("15", sig("15").c_str());
  STRCMP_EQUAL("64", sig("64").c_str());
  STRCMP_EQUAL("10", sig("010").c_str());
  STRCMP_EQUAL("error: invalid signal number '0' (1 to 64)", sig("0").c_str());
  STRCMP_EQUAL("error: invalid signal number '65' (1 to 64)", sig("65").c_str());
  STRCMP_EQUAL("error: invalid signal number '99999999999999999999' (1 to 64)", sig("99999999999999999999").c_str());
}

TEST(Signals, RealTimeSignalsAsKillSpellsThem) {
  STRCMP_EQUAL(n(SIGRTMIN).c_str(), sig("RTMIN").c_str());
  STRCMP_EQUAL(n(SIGRTMIN + 3).c_str(), sig("RTMIN+3").c_str());
  STRCMP_EQUAL(n(SIGRTMIN + 3).c_str(), sig("SIGRTMIN+3").c_str());
  STRCMP_EQUAL(n(SIGRTMAX).c_str(), sig("rtmax").c_str());
  STRCMP_EQUAL(n(SIGRTMAX - 1).c_str(), sig("RTMAX-1").c_str());
  const std::string range = " is out of range (RTMIN is " + n(SIGRTMIN) + " and RTMAX " + n(SIGRTMAX) + " here)";
  STRCMP_EQUAL(("error: signal 'RTMIN+40'" + range).c_str(), sig("RTMIN+40").c_str());
  STRCMP_EQUAL(("error: signal 'RTMAX-40'" + range).c_str(), sig("RTMAX-40").c_str());
}

TEST(Signals, MisspelledNamesGetAHint) {
  STRCMP_EQUAL("error: unknown signal 'TREM' (did you mean 'TERM'?)", sig("TREM").c_str());
  STRCMP_EQUAL("error: unknown signal 'SIGTREM' (did you mean 'TERM'?)", sig("SIGTREM").c_str());
  STRCMP_EQUAL("error: unknown signal 'usr3' (did you mean 'USR1'?)", sig("usr3").c_str());
}

TEST(Signals, OtherWordsAreUnknown) {
  const std::string usage = " (a name like TERM or SIGTERM, or a number from 1 to 64)";
  for (const char* w : {"", "SIG", "SIGSIG", "-15", "+15", "15x", "RTMIN-1", "RTMAX+1", "RTMIN+", "RTMIN+x",
                        "TERMINATE_ALL_THE_THINGS", "SIG15"})
    STRCMP_EQUAL_TEXT(("error: unknown signal '" + std::string(w) + "'" + usage).c_str(), sig(w).c_str(), w);
}
