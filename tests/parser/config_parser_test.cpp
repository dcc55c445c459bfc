// parser/config_parser.{hpp,cpp}: what valid configs produce, field by
// field.  Errors are in config_errors_test.cpp, caps in config_limits_test.cpp.
#include "parser/config_parser.hpp"

#include <CppUTest/TestHarness.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "common/messages.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using pmtr::test::job_with;
using pmtr::test::only_job;
using pmtr::test::parse_ok;

namespace {

const char* kSpecExample = R"(job {
  name demux                 # required, unique; printable, no spaces
  cmd /usr/bin/demux -v "two words"   # required; absolute path; no PATH search, no shell
  dir /data                  # absolute; default /
  out demux.out              # stdout file, relative to dir; default /dev/null
  err demux.err              # stderr file, relative to dir; default /dev/null
  in  input.fifo             # stdin file; default /dev/null
  user demo                  # run with demo's uid, gid and supplementary groups
  env XLIB=/usr/lib/xlib.so  # repeatable
  nice 5                     # -20 .. 19
  cpu 0,2-4                  # or a hex mask: cpu 0x1d; absent CPUs ignored
  ulimit -n 4096             # soft = hard; value or `infinity`; also a block: ulimit { -n 4096 -c infinity }
  bounce every 1d            # periodic restart; units s m h d
  depends {                  # restart the job when a listed file's content changes
    /etc/demux/demux.conf
  }
  order 2                    # start order, lower first; ties keep file order
  wait                       # later jobs start only after this one exits
  once                       # never restart this job
  disable                    # keep the definition, do not run it
}
report to udp://127.0.0.1:9999        # global: periodic status datagram (optional @iface for multicast)
listen on udp://0.0.0.0:10000 key /etc/pmtr/listen.key   # ... signed ones only
)";

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "[" + x + "]";
  return s;
}

}  // namespace

TEST_GROUP(ConfigParser){};

TEST(ConfigParser, EmptyFileIsValidWithNoJobs) {
  const ParsedConfig c = parse_config("");
  LONGS_EQUAL(0, c.jobs.size());
  LONGS_EQUAL(0, c.diagnostics.size());
  LONGS_EQUAL(0, c.errors());
  CHECK_TRUE(c.globals.report_to.empty());
  CHECK_FALSE(c.globals.listen_on.has_value());
  CHECK_TRUE(c.globals.listen_key.empty());
}

TEST(ConfigParser, CommentsAndBlankLinesOnly) {
  const ParsedConfig c = parse_ok("# pmtr.conf\n\n   # indented\n\t\n# job {\n");
  LONGS_EQUAL(0, c.jobs.size());
}

TEST(ConfigParser, SpecExampleEveryField) {
  const ParsedConfig c = parse_ok(kSpecExample);
  LONGS_EQUAL(1, c.jobs.size());
  const JobDesc& j = c.jobs[0];
  STRCMP_EQUAL("demux", j.name.c_str());
  STRCMP_EQUAL("[/usr/bin/demux][-v][two words]", joined(j.argv).c_str());
  STRCMP_EQUAL("/data", j.dir.c_str());
  STRCMP_EQUAL("demux.out", j.out.c_str());
  STRCMP_EQUAL("demux.err", j.err.c_str());
  STRCMP_EQUAL("input.fifo", j.in.c_str());
  STRCMP_EQUAL("demo", j.user.c_str());
  STRCMP_EQUAL("[XLIB=/usr/lib/xlib.so]", joined(j.env).c_str());
  CHECK_TRUE(j.has_nice);
  LONGS_EQUAL(5, j.nice);
  CHECK_TRUE((j.cpus == std::vector<uint16_t>{0, 2, 3, 4}));
  LONGS_EQUAL(1, j.ulimits.size());
  LONGS_EQUAL(RLIMIT_NOFILE, j.ulimits[0].resource);
  CHECK_EQUAL(4096u, j.ulimits[0].value);
  LONGS_EQUAL(86400, j.bounce_seconds);
  STRCMP_EQUAL("[/etc/demux/demux.conf]", joined(j.depends).c_str());
  LONGS_EQUAL(2, j.order);
  CHECK_TRUE(j.wait);
  CHECK_TRUE(j.once);
  CHECK_TRUE(j.disabled);
  CHECK_TRUE((j.pos == SourcePos{1, 1}));
  CHECK_TRUE((j.cmd_pos == SourcePos{3, 7}));
  CHECK_TRUE((j.dir_pos == SourcePos{4, 7}));
  CHECK_TRUE((j.user_pos == SourcePos{8, 8}));
  CHECK_TRUE((c.globals.report_to == std::vector<UdpAddress>{{"127.0.0.1", 9999, ""}}));
  CHECK_TRUE(c.globals.listen_on.has_value());
  CHECK_TRUE((*c.globals.listen_on == UdpAddress{"0.0.0.0", 10000, ""}));
  STRCMP_EQUAL("/etc/pmtr/listen.key", c.globals.listen_key.c_str());
}

