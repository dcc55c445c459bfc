// parser/values.{hpp,cpp}: integers, cpu lists, umasks, ulimit values,
// bounce intervals, udp addresses.
#include "parser/values.hpp"

#include <CppUTest/TestHarness.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "common/limits.hpp"

using namespace pmtr;
using namespace pmtr::conf;

namespace {

std::string cpus(std::string_view s) {
  const auto r = parse_cpus(s);
  if (!r) return "error: " + r.error().what;
  std::string out;
  for (uint16_t c : r.value()) out += (out.empty() ? "" : ",") + std::to_string(c);
  return out;
}

std::string bounce(std::string_view n, std::string_view unit = {}) {
  const auto r = parse_bounce(n, unit);
  return r ? std::to_string(r.value()) : "error: " + r.error().what;
}

std::string udp(std::string_view s, UdpUse use = UdpUse::Report) {
  const auto r = parse_udp_address(s, use);
  if (!r) return "error: " + r.error().what;
  return r->host + " " + std::to_string(r->port) + (r->iface.empty() ? "" : " @" + r->iface);
}

}  // namespace

TEST_GROUP(Values){};

TEST(Values, IntegersWithSignsAndRanges) {
  CHECK_TRUE(parse_int("5", -20, 19) == 5);
  CHECK_TRUE(parse_int("-20", -20, 19) == -20);
  CHECK_TRUE(parse_int("+19", -20, 19) == 19);
  CHECK_TRUE(parse_int("007", 0, 10) == 7);
  CHECK_TRUE(parse_int("-0", -1, 1) == 0);
  CHECK_TRUE(parse_int("-2147483648", INT32_MIN, INT32_MAX) == INT32_MIN);
  CHECK_TRUE(parse_int("2147483647", INT32_MIN, INT32_MAX) == INT32_MAX);
}

TEST(Values, IntegersRejectJunkAndOverflow) {
  for (const char* s : {"", "-", "+", "20", "-21", "1x", "x1", " 1", "1 ", "0x10", "1.5", "--1"})
    CHECK_FALSE_TEXT(parse_int(s, -20, 19).has_value(), s);
  CHECK_FALSE(parse_int("2147483648", INT32_MIN, INT32_MAX).has_value());
  CHECK_FALSE(parse_int("-2147483649", INT32_MIN, INT32_MAX).has_value());
  CHECK_FALSE(parse_int("99999999999999999999999", INT32_MIN, INT32_MAX).has_value());
}

TEST(Values, CpuListsAndRangesComeOutSortedAndUnique) {
  STRCMP_EQUAL("0,2,3,4", cpus("0,2-4").c_str());
  STRCMP_EQUAL("1,2,3,7", cpus("7,3,1-3,2").c_str());
  STRCMP_EQUAL("5", cpus("5-5").c_str());
  STRCMP_EQUAL("1023", cpus("1023").c_str());
}

TEST(Values, CpuHexMask) {
  STRCMP_EQUAL("0,2,3,4", cpus("0x1d").c_str());
  STRCMP_EQUAL("0,2,3,4", cpus("0X1D").c_str());
  STRCMP_EQUAL("64", cpus("0x10000000000000000").c_str());
  STRCMP_EQUAL("1023", cpus("0x8" + std::string(255, '0')).c_str());
  STRCMP_EQUAL("0", cpus("0x" + std::string(300, '0') + "1").c_str());
}

TEST(Values, CpuErrors) {
  STRCMP_EQUAL("error: invalid cpu range '4-2' (start above end)", cpus("4-2").c_str());
  STRCMP_EQUAL("error: cpu 1024 out of range (max 1023)", cpus("0,1024").c_str());
  STRCMP_EQUAL("error: cpu 5000 out of range (max 1023)", cpus("1-5000").c_str());
  for (const char* s : {"", ",", "0,", ",0", "0,,1", "a", "1-", "-1", "1-2-3", "1 2", "+1", "x1"})
    STRCMP_EQUAL_TEXT(("error: invalid cpu list '" + std::string(s) +
                       "' (expected a list like 0,2-4 or a mask like 0x1d)").c_str(),
                      cpus(s).c_str(), s);
}

TEST(Values, CpuMaskErrors) {
  STRCMP_EQUAL("error: cpu mask '0x0' selects no cpu", cpus("0x0").c_str());
  STRCMP_EQUAL("error: invalid cpu mask '0x' (no hex digits after 0x)", cpus("0x").c_str());
  STRCMP_EQUAL("error: invalid cpu mask '0xz' (hex digits only)", cpus("0xz").c_str());
  const std::string big = "0x1" + std::string(256, '0');
  STRCMP_EQUAL(("error: cpu mask '" + big.substr(0, 64) + "...' selects a cpu above 1023").c_str(),
               cpus(big).c_str());
}

