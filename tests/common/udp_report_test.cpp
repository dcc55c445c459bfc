// The original pmtr's report datagram: the bytes it wrote, the cut into
// several datagrams, and the strict parse of what `pmtrctl listen` reads
// from the network (every truncation, every field broken in turn).
#include "common/udp_report.hpp"

#include <string>

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

Report sample() {
  Report r;
  r.host = "web1";
  r.ip = "10.0.0.5";
  r.rows = {{"web", true, 3700, 1234, "/usr/bin/web"}, {"db", false, 5, 0, "/usr/sbin/db"}};
  return r;
}

std::string reason(std::string_view d) {
  const Result<Report> r = parse_report(d);
  return r ? "ok" : r.error().what;
}

}  // namespace

TEST_GROUP(UdpReport){};

TEST(UdpReport, FormatIsTheOriginalsBytes) {
  const auto d = format_report(sample());
  LONGS_EQUAL(1, d.size());
  STRCMP_EQUAL("report web1 10.0.0.5\nweb e 3700 1234 /usr/bin/web\ndb d 5 0 /usr/sbin/db\n", d[0].c_str());
  Report no_ip = sample();
  no_ip.ip.clear();
  no_ip.rows.clear();
  STRCMP_EQUAL("report web1\n", format_report(no_ip)[0].c_str());
}

TEST(UdpReport, RoundTrip) {
  const Report r = sample();
  const auto d = format_report(r);
  const Result<Report> back = parse_report(d[0]);
  CHECK_TRUE(back.ok());
  CHECK_TRUE(back.value() == r);
  Report spaced = r;
  spaced.ip.clear();
  spaced.rows[0].argv0 = "/opt/my app/bin";   // a quoted cmd path
  const Result<Report> back2 = parse_report(format_report(spaced)[0]);
  CHECK_TRUE(back2.ok());
  CHECK_TRUE(back2.value() == spaced);
}

TEST(UdpReport, LargeReportIsCutWithTheReportLineInEach) {
  Report r = sample();
  r.rows.clear();
  for (int i = 0; i < 3000; ++i)
    r.rows.push_back({"job" + std::to_string(i), i % 2 == 0, 99999, 40000 + i, "/usr/bin/" + std::string(40, 'x')});
  const auto d = format_report(r);
  CHECK_TRUE(d.size() >= 2);
  Report joined;
  for (const auto& one : d) {
    CHECK_TRUE(one.size() <= kReportDatagramBytes);
    CHECK_TRUE(one.starts_with("report web1 10.0.0.5\n"));
    const Result<Report> p = parse_report(one);
    CHECK_TRUE(p.ok());
    joined.host = p->host, joined.ip = p->ip;
    joined.rows.insert(joined.rows.end(), p->rows.begin(), p->rows.end());
  }
  CHECK_TRUE(joined == r);
}

TEST(UdpReport, ControlBytesNeverReachTheDatagram) {
  Report r = sample();
  r.rows[0].argv0 = "/bin/a\nforged e 1 1 /x";
  const auto d = format_report(r);
  const Result<Report> p = parse_report(d[0]);
  CHECK_TRUE(p.ok());
  LONGS_EQUAL(2, p->rows.size());
  STRCMP_EQUAL("/bin/a?forged e 1 1 /x", p->rows[0].argv0.c_str());
}

TEST(UdpReport, EveryTruncationIsRejectedOrAShorterReport) {
  const std::string d = format_report(sample())[0];
  for (size_t n = 0; n < d.size(); ++n) {
    const std::string cut = d.substr(0, n);
    const Result<Report> r = parse_report(cut);
    // Only a cut right after a newline is a whole (shorter) report.
    CHECK_EQUAL(n > 0 && cut.back() == '\n', r.ok());
  }
}

