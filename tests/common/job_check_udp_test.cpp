// common/job_check's udp addresses: `listen on` (numeric, valid_udp_address),
// `report to` (valid_report_address, host names by valid_host_name, the one
// syntax rule the parser uses too), and the address rules of check_globals.
#include "common/job_check.hpp"

#include <string>

#include "common/limits.hpp"
#include "tests/common/samples.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::string s(size_t n, char c = 'a') { return std::string(n, c); }
std::string with_nul(const char* before, const char* after) {
  return std::string(before) + std::string(1, '\0') + after;
}

std::string globals_reason(const GlobalConfig& g) {
  const Status st = check_globals(g);
  return st.ok() ? "ok" : st.error().what;
}

}  // namespace

TEST_GROUP(JobCheckUdp){};

TEST(JobCheckUdp, NumericAddress) {
  CHECK_TRUE(valid_udp_address({"127.0.0.1", 514, ""}));
  CHECK_TRUE(valid_udp_address({"::1", 1, ""}));
  CHECK_TRUE(valid_udp_address({"ff02::1", 65535, "eth0"}));
  CHECK_TRUE(valid_udp_address({"239.1.1.1", 9000, "br-lan.10:x_y"}));
  CHECK_TRUE(valid_udp_address({"::ffff:192.0.2.1", 9, s(15)}));
  CHECK_FALSE(valid_udp_address({"127.0.0.1", 0, ""}));
  CHECK_FALSE(valid_udp_address({"localhost", 514, ""}));
  CHECK_FALSE(valid_udp_address({"", 514, ""}));
  CHECK_FALSE(valid_udp_address({"256.0.0.1", 514, ""}));
  CHECK_FALSE(valid_udp_address({" 127.0.0.1", 514, ""}));
  CHECK_FALSE(valid_udp_address({"127.0.0.1", 514, s(16)}));
  CHECK_FALSE(valid_udp_address({"127.0.0.1", 514, "eth 0"}));
  CHECK_FALSE(valid_udp_address({"127.0.0.1", 514, "eth0/x"}));
  CHECK_FALSE(valid_udp_address({"127.0.0.1", 514, with_nul("eth0", "")}));
  // inet_pton sees a C string; the part after a NUL must not be ignored.
  CHECK_FALSE(valid_udp_address({with_nul("127.0.0.1", "junk"), 514, ""}));
  CHECK_FALSE(valid_udp_address({with_nul("::1", ""), 514, ""}));
  CHECK_FALSE(valid_udp_address({"::1" + s(100, ' '), 514, ""}));
}

TEST(JobCheckUdp, HostNames) {
  for (const std::string& ok : {std::string("localhost"), std::string("a"), std::string("Example.COM"),
                                std::string("log-1.example.org"), std::string("1.2.3.example"),
                                std::string("0x1f"), std::string("9a"), s(63) + ".b",
                                s(63) + "." + s(63) + "." + s(63) + "." + s(61)}) {
    CHECK_TEXT(valid_host_name(ok), ok.c_str());
  }
  for (const std::string& bad :
       {std::string(""), std::string("."), std::string("a."), std::string(".a"), std::string("a..b"),
        std::string("-a"), std::string("a-"), std::string("a.-b"), std::string("a.b-"), std::string("a_b"),
        std::string("a b"), std::string("a/b"), std::string("h\xc3\xa9.example"), s(64),
        s(63) + "." + s(63) + "." + s(63) + "." + s(62), with_nul("ab", "c"),
        // digits and dots alone: a mistyped IPv4 address, never a name
        std::string("1.2.3"), std::string("999.1.1.1"), std::string("1.2.3.4"), std::string("12"),
        std::string("1.2.3.4.5")}) {
    CHECK_FALSE_TEXT(valid_host_name(bad), bad.c_str());
  }
}

