// parser/global_statements.cpp, `report to` and `listen on`: several
// report targets up to limits::kReportTargets, host names for `report to`
// only, `listen on ... key FILE`, the warning for a listen address without
// a key, and every error with its position.  The address syntax itself is
// in values_test.cpp.
#include "parser/global_statements.hpp"

#include <CppUTest/TestHarness.h>

#include <string>
#include <vector>

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "common/messages.hpp"
#include "parser/config_parser.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using pmtr::test::diag_lines;
using pmtr::test::parse_ok;

namespace {

std::string no_key_warning(const std::string& at, const std::string& addr) {
  return "FILE:" + at + ": warning: listen on " + addr +
         " has no key: anyone who can send a datagram to it can stop and start jobs (add 'key FILE', pmtr(8) SIGNED "
         "DATAGRAMS)\n";
}

std::string report_lines(size_t n) {
  std::string text;
  for (size_t i = 1; i <= n; ++i) text += "report to udp://192.0.2.1:" + std::to_string(i) + "\n";
  return text;
}

}  // namespace

TEST_GROUP(UdpStatements){};

// ---- report to -----------------------------------------------------------------------------

TEST(UdpStatements, SeveralReportTargetsInFileOrder) {
  const ParsedConfig c = parse_ok(
      "report to udp://127.0.0.1:9999\nreport to udp://logs.example.org:514\n"
      "report to udp://[ff02::1]:9000@eth0\nreport to udp://239.1.2.3:9000@eth1\n");
  const std::vector<UdpAddress> want = {{"127.0.0.1", 9999, ""},
                                        {"logs.example.org", 514, ""},
                                        {"ff02::1", 9000, "eth0"},
                                        {"239.1.2.3", 9000, "eth1"}};
  CHECK_TRUE(c.globals.report_to == want);
  CHECK_TRUE(check_globals(c.globals).ok());
}

TEST(UdpStatements, AsManyReportTargetsAsTheLimitAndNoMore) {
  const ParsedConfig c = parse_ok(report_lines(limits::kReportTargets));
  LONGS_EQUAL(limits::kReportTargets, c.globals.report_to.size());
  CHECK_TRUE(check_globals(c.globals).ok());
  CHECK_DIAGS(report_lines(limits::kReportTargets + 1), "FILE:9:1: error: too many 'report to' lines (max 8)\n");
  // A wrong line still counts: the config is rejected anyway, and the
  // count then matches what the user sees.
  CHECK_DIAGS("report to udp://1.2.3:1\n" + report_lines(limits::kReportTargets),
              "FILE:1:11: error: invalid host '1.2.3' (an IPv4 address, an [IPv6] address or a host name)\n"
              "FILE:9:1: error: too many 'report to' lines (max 8)\n");
}

TEST(UdpStatements, DuplicateReportTargetPointsAtTheFirst) {
  CHECK_DIAGS("report to udp://1.2.3.4:5\n\nreport to udp://1.2.3.4:5\n",
              "FILE:3:11: error: duplicate 'report to' address 'udp://1.2.3.4:5' (first given at line 1)\n");
  CHECK_DIAGS("report to udp://a.example:5\nreport to udp://b.example:5\n  report to \"udp://a.example:5\"\n",
              "FILE:3:13: error: duplicate 'report to' address 'udp://a.example:5' (first given at line 1)\n");
  // Another port or interface is another target.
  const ParsedConfig c = parse_ok(
      "report to udp://1.2.3.4:5\nreport to udp://1.2.3.4:6\nreport to udp://1.2.3.4:5@eth0\n");
  LONGS_EQUAL(3, c.globals.report_to.size());
}

TEST(UdpStatements, ReportHostNames) {
  for (const char* name : {"localhost", "logs.example.org", "LOGS-1.Example.org", "a", "x1", "1x.example"}) {
    const ParsedConfig c = parse_ok("report to udp://" + std::string(name) + ":514\n");
    CHECK_TRUE_TEXT((c.globals.report_to == std::vector<UdpAddress>{{name, 514, ""}}), name);
  }
  const std::string tail = "' (an IPv4 address, an [IPv6] address or a host name)\n";
  for (const char* bad : {"1.2.3", "999.1.1.1", "1.2.3.4.5", "-logs.example", "logs-.example", "logs..example",
                          "logs.example.", "logs_1.example"})
    CHECK_DIAGS("report to udp://" + std::string(bad) + ":514\n",
                "FILE:1:11: error: invalid host '" + std::string(bad) + tail);
  CHECK_DIAGS("report to udp://" + std::string(64, 'a') + ":514\n",
              "FILE:1:11: error: invalid host '" + std::string(64, 'a') + tail);
}

// ---- listen on -----------------------------------------------------------------------------

TEST(UdpStatements, ListenWithKey) {
  const ParsedConfig c = parse_ok("listen on udp://0.0.0.0:10000 key /etc/pmtr/listen.key\n");
  CHECK_TRUE((*c.globals.listen_on == UdpAddress{"0.0.0.0", 10000, ""}));
  STRCMP_EQUAL("/etc/pmtr/listen.key", c.globals.listen_key.c_str());
  CHECK_TRUE(check_globals(c.globals).ok());
  const auto back = decode_message(encode_message(MsgTxnGlobals{c.globals}));
  CHECK_TRUE(back.ok());
  CHECK_TRUE(std::get<MsgTxnGlobals>(back.value()).globals == c.globals);
}