TEST(UdpReport, ReportLineErrors) {
  STRCMP_EQUAL("empty datagram", reason("").c_str());
  STRCMP_EQUAL("the last line has no newline", reason("report a").c_str());
  STRCMP_EQUAL("line 1: not a report line ('report HOST [IP]')", reason("status a\n").c_str());
  STRCMP_EQUAL("line 1: not a report line ('report HOST [IP]')", reason("Report a\n").c_str());
  STRCMP_EQUAL("line 1: bad host name", reason("report\n").c_str());
  STRCMP_EQUAL("line 1: bad host name", reason("report  a\n").c_str());
  STRCMP_EQUAL("line 1: trailing space", reason("report a \n").c_str());
  STRCMP_EQUAL("line 1: bad IP address", reason("report a 1.2.3.4 x\n").c_str());
  STRCMP_EQUAL("line 1: bad IP address", reason("report a evil\n").c_str());
  STRCMP_EQUAL("line 1: bad host name", reason(("report " + std::string(256, 'h') + "\n")).c_str());
  STRCMP_EQUAL("line 1: control character", reason("report a\x1b\n").c_str());
  STRCMP_EQUAL("line 1: control character", reason(std::string("report a\0b\n", 11)).c_str());
  STRCMP_EQUAL("ok", reason("report a ::1\n").c_str());
}

TEST(UdpReport, RowErrorsNameTheLine) {
  const std::string head = "report h\nweb e 1 2 /bin/web\n";
  STRCMP_EQUAL("line 3: expected NAME e|d SECONDS PID ARGV0", reason(head + "db e 1 2\n").c_str());
  STRCMP_EQUAL("line 3: expected NAME e|d SECONDS PID ARGV0", reason(head + "\n").c_str());
  STRCMP_EQUAL("line 3: expected NAME e|d SECONDS PID ARGV0", reason(head + "db e 1 2 \n").c_str());
  STRCMP_EQUAL("line 3: bad command", reason(head + "db e 1 2  /x\n").c_str());
  STRCMP_EQUAL("line 3: state is not 'e' or 'd'", reason(head + "db x 1 2 /x\n").c_str());
  STRCMP_EQUAL("line 3: state is not 'e' or 'd'", reason(head + "db  1 2 /x\n").c_str());
  STRCMP_EQUAL("line 3: bad job name", reason(head + std::string(65, 'n') + " e 1 2 /x\n").c_str());
  STRCMP_EQUAL("line 3: bad seconds up", reason(head + "db e -1 2 /x\n").c_str());
  STRCMP_EQUAL("line 3: bad seconds up", reason(head + "db e 01 2 /x\n").c_str());
  STRCMP_EQUAL("line 3: bad seconds up", reason(head + "db e +1 2 /x\n").c_str());
  STRCMP_EQUAL("line 3: bad seconds up", reason(head + "db e 1000000000000 2 /x\n").c_str());
  STRCMP_EQUAL("ok", reason(head + "db e 999999999999 2 /x\n").c_str());
  STRCMP_EQUAL("line 3: bad pid", reason(head + "db e 1 -2 /x\n").c_str());
  STRCMP_EQUAL("line 3: bad pid", reason(head + "db e 1 2147483648 /x\n").c_str());
  STRCMP_EQUAL("ok", reason(head + "db e 1 2147483647 /x\n").c_str());
  STRCMP_EQUAL("line 3: bad pid", reason(head + "db e 1 0x10 /x\n").c_str());
  STRCMP_EQUAL("line 3: control character", reason(head + "db e 1 2 /x\t\n").c_str());
  STRCMP_EQUAL("line 3: control character", reason(head + "db e 1 2 /x\r\n").c_str());
  STRCMP_EQUAL("line 3: bad command", reason(head + "db e 1 2 /" + std::string(4095, 'x') + "\n").c_str());
}

TEST(UdpReport, FlippedBytesAreRejectedCleanly) {
  const std::string d = format_report(sample())[0];
  for (size_t i = 0; i < d.size(); ++i) {
    for (const char c : {'\0', '\n', ' ', '\x7f', '9', '-'}) {
      std::string bad = d;
      bad[i] = c;
      (void)parse_report(bad);   // must not crash; sanitizers watch
    }
  }
}