TEST(ConfigParser, MinimalJobGetsTheDefaults) {
  const JobDesc j = only_job("job {\n name a\n cmd /bin/true\n}\n");
  STRCMP_EQUAL("a", j.name.c_str());
  STRCMP_EQUAL("[/bin/true]", joined(j.argv).c_str());
  STRCMP_EQUAL("/", j.dir.c_str());
  STRCMP_EQUAL("", j.in.c_str());
  STRCMP_EQUAL("", j.out.c_str());
  STRCMP_EQUAL("", j.err.c_str());
  STRCMP_EQUAL("", j.user.c_str());
  LONGS_EQUAL(0, j.env.size());
  CHECK_FALSE(j.has_nice);
  LONGS_EQUAL(0, j.nice);
  LONGS_EQUAL(0, j.cpus.size());
  LONGS_EQUAL(0, j.ulimits.size());
  LONGS_EQUAL(0, j.bounce_seconds);
  LONGS_EQUAL(0, j.depends.size());
  LONGS_EQUAL(0, j.order);
  CHECK_FALSE(j.wait || j.once || j.disabled);
  CHECK_TRUE((j.dir_pos == SourcePos{}));
  CHECK_TRUE((j.user_pos == SourcePos{}));
}

TEST(ConfigParser, OpenBraceOnTheNextLine) {
  const JobDesc j = only_job("job\n{\n name a\n cmd /bin/true\n}\n");
  CHECK_TRUE((j.pos == SourcePos{1, 1}));
  STRCMP_EQUAL("a", j.name.c_str());
}

TEST(ConfigParser, OpenBraceAfterBlankAndCommentLines) {
  const JobDesc j = only_job("  job   # the demux\n\n# comment\n  {  # open\n name a\n cmd /bin/true\n}\n");
  CHECK_TRUE((j.pos == SourcePos{1, 3}));
}

TEST(ConfigParser, BracesNeedNoBlanksAroundThem) {
  const JobDesc j = only_job("job{\n name a\n cmd /bin/true\n ulimit{-n 5}\n depends{/a}\n}\n");
  LONGS_EQUAL(1, j.ulimits.size());
  STRCMP_EQUAL("[/a]", joined(j.depends).c_str());
}

TEST(ConfigParser, CloseBraceWithTrailingComment) {
  (void)only_job("job {\n name a\n cmd /bin/true\n}   # end of a\n");
}

TEST(ConfigParser, CmdSplitsWordsAndDropsTrailingComment) {
  const JobDesc j = only_job("job {\n name a\n cmd /bin/x -v  # note\n}\n");
  STRCMP_EQUAL("[/bin/x][-v]", joined(j.argv).c_str());
}

TEST(ConfigParser, CmdKeepsQuotesHashesAndBracesAsWritten) {
  const JobDesc j = only_job(
      "job {\n name a\n cmd /usr/bin/find . -name \"*.log\" -exec rm {} ; a#b \"#c\" x\"y z\"\n}\n");
  STRCMP_EQUAL("[/usr/bin/find][.][-name][*.log][-exec][rm][{}][;][a#b][#c][xy z]", joined(j.argv).c_str());
  CHECK_TRUE((j.cmd_pos == SourcePos{3, 6}));
}

TEST(ConfigParser, CmdEscapesAndLiteralBackslashes) {
  const JobDesc j = only_job("job {\n name a\n cmd /bin/sh -c \"echo \\\"hi\\\" \\\\\" a\\b\n}\n");
  STRCMP_EQUAL("[/bin/sh][-c][echo \"hi\" \\][a\\b]", joined(j.argv).c_str());
}

TEST(ConfigParser, CmdPositionIsTheQuoteWhenQuoted) {
  const JobDesc j = only_job("job {\n name a\n cmd   \"/opt/my app/run\" x\n}\n");
  STRCMP_EQUAL("[/opt/my app/run][x]", joined(j.argv).c_str());
  CHECK_TRUE((j.cmd_pos == SourcePos{3, 8}));
}