TEST(Values, UlimitValuesAreRawNumbersOrInfinity) {
  CHECK_TRUE(parse_ulimit_value("0").value() == 0);
  CHECK_TRUE(parse_ulimit_value("4096").value() == 4096);
  CHECK_TRUE(parse_ulimit_value("18446744073709551615").value() == UINT64_MAX);
  CHECK_TRUE(parse_ulimit_value("infinity").value() == RLIM_INFINITY);
  CHECK_TRUE(parse_ulimit_value("unlimited").value() == RLIM_INFINITY);
}

TEST(Values, UlimitValueErrors) {
  for (const char* s : {"", "-1", "+1", "1k", "4M", "18446744073709551616", "Infinity", "0x10"}) {
    const auto r = parse_ulimit_value(s);
    CHECK_FALSE_TEXT(r.ok(), s);
    STRCMP_EQUAL(("invalid ulimit value '" + std::string(s) + "' (a number, or infinity)").c_str(),
                 r.error().what.c_str());
  }
}

TEST(Values, BounceUnitsGluedOrSeparate) {
  STRCMP_EQUAL("30", bounce("30s").c_str());
  STRCMP_EQUAL("300", bounce("5m").c_str());
  STRCMP_EQUAL("7200", bounce("2h").c_str());
  STRCMP_EQUAL("86400", bounce("1d").c_str());
  STRCMP_EQUAL("30", bounce("30", "s").c_str());
  STRCMP_EQUAL("172800", bounce("2", "d").c_str());
}

TEST(Values, BounceLimits) {
  STRCMP_EQUAL(std::to_string(limits::kBounceSecondsMax).c_str(), bounce("366d").c_str());
  STRCMP_EQUAL(std::to_string(limits::kBounceSecondsMax).c_str(),
               bounce(std::to_string(limits::kBounceSecondsMax) + "s").c_str());
  STRCMP_EQUAL("error: bounce interval too long (max 366d)", bounce("367d").c_str());
  STRCMP_EQUAL("error: bounce interval too long (max 366d)", bounce("4294967295d").c_str());
  STRCMP_EQUAL("error: bounce interval must be positive", bounce("0s").c_str());
}

TEST(Values, BounceErrors) {
  const std::string tail = "' (a number and a unit: s, m, h or d, as in 'bounce every 1d')";
  STRCMP_EQUAL(("error: invalid bounce interval '30" + tail).c_str(), bounce("30").c_str());
  STRCMP_EQUAL(("error: invalid bounce interval '30x" + tail).c_str(), bounce("30x").c_str());
  STRCMP_EQUAL(("error: invalid bounce interval '1sec" + tail).c_str(), bounce("1sec").c_str());
  STRCMP_EQUAL(("error: invalid bounce interval 's" + tail).c_str(), bounce("s").c_str());
  STRCMP_EQUAL(("error: invalid bounce interval '-1s" + tail).c_str(), bounce("-1s").c_str());
  STRCMP_EQUAL(("error: invalid bounce interval '1s" + tail).c_str(), bounce("1s", "s").c_str());
  STRCMP_EQUAL(("error: invalid bounce interval '99999999999" + tail).c_str(),
               bounce("99999999999", "s").c_str());
}

TEST(Values, UdpIpv4AndIpv6) {
  STRCMP_EQUAL("127.0.0.1 9999", udp("udp://127.0.0.1:9999").c_str());
  STRCMP_EQUAL("239.1.2.3 5000 @eth0", udp("udp://239.1.2.3:5000@eth0").c_str());
  STRCMP_EQUAL("::1 10000", udp("udp://[::1]:10000").c_str());
  STRCMP_EQUAL("ff02::1 1 @br-lan.10", udp("udp://[ff02::1]:1@br-lan.10").c_str());
  STRCMP_EQUAL("0.0.0.0 65535", udp("udp://0.0.0.0:65535").c_str());
}

TEST(Values, UdpHostNamesForReportOnly) {
  STRCMP_EQUAL("localhost 5", udp("udp://localhost:5").c_str());
  STRCMP_EQUAL("logs.example.org 514 @eth0", udp("udp://logs.example.org:514@eth0").c_str());
  STRCMP_EQUAL("Log-1.Example.ORG 9", udp("udp://Log-1.Example.ORG:9").c_str());
  // `listen on` is the address pmtr binds: numeric only.
  STRCMP_EQUAL("error: invalid host 'localhost' (numeric IPv4 or [IPv6] only; no DNS)",
               udp("udp://localhost:5", UdpUse::Listen).c_str());
  STRCMP_EQUAL("error: invalid host '1.2.3.256' (numeric IPv4 or [IPv6] only; no DNS)",
               udp("udp://1.2.3.256:5", UdpUse::Listen).c_str());
  STRCMP_EQUAL("0.0.0.0 10000", udp("udp://0.0.0.0:10000", UdpUse::Listen).c_str());
}

