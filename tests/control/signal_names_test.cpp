// control/signal_names.{hpp,cpp}: signal names both ways.
#include "control/signal_names.hpp"

#include <signal.h>

#include <string>

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::ctl;

TEST_GROUP(SignalNames){};

TEST(SignalNames, NamesWithOrWithoutSigInAnyCase) {
  CHECK_EQUAL(SIGTERM, parse_signal("TERM"));
  CHECK_EQUAL(SIGTERM, parse_signal("SIGTERM"));
  CHECK_EQUAL(SIGTERM, parse_signal("sigterm"));
  CHECK_EQUAL(SIGHUP, parse_signal("Hup"));
  CHECK_EQUAL(SIGUSR1, parse_signal("usr1"));
  CHECK_EQUAL(SIGWINCH, parse_signal("SIGWINCH"));
  CHECK_EQUAL(SIGABRT, parse_signal("IOT"));
  CHECK_EQUAL(SIGCHLD, parse_signal("CLD"));
  CHECK_EQUAL(SIGIO, parse_signal("POLL"));
}

TEST(SignalNames, NumbersOneToSixtyFour) {
  CHECK_EQUAL(1, parse_signal("1"));
  CHECK_EQUAL(9, parse_signal("9"));
  CHECK_EQUAL(64, parse_signal("64"));
  CHECK_EQUAL(9, parse_signal("09"));
  CHECK_EQUAL(0, parse_signal("0"));
  CHECK_EQUAL(0, parse_signal("65"));
  CHECK_EQUAL(0, parse_signal("-9"));
  CHECK_EQUAL(0, parse_signal("+9"));
  CHECK_EQUAL(0, parse_signal("1000"));
}

TEST(SignalNames, RealtimeSignals) {
  CHECK_EQUAL(SIGRTMIN, parse_signal("RTMIN"));
  CHECK_EQUAL(SIGRTMIN + 3, parse_signal("SIGRTMIN+3"));
  CHECK_EQUAL(SIGRTMAX, parse_signal("rtmax"));
  CHECK_EQUAL(SIGRTMAX - 2, parse_signal("RTMAX-2"));
  CHECK_EQUAL(0, parse_signal("RTMIN-1"));
  CHECK_EQUAL(0, parse_signal("RTMAX+1"));
  CHECK_EQUAL(0, parse_signal("RTMIN+99"));
  CHECK_EQUAL(0, parse_signal("RTMIN+"));
}

TEST(SignalNames, NonsenseIsZero) {
  CHECK_EQUAL(0, parse_signal(""));
  CHECK_EQUAL(0, parse_signal("SIG"));
  CHECK_EQUAL(0, parse_signal("TREM"));
  CHECK_EQUAL(0, parse_signal("SIGSIGTERM"));
  CHECK_EQUAL(0, parse_signal("TERM "));
}

TEST(SignalNames, NamesOut) {
  STRCMP_EQUAL("TERM", signal_name(SIGTERM).c_str());
  STRCMP_EQUAL("KILL", signal_name(SIGKILL).c_str());
  STRCMP_EQUAL("ABRT", signal_name(SIGABRT).c_str());   // not its alias IOT
  STRCMP_EQUAL("CHLD", signal_name(SIGCHLD).c_str());
  STRCMP_EQUAL("RTMIN", signal_name(SIGRTMIN).c_str());
  STRCMP_EQUAL("RTMIN+1", signal_name(SIGRTMIN + 1).c_str());
  STRCMP_EQUAL("RTMAX", signal_name(SIGRTMAX).c_str());
  STRCMP_EQUAL("RTMAX-1", signal_name(SIGRTMAX - 1).c_str());
  STRCMP_EQUAL("0", signal_name(0).c_str());
  STRCMP_EQUAL("99", signal_name(99).c_str());
}

TEST(SignalNames, EveryNumberRoundTrips) {
  for (int sig = 1; sig <= 64; ++sig) {
    const std::string name = signal_name(sig);
    if (sig < SIGRTMIN && (name[0] >= '0' && name[0] <= '9')) continue;   // glibc's own 32, 33
    CHECK_EQUAL_TEXT(sig, parse_signal(name), name.c_str());
  }
}