TEST(ConfigParser, CmdWithTheMaximumArgumentCount) {
  std::string cmd = "cmd /b";
  for (size_t i = 1; i < limits::kArgs; ++i) cmd += " a";
  const JobDesc j = only_job("job {\n name a\n " + cmd + "\n}\n");
  LONGS_EQUAL(limits::kArgs, j.argv.size());
}

TEST(ConfigParser, QuotedNameAndKeywords) {
  const JobDesc j = only_job("\"job\" {\n \"name\" \"x\"\n cmd /bin/true\n}\n");
  STRCMP_EQUAL("x", j.name.c_str());
}

TEST(ConfigParser, IoPathsAreStoredAsWritten) {
  const JobDesc j = only_job(job_with(" dir /srv/app\n in /dev/zero\n out logs/app.out\n err ../app.err\n"));
  STRCMP_EQUAL("/srv/app", j.dir.c_str());
  CHECK_TRUE((j.dir_pos == SourcePos{4, 6}));
  STRCMP_EQUAL("/dev/zero", j.in.c_str());
  STRCMP_EQUAL("logs/app.out", j.out.c_str());
  STRCMP_EQUAL("../app.err", j.err.c_str());
}

TEST(ConfigParser, UserAndItsPosition) {
  const JobDesc j = only_job(job_with("\tuser www-data\n"));
  STRCMP_EQUAL("www-data", j.user.c_str());
  CHECK_TRUE((j.user_pos == SourcePos{4, 7}));
}

TEST(ConfigParser, EnvLinesInFileOrderWithQuotedValues) {
  const JobDesc j = only_job(job_with(" env B=2\n env OPTS=\"-a -b\"\n env A=\n env P=x=y\n"));
  STRCMP_EQUAL("[B=2][OPTS=-a -b][A=][P=x=y]", joined(j.env).c_str());
}

TEST(ConfigParser, NiceRange) {
  CHECK_EQUAL(-20, only_job(job_with(" nice -20\n")).nice);
  CHECK_EQUAL(19, only_job(job_with(" nice 19\n")).nice);
  const JobDesc z = only_job(job_with(" nice 0\n"));
  CHECK_TRUE(z.has_nice);
  LONGS_EQUAL(0, z.nice);
}

TEST(ConfigParser, CpuListAndMask) {
  CHECK_TRUE((only_job(job_with(" cpu 3,1,2-2\n")).cpus == std::vector<uint16_t>{1, 2, 3}));
  CHECK_TRUE((only_job(job_with(" cpu 0x1d\n")).cpus == std::vector<uint16_t>{0, 2, 3, 4}));
}

TEST(ConfigParser, UlimitInlinePairsStoredSortedByResource) {
  const JobDesc j = only_job(job_with(" ulimit -n 4096 -c infinity -s unlimited\n"));
  LONGS_EQUAL(3, j.ulimits.size());
  for (size_t i = 1; i < j.ulimits.size(); ++i) CHECK_TRUE(j.ulimits[i - 1].resource < j.ulimits[i].resource);
  for (const auto& u : j.ulimits) {
    if (u.resource == RLIMIT_NOFILE) CHECK_EQUAL(4096u, u.value);
    else CHECK_TRUE(u.value == RLIM_INFINITY);
  }
}

TEST(ConfigParser, UlimitBlockAcrossLines) {
  const JobDesc j = only_job(job_with(" ulimit {\n   -n 97   # files\n   -u infinity\n   RLIMIT_MEMLOCK 65536\n }\n"));
  LONGS_EQUAL(3, j.ulimits.size());
  CHECK_TRUE((j.ulimits[0] == Ulimit{RLIMIT_NPROC, RLIM_INFINITY}));
  CHECK_TRUE((j.ulimits[1] == Ulimit{RLIMIT_NOFILE, 97}));
  CHECK_TRUE((j.ulimits[2] == Ulimit{RLIMIT_MEMLOCK, 65536}));
}

TEST(ConfigParser, UlimitBlockOnOneLineAndBraceOnNextLine) {
  CHECK_EQUAL(2, only_job(job_with(" ulimit { -n 4096 -c infinity }\n")).ulimits.size());
  CHECK_EQUAL(1, only_job(job_with(" ulimit\n {\n -n 1\n }\n")).ulimits.size());
  CHECK_EQUAL(1, only_job(job_with(" ulimit {\n -n 1 }\n")).ulimits.size());
}

