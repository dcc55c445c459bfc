// `listen on ... key FILE` through the real binaries: a datagram signed
// with the key (by pmtrctl send, or by hand with the documented layout)
// works once; a replayed, a tampered, an old and an unsigned one are
// dropped and counted, and the job keeps its pid.  A key file anyone but
// root could read is refused.
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <string>
#include <vector>

#include "common/datagram_mac.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/pmtrctl_runner.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/udp_support.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

std::vector<std::byte> key_bytes() {
  std::vector<std::byte> k(32);
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::byte>(i * 7 + 3);
  return k;
}

std::string signed_text(const std::string& body, int64_t when) {
  const auto k = key_bytes();
  return pmtr::sign_datagram(k, when, pmtr::random_nonce(), body);
}

}  // namespace

TEST_GROUP(NetSigned) {
  TempDir dir;
  uint16_t port = 0;
  std::string conf, key;
  void setup() override {
    CHECK(pmtr::init_mac_library().ok());
    port = free_udp_port();
    conf = dir.file("pmtr.conf");
    key = dir.file("listen.key");
    const auto k = key_bytes();
    write_file(key, std::string(reinterpret_cast<const char*>(k.data()), k.size()), 0600);
    write_file(conf, "listen on udp://127.0.0.1:" + std::to_string(port) + " key " + key + "\n" +
                         job("a", "/bin/sleep 1000"));
  }
};

TEST(NetSigned, AGoodDatagramWorksAndAReplayedTamperedOldOrUnsignedOneIsDropped) {
  PMTR_REQUIRE_ROOT();
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 10000ms);
  CHECK(poll_until([&] { return pmtr.net_pid() > 0; }, 10000ms));
  CHECK_EQUAL(0, pmtr.count_log("has no key"));
  // Unsigned (the original's plain text), tampered, old: dropped.
  CHECK(send_udp(port, "disable a"));
  std::string tampered = signed_text("enable a", std::time(nullptr));
  tampered.back() = 'b';
  CHECK(send_udp(port, tampered));
  CHECK(send_udp(port, signed_text("disable a", std::time(nullptr) - 120)));
  CHECK_TEXT(pmtr.wait_log("unsigned", 5000ms), pmtr.log().c_str());
  CHECK_TEXT(pmtr.wait_log("bad signature", 5000ms), pmtr.log().c_str());
  CHECK_TEXT(pmtr.wait_log("clock more than 30 s off", 5000ms), pmtr.log().c_str());
  CHECK(process_alive(a));
  // Good: the job stops.  The same bytes again: a replay, dropped.
  const std::string good = signed_text("disable a", std::time(nullptr));
  CHECK(send_udp(port, good));
  CHECK_TEXT(pmtr.wait_log("udp: stop of job a", 10000ms), pmtr.log().c_str());
  CHECK(poll_until([&] { return !process_alive(a); }, 10000ms));
  CHECK(send_udp(port, signed_text("enable a", std::time(nullptr))));
  const pid_t a2 = pmtr.wait_new_pid("a", a, 10000ms);
  CHECK(a2 > 0);
  CHECK(send_udp(port, good));
  CHECK_TEXT(pmtr.wait_log("replayed", 5000ms), pmtr.log().c_str());
  CHECK(process_alive(a2));
  CHECK_EQUAL(1, pmtr.count_log("udp: stop of job a"));
}

TEST(NetSigned, PmtrctlSendSignsWithTheKey) {
  PMTR_REQUIRE_ROOT();
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 10000ms);
  CHECK(poll_until([&] { return pmtr.net_pid() > 0; }, 10000ms));
  const Ran sent = pmtrctl(pmtr, {"send", "udp://127.0.0.1:" + std::to_string(port), "--key", key, "disable", "a"});
  CHECK_EQUAL_TEXT(0, sent.status, sent.out.c_str());
  CHECK_TEXT(pmtr.wait_log("udp: stop of job a", 10000ms), pmtr.log().c_str());
  CHECK(poll_until([&] { return !process_alive(a); }, 10000ms));
}

TEST(NetSigned, AKeyFileOthersCanReadIsRefusedAndNothingListens) {
  PMTR_REQUIRE_ROOT();
  CHECK_EQUAL(0, ::chmod(key.c_str(), 0644));
  Pmtr pmtr(conf);
  const pid_t a = pmtr.wait_job("a", 10000ms);
  CHECK(a > 0);
  CHECK_TEXT(pmtr.wait_log("not listening", 10000ms), pmtr.log().c_str());
  CHECK(pmtr.wait_log("0644", 100ms));
  CHECK(send_udp(port, signed_text("disable a", std::time(nullptr))));
  CHECK(send_udp(port, "disable a"));
  CHECK_FALSE(pmtr.wait_log("udp: stop of job a", 1000ms));
  CHECK(process_alive(a));
}
