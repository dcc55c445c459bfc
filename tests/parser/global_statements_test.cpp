// parser/global_statements.{hpp,cpp}: `log to|rotate|all` and `control
// socket|status|operate` (values and every error); `report to` and
// `listen on` are in udp_statements_test.cpp.
#include "parser/global_statements.hpp"

#include <CppUTest/TestHarness.h>

#include <string>

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "common/messages.hpp"
#include "parser/config_parser.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using pmtr::test::diag_lines;
using pmtr::test::parse_ok;

namespace {

GlobalConfig globals(std::string_view text) { return parse_ok(text).globals; }

std::string names(const Principals& p) {
  std::string s = p.everyone ? "everyone" : "";
  for (const auto& n : p.names) s += (s.empty() ? "" : " ") + n;
  return s;
}

}  // namespace

TEST_GROUP(GlobalStatements){};

TEST(GlobalStatements, DefaultsWithoutAnyStatement) {
  const GlobalConfig g = globals("");
  CHECK_TRUE(g.log == LogConfig{});
  CHECK_TRUE(g.control == ControlConfig{});
  CHECK_TRUE(g.control.enabled);
  CHECK_TRUE(g.control.status.everyone);
  CHECK_FALSE(g.control.operate.everyone);
  CHECK_TRUE(g.control.operate.names.empty());
}

TEST(GlobalStatements, LogToADirectoryOrStderr) {
  GlobalConfig g = globals("log to /srv/logs\n");
  CHECK_TRUE(g.log.target == CaptureTarget::Dir);
  STRCMP_EQUAL("/srv/logs", g.log.dir.c_str());
  g = globals("log to stderr\n");
  CHECK_TRUE(g.log.target == CaptureTarget::Stderr);
  g = globals("log to \"/var/log/with space\"\n");
  STRCMP_EQUAL("/var/log/with space", g.log.dir.c_str());
}

TEST(GlobalStatements, LogRotateAndAll) {
  GlobalConfig g = globals("log rotate 10M keep 5\nlog all\n");
  LONGS_EQUAL(10u << 20, g.log.rotate_bytes);
  LONGS_EQUAL(5, g.log.keep);
  CHECK_TRUE(g.log.all);
  g = globals("log rotate 4K keep 0\n");
  LONGS_EQUAL(4096, g.log.rotate_bytes);
  LONGS_EQUAL(0, g.log.keep);
  g = globals("log rotate 1024T keep 10000\n");
  CHECK_TRUE(g.log.rotate_bytes == limits::kSizeMax);
  LONGS_EQUAL(limits::kLogKeepMax, g.log.keep);
}

TEST(GlobalStatements, ControlSocket) {
  GlobalConfig g = globals("control socket /run/pmtr/other\n");
  CHECK_TRUE(g.control.enabled);
  STRCMP_EQUAL("/run/pmtr/other", g.control.socket.c_str());
  g = globals("control socket none\n");
  CHECK_FALSE(g.control.enabled);
  CHECK_TRUE(g.control.socket.empty());
  const std::string longest = "/" + std::string(limits::kSocketPathBytes - 1, 's');
  STRCMP_EQUAL(longest.c_str(), globals("control socket " + longest + "\n").control.socket.c_str());
}

TEST(GlobalStatements, ControlStatusAndOperate) {
  GlobalConfig g = globals("control status users alice @adm\ncontrol operate users @ops bob\n");
  STRCMP_EQUAL("alice @adm", names(g.control.status).c_str());
  STRCMP_EQUAL("@ops bob", names(g.control.operate).c_str());
  g = globals("control status everyone\n");
  STRCMP_EQUAL("everyone", names(g.control.status).c_str());
}

TEST(GlobalStatements, OperateEveryoneIsAllowedWithAWarning) {
  const ParsedConfig c = parse_config("control operate everyone\n");
  STRCMP_EQUAL("FILE:1:17: warning: 'control operate everyone' lets every user on this host start, stop, restart and "
               "signal every job\n",
               diag_lines(c).c_str());
  CHECK_EQUAL(0u, c.errors());
  CHECK_TRUE(c.globals.control.operate.everyone);
}