TEST(ConfigParser, UlimitEmptyBlockIsAllowed) {
  CHECK_EQUAL(0, only_job(job_with(" ulimit { }\n")).ulimits.size());
}

TEST(ConfigParser, UlimitSeveralStatementsAccumulate) {
  CHECK_EQUAL(2, only_job(job_with(" ulimit -n 1\n ulimit -c 0\n")).ulimits.size());
}

TEST(ConfigParser, UlimitValuesAreNotScaled) {
  const JobDesc j = only_job(job_with(" ulimit -v 1048576 -t 60\n"));
  CHECK_TRUE((j.ulimits[0] == Ulimit{RLIMIT_CPU, 60}));
  CHECK_TRUE((j.ulimits[1] == Ulimit{RLIMIT_AS, 1048576}));
}

TEST(ConfigParser, UlimitEverySupportedFlagAtOnce) {
  const JobDesc j = only_job(job_with(" ulimit {\n -c 1 -d 2 -e 3 -f 4 -i 5 -l 6 -m 7 -n 8\n"
                                      " -q 9 -r 10 -s 11 -t 12 -u 13 -v 14 -x 15 -R 16\n }\n"));
  LONGS_EQUAL(limits::kUlimits, j.ulimits.size());
  CHECK_TRUE(check_job(j).ok());
}

TEST(ConfigParser, BounceForms) {
  LONGS_EQUAL(30, only_job(job_with(" bounce every 30s\n")).bounce_seconds);
  LONGS_EQUAL(30, only_job(job_with(" bounce every 30 s\n")).bounce_seconds);
  LONGS_EQUAL(900, only_job(job_with(" bounce every 15m\n")).bounce_seconds);
  LONGS_EQUAL(7200, only_job(job_with(" bounce every 2 h  # twice\n")).bounce_seconds);
  LONGS_EQUAL(limits::kBounceSecondsMax, only_job(job_with(" bounce every 366d\n")).bounce_seconds);
}

TEST(ConfigParser, DependsInlineAndBlocks) {
  STRCMP_EQUAL("[/a/b]", joined(only_job(job_with(" depends /a/b\n")).depends).c_str());
  STRCMP_EQUAL("[/a][/b]", joined(only_job(job_with(" depends /a /b  # two\n")).depends).c_str());
  STRCMP_EQUAL("[/a][/b][/c]",
               joined(only_job(job_with(" depends {\n  /a /b\n  # c next\n  /c\n }\n")).depends).c_str());
  STRCMP_EQUAL("[/a]", joined(only_job(job_with(" depends { /a }\n")).depends).c_str());
  STRCMP_EQUAL("[/a][/b]", joined(only_job(job_with(" depends\n {\n /a\n /b }\n")).depends).c_str());
  STRCMP_EQUAL("[/a][/b]", joined(only_job(job_with(" depends /a\n depends { /b }\n")).depends).c_str());
  STRCMP_EQUAL("[/etc/{x}]", joined(only_job(job_with(" depends \"/etc/{x}\"\n")).depends).c_str());
}

TEST(ConfigParser, DuplicateDependsPathIsAWarningAndKeptOnce) {
  const ParsedConfig c = parse_config(job_with(" depends /a\n depends { /b /a }\n"));
  STRCMP_EQUAL("FILE:5:15: warning: duplicate depends path '/a' ignored\n", test::diag_lines(c).c_str());
  LONGS_EQUAL(0, c.errors());
  LONGS_EQUAL(1, c.warnings());
  STRCMP_EQUAL("[/a][/b]", joined(c.jobs[0].depends).c_str());
}

TEST(ConfigParser, OrderIsAnInt32) {
  LONGS_EQUAL(-5, only_job(job_with(" order -5\n")).order);
  LONGS_EQUAL(INT32_MAX, only_job(job_with(" order 2147483647\n")).order);
  LONGS_EQUAL(INT32_MIN, only_job(job_with(" order -2147483648\n")).order);
}

TEST(ConfigParser, FlagsEachAlone) {
  CHECK_TRUE(only_job(job_with(" wait\n")).wait);
  CHECK_TRUE(only_job(job_with(" once # no restart\n")).once);
  CHECK_TRUE(only_job(job_with(" disable\n")).disabled);
  const JobDesc j = only_job(job_with(" once\n"));
  CHECK_FALSE(j.wait || j.disabled);
}

