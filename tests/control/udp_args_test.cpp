// The command lines of `send` and `listen`, and the one udp:// URL parser
// they share (control/udp_url.{hpp,cpp}).
#include <string>
#include <vector>

#include "common/listen_request.hpp"
#include "control/args.hpp"
#include "control/udp_url.hpp"

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

std::string usage_error(const std::vector<std::string>& args) {
  const ParsedArgs p = parse(args);
  CHECK_TRUE_TEXT(p.action == ArgsAction::Usage, p.text.c_str());
  return p.text.substr(0, p.text.find('\n'));
}

std::string url_error(std::string_view s) {
  const Result<UdpUrl> u = parse_udp_url(s);
  return u ? "ok" : u.error().what;
}

}  // namespace

TEST_GROUP(UdpUrl){};

TEST(UdpUrl, HostsAndPorts) {
  CHECK_TRUE(parse_udp_url("udp://127.0.0.1:10000").value() == (UdpUrl{"127.0.0.1", 10000}));
  CHECK_TRUE(parse_udp_url("udp://pmtr.example.org:1").value() == (UdpUrl{"pmtr.example.org", 1}));
  CHECK_TRUE(parse_udp_url("udp://[::1]:65535").value() == (UdpUrl{"::1", 65535}));
  CHECK_TRUE(parse_udp_url("udp://[fe80::1%eth0]:9").value() == (UdpUrl{"fe80::1%eth0", 9}));
  STRCMP_EQUAL("[::1]:7", udp_url_text("::1", 7).c_str());
  STRCMP_EQUAL("10.0.0.1:7", udp_url_text("10.0.0.1", 7).c_str());
}

TEST(UdpUrl, Errors) {
  STRCMP_EQUAL("not udp://HOST:PORT", url_error("tcp://a:1").c_str());
  STRCMP_EQUAL("not udp://HOST:PORT", url_error("a:1").c_str());
  STRCMP_EQUAL("missing :PORT", url_error("udp://a").c_str());
  STRCMP_EQUAL("missing ']'", url_error("udp://[::1:5").c_str());
  STRCMP_EQUAL("missing :PORT", url_error("udp://[::1]5").c_str());
  STRCMP_EQUAL("brackets are for IPv6 addresses only", url_error("udp://[a]:5").c_str());
  STRCMP_EQUAL("an IPv6 address goes in brackets: udp://[::1]:PORT", url_error("udp://::1:5").c_str());
  STRCMP_EQUAL("bad host", url_error("udp://:5").c_str());
  STRCMP_EQUAL("bad host", url_error("udp://a b:5").c_str());
  STRCMP_EQUAL("bad host", url_error("udp://a/b:5").c_str());
  for (const char* port : {"0", "65536", "", "-1", "+1", "1x", "99999999999999999999"})
    STRCMP_EQUAL_TEXT("bad port (1 to 65535)", url_error(std::string("udp://a:") + port).c_str(), port);
}

TEST_GROUP(UdpArgs){};

TEST(UdpArgs, Send) {
  Command c = parsed_ok({"send", "udp://h:10000", "disable", "web", "db"});
  CHECK_TRUE(c.verb == Verb::Send);
  CHECK_TRUE(c.url == (UdpUrl{"h", 10000}));
  CHECK_FALSE(c.enable);
  CHECK_EQUAL(2, c.names.size());
  STRCMP_EQUAL("", c.key_file.c_str());
  c = parsed_ok({"-s", "/ignored", "send", "--key", "/k", "udp://[::1]:9", "enable", "web"});
  CHECK_TRUE(c.enable);
  STRCMP_EQUAL("/k", c.key_file.c_str());
  STRCMP_EQUAL("/k2", parsed_ok({"send", "udp://h:1", "enable", "web", "--key=/k2"}).key_file.c_str());
  STRCMP_EQUAL("-x", parsed_ok({"send", "udp://h:1", "enable", "--", "-x"}).names[0].c_str());
}