TEST(GlobalStatements, EveryStatementAtOnceRoundTrips) {
  const GlobalConfig g = globals(
      "log to /srv/log\nlog rotate 1G keep 3\nlog all\ncontrol socket /run/x.sock\n"
      "control status users a @b\ncontrol operate users @c\nreport to udp://127.0.0.1:9\n");
  CHECK_TRUE(check_globals(g).ok());
  const auto back = decode_message(encode_message(MsgTxnGlobals{g}));
  CHECK_TRUE(back.ok());
  CHECK_TRUE(std::get<MsgTxnGlobals>(back.value()).globals == g);
}

TEST(GlobalStatements, GlobalNamesAreWhatMessagesSay) {
  STRCMP_EQUAL("log rotate", std::string(conf::global_name(conf::Global::LogRotate)).c_str());
  STRCMP_EQUAL("control operate", std::string(conf::global_name(conf::Global::ControlOperate)).c_str());
  STRCMP_EQUAL("listen on", std::string(conf::global_name(conf::Global::ListenOn)).c_str());
}

// ---- errors --------------------------------------------------------------------------------

TEST(GlobalStatements, EachAtMostOnce) {
  const char* lines[] = {"log to /a", "log rotate 1M keep 1", "log all", "control socket /s",
                         "control status everyone", "control operate users a"};
  for (const char* l : lines) {
    const std::string stmt = std::string(l).substr(0, std::string(l).find(' ', std::string(l).find(' ') + 1));
    CHECK_DIAGS(std::string(l) + "\n\n" + l + "\n",
                "FILE:3:1: error: duplicate '" + stmt + "' (first set at line 1)\n");
  }
  // A rejected value still counts as given.
  CHECK_DIAGS("log to x\nlog to /y\n",
              "FILE:1:8: error: log directory 'x' must be an absolute path (or 'stderr')\n"
              "FILE:2:1: error: duplicate 'log to' (first set at line 1)\n");
}

TEST(GlobalStatements, SecondWords) {
  CHECK_DIAGS("log\n", "FILE:1:1: error: missing argument for 'log' (as in 'log to /var/log/pmtr', 'log rotate 10M keep "
                       "10' or 'log all')\n");
  CHECK_DIAGS("log too /x\n", "FILE:1:5: error: expected 'to', 'rotate' or 'all' after 'log', got 'too' (did you mean 'to'?)\n");
  CHECK_DIAGS("control\n",
              "FILE:1:1: error: missing argument for 'control' (as in 'control socket /run/pmtr/control', 'control "
              "status everyone' or 'control operate users @ops')\n");
  CHECK_DIAGS("control sokcet /x\n", "FILE:1:9: error: expected 'socket', 'status' or 'operate' after 'control', got "
                                     "'sokcet' (did you mean 'socket'?)\n");
  CHECK_DIAGS("control path /x\n",
              "FILE:1:9: error: expected 'socket', 'status' or 'operate' after 'control', got 'path'\n");
}

TEST(GlobalStatements, LogToErrors) {
  CHECK_DIAGS("log to\n", "FILE:1:1: error: missing argument for 'log to' (a directory, as in 'log to /var/log/pmtr', or "
                          "'stderr')\n");
  CHECK_DIAGS("log to var/log\n", "FILE:1:8: error: log directory 'var/log' must be an absolute path (or 'stderr')\n");
  CHECK_DIAGS("log to STDERR\n",
              "FILE:1:8: error: log directory 'STDERR' must be an absolute path (did you mean 'stderr'?)\n");
  CHECK_DIAGS("log to sdterr\n",
              "FILE:1:8: error: log directory 'sdterr' must be an absolute path (did you mean 'stderr'?)\n");
  CHECK_DIAGS("log to \"/a\tb\"\n", "FILE:1:8: error: invalid log directory '/a\\x09b'\n");
  CHECK_DIAGS("log to /a /b\n", "FILE:1:11: error: extra argument '/b' for 'log to'\n");
  CHECK_DIAGS("log all now\n", "FILE:1:9: error: extra argument 'now' for 'log all'\n");
}