TEST(Values, UdpHostErrors) {
  const std::string tail = "' (an IPv4 address, an [IPv6] address or a host name)";
  for (const char* host : {"", "1.2.3", "999.1.1.1", "1.2.3.256", "-a.example", "a-.example", "a..example",
                           "a.example.", "under_score"})
    STRCMP_EQUAL_TEXT(("error: invalid host '" + std::string(host) + tail).c_str(),
                      udp("udp://" + std::string(host) + ":5").c_str(), host);
  const std::string label64(64, 'a');
  STRCMP_EQUAL(("error: invalid host '" + label64 + tail).c_str(), udp("udp://" + label64 + ":5").c_str());
  const std::string long_name = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                                std::string(62, 'd');   // 254 bytes
  // (The diagnostic shortens so long a name.)
  CHECK_EQUAL(0u, udp("udp://" + long_name + ":5").rfind("error: invalid host '", 0));
  LONGS_EQUAL(254, long_name.size());
  const std::string longest = long_name.substr(1);
  STRCMP_EQUAL((longest + " 5").c_str(), udp("udp://" + longest + ":5").c_str());
  // Brackets hold an IPv6 address, never a name.
  STRCMP_EQUAL(("error: invalid host '::g" + tail).c_str(), udp("udp://[::g]:5").c_str());
  STRCMP_EQUAL("error: invalid address 'udp://::1:5' (write an IPv6 host in brackets: udp://[::1]:PORT)",
               udp("udp://::1:5").c_str());
  STRCMP_EQUAL("error: invalid address 'udp://[1.2.3.4]:5' (brackets are for IPv6 only)",
               udp("udp://[1.2.3.4]:5").c_str());
  STRCMP_EQUAL("error: invalid address 'udp://[::1:5' (missing ']')", udp("udp://[::1:5").c_str());
}

TEST(Values, UdpShapeAndPortErrors) {
  STRCMP_EQUAL("error: invalid address 'tcp://1.2.3.4:5' (expected udp://HOST:PORT[@iface])",
               udp("tcp://1.2.3.4:5").c_str());
  STRCMP_EQUAL("error: invalid address '1.2.3.4:5' (expected udp://HOST:PORT)", udp("1.2.3.4:5", UdpUse::Listen).c_str());
  STRCMP_EQUAL("error: invalid address 'udp://1.2.3.4' (missing :PORT)", udp("udp://1.2.3.4").c_str());
  STRCMP_EQUAL("error: invalid address 'udp://[::1]' (expected udp://HOST:PORT[@iface])", udp("udp://[::1]").c_str());
  STRCMP_EQUAL("error: invalid port '0' (1 to 65535)", udp("udp://1.2.3.4:0").c_str());
  STRCMP_EQUAL("error: invalid port '65536' (1 to 65535)", udp("udp://1.2.3.4:65536").c_str());
  STRCMP_EQUAL("error: invalid port '' (1 to 65535)", udp("udp://1.2.3.4:").c_str());
  STRCMP_EQUAL("error: invalid port 'http' (1 to 65535)", udp("udp://1.2.3.4:http").c_str());
}

TEST(Values, UdpInterface) {
  STRCMP_EQUAL("error: invalid interface name ''", udp("udp://1.2.3.4:5@").c_str());
  STRCMP_EQUAL("error: invalid interface name 'sixteen-bytes-xx'", udp("udp://1.2.3.4:5@sixteen-bytes-xx").c_str());
  STRCMP_EQUAL("error: invalid interface name 'a/b'", udp("udp://1.2.3.4:5@a/b").c_str());
  STRCMP_EQUAL("1.2.3.4 5 @fifteen-bytes-x", udp("udp://1.2.3.4:5@fifteen-bytes-x").c_str());
  STRCMP_EQUAL("error: 'listen on' takes no @iface: 'udp://1.2.3.4:5@eth0'",
               udp("udp://1.2.3.4:5@eth0", UdpUse::Listen).c_str());
}

TEST(Values, BounceSharesTheDurationUnitsButNotMilliseconds) {
  const std::string tail = "' (a number and a unit: s, m, h or d, as in 'bounce every 1d')";
  STRCMP_EQUAL(("error: invalid bounce interval '3000ms" + tail).c_str(), bounce("3000ms").c_str());
  STRCMP_EQUAL(("error: invalid bounce interval '3000" + tail).c_str(), bounce("3000", "ms").c_str());
  STRCMP_EQUAL(("error: invalid bounce interval '1.5h" + tail).c_str(), bounce("1.5h").c_str());
}

TEST(Values, UmaskIsOneToFourOctalDigitsUpTo0777) {
  CHECK_TRUE(parse_umask("0") == uint16_t{0});
  CHECK_TRUE(parse_umask("22") == uint16_t{022});
  CHECK_TRUE(parse_umask("022") == uint16_t{022});
  CHECK_TRUE(parse_umask("0022") == uint16_t{022});
  CHECK_TRUE(parse_umask("777") == uint16_t{0777});
  CHECK_TRUE(parse_umask("0777") == uint16_t{0777});
  for (const char* w : {"", "8", "09", "1000", "0o22", "00022", "-22", "+22", "22 ", "x", "7777"})
    CHECK_FALSE_TEXT(parse_umask(w).has_value(), w);
}