TEST(JobCheckUdp, ReportAddress) {
  CHECK_TRUE(valid_report_address({"127.0.0.1", 514, ""}));
  CHECK_TRUE(valid_report_address({"ff02::1", 9, "eth0"}));
  CHECK_TRUE(valid_report_address({"logs.example.org", 514, ""}));
  CHECK_TRUE(valid_report_address({"mcast-group", 514, "br0"}));
  CHECK_FALSE(valid_report_address({"logs.example.org", 0, ""}));
  CHECK_FALSE(valid_report_address({"logs.example.org", 514, "eth 0"}));
  CHECK_FALSE(valid_report_address({"999.1.1.1", 514, ""}));
  CHECK_FALSE(valid_report_address({"1.2.3", 514, ""}));
  CHECK_FALSE(valid_report_address({"", 514, ""}));
  CHECK_FALSE(valid_report_address({with_nul("logs", "x"), 514, ""}));
  // `listen on` stays numeric: it is the address pmtr binds.
  CHECK_FALSE(valid_udp_address({"logs.example.org", 514, ""}));
}

TEST(JobCheckUdp, GlobalsAddresses) {
  STRCMP_EQUAL("ok", globals_reason({}).c_str());
  STRCMP_EQUAL("ok", globals_reason(test::make_globals({UdpAddress{"192.0.2.1", 514, ""}}, std::nullopt)).c_str());
  STRCMP_EQUAL("ok", globals_reason(test::make_globals({}, UdpAddress{"::", 9, "eth0"})).c_str());
  STRCMP_EQUAL("ok", globals_reason(test::make_globals({UdpAddress{"::1", 1, ""}}, UdpAddress{"0.0.0.0", 2, ""})).c_str());
  STRCMP_EQUAL("ok", globals_reason(test::make_globals({UdpAddress{"logs.example.org", 514, ""}})).c_str());
  STRCMP_EQUAL("ok", globals_reason(test::report_and_keyed_listen()).c_str());
  STRCMP_EQUAL("invalid report address",
               globals_reason(test::make_globals({UdpAddress{"no pe", 514, ""}}, std::nullopt)).c_str());
  STRCMP_EQUAL("invalid report address",
               globals_reason(test::make_globals({UdpAddress{"::1", 1, ""}, UdpAddress{"1.2.3", 1, ""}})).c_str());
  STRCMP_EQUAL("invalid report address",
               globals_reason(test::make_globals({UdpAddress{"1.2.3", 514, ""}}, UdpAddress{"nope", 1, ""})).c_str());
  STRCMP_EQUAL("invalid listen address", globals_reason(test::make_globals({}, UdpAddress{"nope", 1, ""})).c_str());
  STRCMP_EQUAL("invalid listen address",
               globals_reason(test::make_globals({}, UdpAddress{"::1", 0, ""})).c_str());
  STRCMP_EQUAL("invalid listen address",
               globals_reason(test::make_globals({UdpAddress{"::1", 1, ""}}, UdpAddress{"::1", 1, "bad iface"})).c_str());
}

TEST(JobCheckUdp, GlobalsReportListAndKey) {
  GlobalConfig g = test::report_and_keyed_listen();
  g.report_to.push_back(UdpAddress{"192.0.2.99", 1, ""});
  STRCMP_EQUAL("too many report addresses", globals_reason(g).c_str());
  g = test::make_globals({UdpAddress{"a.example", 1, ""}, UdpAddress{"b.example", 1, ""}, UdpAddress{"a.example", 1, ""}});
  STRCMP_EQUAL("duplicate report address", globals_reason(g).c_str());
  // The same host on another port or interface is another target.
  g = test::make_globals({UdpAddress{"ff02::1", 1, "eth0"}, UdpAddress{"ff02::1", 1, "eth1"}, UdpAddress{"ff02::1", 2, "eth0"}});
  STRCMP_EQUAL("ok", globals_reason(g).c_str());

  g = test::make_globals({}, UdpAddress{"0.0.0.0", 10000, ""});
  g.listen_key = "/etc/pmtr/listen.key";
  STRCMP_EQUAL("ok", globals_reason(g).c_str());
  g.listen_key = "etc/pmtr/listen.key";
  STRCMP_EQUAL("listen key is not an absolute path", globals_reason(g).c_str());
  g.listen_key = "/" + s(limits::kPathBytes);
  STRCMP_EQUAL("listen key is not an absolute path", globals_reason(g).c_str());
  g.listen_on.reset();
  g.listen_key = "/etc/pmtr/listen.key";
  STRCMP_EQUAL("listen key without listen address", globals_reason(g).c_str());
}