TEST(GlobalStatements, LogRotateErrors) {
  CHECK_DIAGS("log rotate\n", "FILE:1:1: error: missing argument for 'log rotate' (as in 'log rotate 10M keep 10')\n");
  CHECK_DIAGS("log rotate 0 keep 1\n", "FILE:1:12: error: log rotate size '0' is below the minimum (1K)\n");
  CHECK_DIAGS("log rotate 1023 keep 1\n", "FILE:1:12: error: log rotate size '1023' is below the minimum (1K)\n");
  CHECK_DIAGS("log rotate 10mb keep 1\n",
              "FILE:1:12: error: invalid size '10mb' (units are K, M, G and T, uppercase, powers of 1024: did you mean "
              "'10M'?)\n");
  CHECK_DIAGS("log rotate 10M\n", "FILE:1:15: error: expected 'keep' after 'log rotate 10M', got end of line (as in 'log "
                                  "rotate 10M keep 10')\n");
  CHECK_DIAGS("log rotate 10M kep 3\n",
              "FILE:1:16: error: expected 'keep' after 'log rotate 10M', got 'kep' (did you mean 'keep'?)\n");
  CHECK_DIAGS("log rotate 10M keep\n",
              "FILE:1:20: error: missing count after 'log rotate 10M keep' (as in 'log rotate 10M keep 10')\n");
  for (const char* w : {"-1", "+1", "10001", "ten"})
    CHECK_DIAGS("log rotate 10M keep " + std::string(w) + "\n",
                "FILE:1:21: error: invalid keep count '" + std::string(w) + "' (an integer from 0 to 10000)\n");
  CHECK_DIAGS("log rotate 10M keep 3 4\n", "FILE:1:23: error: extra argument '4' for 'log rotate'\n");
}

TEST(GlobalStatements, ControlSocketErrors) {
  CHECK_DIAGS("control socket\n", "FILE:1:1: error: missing argument for 'control socket' (an absolute path, or 'none')\n");
  CHECK_DIAGS("control socket run/x\n", "FILE:1:16: error: control socket 'run/x' must be an absolute path (or 'none')\n");
  const std::string too_long = "/" + std::string(limits::kSocketPathBytes, 's');
  CHECK_DIAGS("control socket " + too_long + "\n",
              "FILE:1:16: error: control socket path is too long (108 bytes, max 107)\n");
  CHECK_DIAGS("control socket none /x\n", "FILE:1:21: error: extra argument '/x' for 'control socket'\n");
}

TEST(GlobalStatements, ControlUsersErrors) {
  CHECK_DIAGS("control status\n", "FILE:1:1: error: missing argument for 'control status' ('everyone', or 'users' and "
                                  "names, as in 'control status users alice @adm')\n");
  CHECK_DIAGS("control status users\n",
              "FILE:1:21: error: missing user names after 'control status users' (as in 'control status users alice "
              "@adm')\n");
  CHECK_DIAGS("control operate alice\n", "FILE:1:17: error: expected 'everyone' or 'users' after 'control operate', got "
                                         "'alice' (did you mean 'control operate users alice'?)\n");
  CHECK_DIAGS("control status user alice\n", "FILE:1:16: error: expected 'everyone' or 'users' after 'control status', "
                                             "got 'user' (did you mean 'users'?)\n");
  CHECK_DIAGS("control status *\n", "FILE:1:16: error: expected 'everyone' or 'users' after 'control status', got "
                                    "'*' (as in 'control status users alice @adm')\n");
  CHECK_DIAGS("control status everyone else\n", "FILE:1:25: error: extra argument 'else' for 'control status'\n");
  CHECK_DIAGS("control operate users @ops @\n",
              "FILE:1:28: error: invalid user '@' (a user name, or '@' and a group name)\n");
  CHECK_DIAGS("control operate users a b a\n", "FILE:1:27: warning: duplicate user 'a' ignored\n");
}

TEST(GlobalStatements, InsideAJobBlock) {
  CHECK_DIAGS("job {\n name a\n cmd /bin/true\n control socket /x\n}\n",
              "FILE:4:2: error: 'control' is a global statement; it cannot be inside a job block\n");
}