TEST(UdpStatements, ListenWithoutKeyWarns) {
  const ParsedConfig c = parse_config("# unsigned\nlisten on udp://127.0.0.1:10000\n");
  STRCMP_EQUAL(no_key_warning("2:11", "udp://127.0.0.1:10000").c_str(), diag_lines(c).c_str());
  CHECK_EQUAL(0u, c.errors());
  CHECK_TRUE((*c.globals.listen_on == UdpAddress{"127.0.0.1", 10000, ""}));
  CHECK_TRUE(c.globals.listen_key.empty());
  CHECK_DIAGS("listen on udp://[::1]:9\n", no_key_warning("1:11", "udp://[::1]:9"));
}

TEST(UdpStatements, ListenKeyErrors) {
  constexpr const char* kExample = "as in 'listen on udp://0.0.0.0:10000 key /etc/pmtr/listen.key'";
  CHECK_DIAGS("listen on udp://0.0.0.0:10000 key\n",
              "FILE:1:34: error: missing file after 'key' (" + std::string(kExample) + ")\n");
  CHECK_DIAGS("listen on udp://0.0.0.0:10000 key etc/pmtr/listen.key\n",
              "FILE:1:35: error: key file 'etc/pmtr/listen.key' must be an absolute path\n");
  CHECK_DIAGS("listen on udp://0.0.0.0:10000 key \"\"\n", "FILE:1:35: error: key file '' must be an absolute path\n");
  CHECK_DIAGS("listen on udp://0.0.0.0:10000 key \"/a\tb\"\n", "FILE:1:35: error: invalid key file path '/a\\x09b'\n");
  CHECK_DIAGS("listen on udp://0.0.0.0:10000 key /etc/k now\n",
              "FILE:1:42: error: extra argument 'now' for 'listen on'\n");
  CHECK_DIAGS("listen on udp://0.0.0.0:10000 kye /etc/k\n",
              "FILE:1:31: error: expected 'key' or end of line after 'udp://0.0.0.0:10000', got 'kye' (did you mean "
              "'key'?)\n");
  CHECK_DIAGS("listen on udp://0.0.0.0:10000 /etc/k\n",
              "FILE:1:31: error: expected 'key' or end of line after 'udp://0.0.0.0:10000', got '/etc/k' (" +
                  std::string(kExample) + ")\n");
  // The address first, left to right.
  CHECK_DIAGS("listen on udp://host:1 key k\n",
              "FILE:1:11: error: invalid host 'host' (numeric IPv4 or [IPv6] only; no DNS)\n");
  // `report to` has no key.
  CHECK_DIAGS("report to udp://1.2.3.4:5 key /etc/k\n", "FILE:1:27: error: extra argument 'key' for 'report to'\n");
}

TEST(UdpStatements, ListenAtMostOnce) {
  CHECK_DIAGS("listen on udp://1.2.3.4:5 key /k\n listen on udp://1.2.3.4:5 key /k\n",
              "FILE:2:2: error: duplicate 'listen on' (first set at line 1)\n");
  // A rejected line still counts as given.
  CHECK_DIAGS("listen on udp://1.2.3.4:0\nlisten on udp://1.2.3.4:5 key /k\n",
              "FILE:1:11: error: invalid port '0' (1 to 65535)\n"
              "FILE:2:1: error: duplicate 'listen on' (first set at line 1)\n");
}

// ---- both ----------------------------------------------------------------------------------

TEST(UdpStatements, Shape) {
  CHECK_DIAGS("report\n", "FILE:1:1: error: expected 'to' after 'report', got end of line\n");
  CHECK_DIAGS("report udp://1.2.3.4:5\n", "FILE:1:8: error: expected 'to' after 'report', got 'udp://1.2.3.4:5'\n");
  CHECK_DIAGS("listen at udp://1.2.3.4:5\n", "FILE:1:8: error: expected 'on' after 'listen', got 'at'\n");
  CHECK_DIAGS("listen on\n", "FILE:1:1: error: missing address for 'listen on'\n");
  CHECK_DIAGS("report to\n", "FILE:1:1: error: missing address for 'report to'\n");
  CHECK_DIAGS("report to udp://1.2.3.4:5 now\n", "FILE:1:27: error: extra argument 'now' for 'report to'\n");
}

TEST(UdpStatements, Addresses) {
  CHECK_DIAGS("listen on udp://example.com:5 key /k\n",
              "FILE:1:11: error: invalid host 'example.com' (numeric IPv4 or [IPv6] only; no DNS)\n");
  CHECK_DIAGS("listen on udp://1.2.3.4:5@eth0\n",
              "FILE:1:11: error: 'listen on' takes no @iface: 'udp://1.2.3.4:5@eth0'\n");
  CHECK_DIAGS("listen on udp://[::1]:0\n", "FILE:1:11: error: invalid port '0' (1 to 65535)\n");
  CHECK_DIAGS("report to 127.0.0.1:9999\n",
              "FILE:1:11: error: invalid address '127.0.0.1:9999' (expected udp://HOST:PORT[@iface])\n");
}

TEST(UdpStatements, EveryFormRoundTrips) {
  const ParsedConfig c = parse_ok(report_lines(limits::kReportTargets - 1) +
                                  "report to udp://logs.example.org:514@eth0\n"
                                  "listen on udp://[::]:10000 key /etc/pmtr/listen.key\n");
  CHECK_TRUE(check_globals(c.globals).ok());
  const auto back = decode_message(encode_message(MsgTxnGlobals{c.globals}));
  CHECK_TRUE(back.ok());
  CHECK_TRUE(std::get<MsgTxnGlobals>(back.value()).globals == c.globals);
}

TEST(UdpStatements, InsideAJobBlock) {
  CHECK_DIAGS("job {\n name a\n cmd /bin/true\n listen on udp://1.2.3.4:5 key /k\n}\n",
              "FILE:4:2: error: 'listen' is a global statement; it cannot be inside a job block\n");
}
