// `listen on` through the real binaries: the original pmtr's datagrams
// (plain text, as its tools and a few lines of Python send them) stop and
// start jobs as `pmtrctl stop` / `start` would; an unknown name is logged
// and skipped; words it does not understand are counted, never acted on.
#include <sys/stat.h>

#include <string>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/pmtrctl_runner.hpp"
#include "tests/support/udp_support.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

// Sends with python3's socket module when there is one (what the
// original's users script), else from here.
bool send_like_python(uint16_t port, const std::string& text) {
  struct stat st {};
  if (::stat("/usr/bin/python3", &st) != 0) return send_udp(port, text);
  std::string out;
  return run_command({"/usr/bin/python3", "-c",
                      "import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.argv[1].encode(), "
                      "('127.0.0.1', int(sys.argv[2])))",
                      text, std::to_string(port)},
                     &out) == 0;
}

}  // namespace

TEST_GROUP(NetListen) {
  TempDir dir;
  uint16_t port = 0;
  std::string conf;
  void setup() override {
    port = free_udp_port();
    conf = dir.file("pmtr.conf");
    write_file(conf, "listen on udp://127.0.0.1:" + std::to_string(port) + "\n" + job("a", "/bin/sleep 1000") +
                         job("b", "/bin/sleep 1000") + job("c", "/bin/sleep 1000"));
  }
};

TEST(NetListen, DisableStopsAJobAndEnableBringsItBack) {
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 10000ms);
  CHECK(a > 0);
  CHECK(pmtr.wait_log("has no key: anyone who can send a datagram", 10000ms));
  CHECK(poll_until([&] { return pmtr.net_pid() > 0; }, 10000ms));
  CHECK(send_like_python(port, "disable a"));
  CHECK_TEXT(pmtr.wait_log("udp: stop of job a", 10000ms), pmtr.log().c_str());
  CHECK(poll_until([&] { return !process_alive(a); }, 10000ms));
  CHECK(poll_until([&] { return pmtrctl(pmtr, {"status", "a"}).out.find("stopped") != std::string::npos; }, 10000ms));
  // Sticky: not restarted.
  CHECK_EQUAL(1, pmtr.count_log("started job a ["));
  CHECK(send_like_python(port, "enable a"));
  CHECK(pmtr.wait_new_pid("a", a, 10000ms) > 0);
}

TEST(NetListen, SeveralWordsSeveralNamesAndAnUnknownNameIsSkipped) {
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 10000ms), b = pmtr.wait_job("b", 10000ms), c = pmtr.wait_job("c", 10000ms);
  CHECK(a > 0 && b > 0 && c > 0);
  CHECK(poll_until([&] { return pmtr.net_pid() > 0; }, 10000ms));
  // The original's form: a mode word, then names; the mode may change.
  CHECK(send_like_python(port, "disable a nosuchjob b\n"));
  CHECK_TEXT(pmtr.wait_log("udp: stop of job b", 10000ms), pmtr.log().c_str());
  CHECK(pmtr.wait_log("udp: stop of job a", 10000ms));
  CHECK(pmtr.wait_log("unknown job", 5000ms));
  CHECK(pmtr.wait_log("nosuchjob", 100ms));
  CHECK(process_alive(c));
  CHECK(send_like_python(port, "enable b disable c"));
  CHECK(pmtr.wait_log("udp: start of job b", 10000ms));
  CHECK(pmtr.wait_log("udp: stop of job c", 10000ms));
  CHECK(pmtr.wait_new_pid("b", b, 10000ms) > 0);
}

TEST(NetListen, GarbageIsCountedAndTouchesNoJob) {
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 10000ms);
  CHECK(poll_until([&] { return pmtr.net_pid() > 0; }, 10000ms));
  CHECK(send_udp(port, std::string("\x00\x01\xff garbage", 11)));
  CHECK(send_udp(port, "a b c"));   // names before any enable/disable
  CHECK(send_udp(port, "stop a"));
  CHECK_TEXT(pmtr.wait_log("not understood", 5000ms), pmtr.log().c_str());
  CHECK(process_alive(a));
  CHECK_EQUAL(1, pmtr.count_log("started job a ["));
  CHECK_EQUAL(0, pmtr.count_log("udp: stop of"));
}