TEST(UdpArgs, SendErrors) {
  STRCMP_EQUAL("pmtrctl: send: name udp://HOST:PORT, enable or disable, and at least one job",
               usage_error({"send", "udp://h:1", "enable"}).c_str());
  STRCMP_EQUAL("pmtrctl: send: 'h:1': not udp://HOST:PORT (expected udp://HOST:PORT, udp://[IPv6]:PORT)",
               usage_error({"send", "h:1", "enable", "x"}).c_str());
  STRCMP_EQUAL("pmtrctl: send: 'enabel' is not enable or disable (did you mean 'enable'?)",
               usage_error({"send", "udp://h:1", "enabel", "x"}).c_str());
  STRCMP_EQUAL("pmtrctl: send: 'disable' cannot be a job name here (pmtr reads it as a mode); one mode per send",
               usage_error({"send", "udp://h:1", "enable", "x", "disable", "y"}).c_str());
  STRCMP_EQUAL("pmtrctl: send: 'a b' is not a job name (1 to 64 printable characters, no spaces)",
               usage_error({"send", "udp://h:1", "enable", "a b"}).c_str());
  STRCMP_EQUAL("pmtrctl: option --key needs a FILE",
               usage_error({"send", "udp://h:1", "enable", "x", "--key"}).c_str());
  STRCMP_EQUAL("pmtrctl: send: option --key needs a FILE",
               usage_error({"send", "udp://h:1", "enable", "x", "--key="}).c_str());
  STRCMP_EQUAL("pmtrctl: send: unknown option '--kye' (did you mean '--key'?)",
               usage_error({"send", "--kye", "k"}).c_str());
  std::vector<std::string> many{"send", "udp://h:1", "enable"};
  for (size_t i = 0; i <= kListenNamesMax; ++i) many.push_back("j" + std::to_string(i));
  STRCMP_EQUAL("pmtrctl: send: too many job names for one datagram (257, at most 256)", usage_error(many).c_str());
}

TEST(UdpArgs, Listen) {
  Command c = parsed_ok({"listen", "udp://0.0.0.0:9999"});
  CHECK_TRUE(c.verb == Verb::Listen);
  CHECK_TRUE(c.url == (UdpUrl{"0.0.0.0", 9999}));
  CHECK_EQUAL(0, c.count);
  CHECK_EQUAL(3, parsed_ok({"listen", "-c", "3", "udp://h:1"}).count);
  CHECK_EQUAL(4, parsed_ok({"listen", "udp://h:1", "-c4"}).count);
  CHECK_EQUAL(5, parsed_ok({"listen", "udp://h:1", "--count=5", "-s", "/x"}).count);
  STRCMP_EQUAL("pmtrctl: listen: name one udp://ADDR:PORT", usage_error({"listen"}).c_str());
  STRCMP_EQUAL("pmtrctl: listen: name one udp://ADDR:PORT", usage_error({"listen", "udp://a:1", "udp://b:2"}).c_str());
  STRCMP_EQUAL("pmtrctl: listen: -c: '0' is not a number of datagrams (1 or more)",
               usage_error({"listen", "udp://a:1", "-c", "0"}).c_str());
  STRCMP_EQUAL("pmtrctl: listen: -c: 'x' is not a number of datagrams (1 or more)",
               usage_error({"listen", "udp://a:1", "-cx"}).c_str());
  STRCMP_EQUAL("pmtrctl: option -c needs a number", usage_error({"listen", "udp://a:1", "-c"}).c_str());
  STRCMP_EQUAL("pmtrctl: listen: 'udp://a:0': bad port (1 to 65535) (expected udp://HOST:PORT, udp://[IPv6]:PORT)",
               usage_error({"listen", "udp://a:0"}).c_str());
  STRCMP_EQUAL("pmtrctl: status: unknown option '-c'", usage_error({"status", "-c", "1"}).c_str());
}