TEST(ConfigParser, JobsKeepFileOrderWhateverTheirOrderValue) {
  const ParsedConfig c = parse_ok(job_with(" order 9\n", "z") + job_with(" order -1\n", "a") + job_with("", "m"));
  LONGS_EQUAL(3, c.jobs.size());
  STRCMP_EQUAL("z", c.jobs[0].name.c_str());
  STRCMP_EQUAL("a", c.jobs[1].name.c_str());
  STRCMP_EQUAL("m", c.jobs[2].name.c_str());
  LONGS_EQUAL(1, c.jobs[0].pos.line);
  LONGS_EQUAL(6, c.jobs[1].pos.line);
  LONGS_EQUAL(11, c.jobs[2].pos.line);
}

TEST(ConfigParser, GlobalsWithInterfaceAndIpv6) {
  const ParsedConfig c = parse_ok("report to udp://239.0.0.1:9999@eth0\nlisten on udp://[::1]:10000 key /k\n");
  CHECK_TRUE((c.globals.report_to == std::vector<UdpAddress>{{"239.0.0.1", 9999, "eth0"}}));
  CHECK_TRUE((*c.globals.listen_on == UdpAddress{"::1", 10000, ""}));
  CHECK_TRUE(check_globals(c.globals).ok());
}

TEST(ConfigParser, GlobalsMayComeBetweenAndAfterJobs) {
  const ParsedConfig c = parse_ok(job_with("", "a") + "listen on udp://0.0.0.0:10000 key \"/etc/pmtr/a key\"\n" +
                                  job_with("", "b") + "report to \"udp://127.0.0.1:1\"  # quoted\n");
  LONGS_EQUAL(2, c.jobs.size());
  CHECK_TRUE(c.globals.listen_on.has_value());
  STRCMP_EQUAL("/etc/pmtr/a key", c.globals.listen_key.c_str());
  LONGS_EQUAL(1, c.globals.report_to.size());
}

TEST(ConfigParser, CrlfLineEndings) {
  const JobDesc j = only_job("job {\r\n name a\r\n cmd /bin/echo x\r\n}\r\n");
  STRCMP_EQUAL("[/bin/echo][x]", joined(j.argv).c_str());
}

TEST(ConfigParser, Utf8ByteOrderMarkIsSkipped) {
  const JobDesc j = only_job("\xef\xbb\xbfjob {\n name a\n cmd /bin/true\n}\n");
  CHECK_TRUE((j.pos == SourcePos{1, 4}));
  CHECK_DIAGS("job {\n\xef\xbb\xbfname a\n cmd /x\n}\n",
              "FILE:1:1: error: job has no 'name'\nFILE:2:1: error: unknown option '\\xef\\xbb\\xbfname'\n");
}

TEST(ConfigParser, NoNewlineAtEndOfFile) {
  (void)only_job("job {\n name a\n cmd /bin/true\n}");
}

TEST(ConfigParser, IdenticalJobsExceptNameAreFine) {
  LONGS_EQUAL(2, parse_ok(job_with("", "a") + job_with("", "b")).jobs.size());
}

TEST(ConfigParser, EveryAcceptedJobPassesTheMonitorsCheckAndRoundTrips) {
  const ParsedConfig c = parse_ok(std::string(kSpecExample) + job_with(" ulimit { -R 5 }\n cpu 0x8000\n", "b"));
  LONGS_EQUAL(2, c.jobs.size());
  for (const JobDesc& j : c.jobs) {
    CHECK_TRUE(check_job(j).ok());
    MsgTxnAdd add;
    add.jobs.push_back(IndexedJob{7, j});
    const auto bytes = encode_message(add);
    const auto back = decode_message(bytes);
    CHECK_TRUE(back.ok());
    const auto& got = std::get<MsgTxnAdd>(back.value());
    LONGS_EQUAL(1, got.jobs.size());
    CHECK_TRUE(same_definition(got.jobs[0].job, j));
    CHECK_TRUE((got.jobs[0].job.cmd_pos == j.cmd_pos));
  }
}

TEST(ConfigParser, FormatDiagnosticUsesTheCommonFormat) {
  Diagnostic d{Severity::Error, 3, 5, "unknown option 'nmae' (did you mean 'name'?)"};
  STRCMP_EQUAL("FILE:3:5: error: unknown option 'nmae' (did you mean 'name'?)", format_diagnostic("FILE", d).c_str());
  Diagnostic w{Severity::Warning, 0, 0, "file too large"};
  STRCMP_EQUAL("pmtr.conf: warning: file too large", format_diagnostic("pmtr.conf", w).c_str());
}
