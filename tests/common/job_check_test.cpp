// The job rules the monitor re-applies to every decoded job: each predicate
// on both sides of its boundary, and every branch of check_job and
// check_globals (the udp addresses in job_check_udp_test.cpp).
#include "common/job_check.hpp"

#include <sys/resource.h>

#include <functional>
#include <string>

#include "common/limits.hpp"
#include "common/messages.hpp"
#include "tests/common/samples.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using pmtr::test::full_job;
using pmtr::test::minimal_job;

namespace {

std::string s(size_t n, char c = 'a') { return std::string(n, c); }
std::string abs_path(size_t n) { return "/" + s(n - 1); }
std::string with_nul(const char* before, const char* after) {
  return std::string(before) + std::string(1, '\0') + after;
}

std::string check_reason(const JobDesc& j) {
  const Status st = check_job(j);
  return st.ok() ? "ok" : st.error().what;
}

std::string globals_reason(const GlobalConfig& g) {
  const Status st = check_globals(g);
  return st.ok() ? "ok" : st.error().what;
}

}  // namespace

TEST_GROUP(JobCheck){};

// ---- predicates ------------------------------------------------------------

TEST(JobCheck, JobName) {
  CHECK_TRUE(valid_job_name("a"));
  CHECK_TRUE(valid_job_name("web-1.example_x"));
  CHECK_TRUE(valid_job_name("!~"));
  CHECK_TRUE(valid_job_name(s(limits::kNameBytes)));
  CHECK_FALSE(valid_job_name(""));
  CHECK_FALSE(valid_job_name(s(limits::kNameBytes + 1)));
  CHECK_FALSE(valid_job_name("a b"));
  CHECK_FALSE(valid_job_name("a\tb"));
  CHECK_FALSE(valid_job_name("a\nb"));
  CHECK_FALSE(valid_job_name("a\x7f"));
  CHECK_FALSE(valid_job_name("caf\xc3\xa9"));
  CHECK_FALSE(valid_job_name(with_nul("a", "b")));
}

TEST(JobCheck, AbsPath) {
  CHECK_TRUE(valid_abs_path("/"));
  CHECK_TRUE(valid_abs_path("/usr/bin/env"));
  CHECK_TRUE(valid_abs_path("/with space/and\xc3\xa9"));
  CHECK_TRUE(valid_abs_path(abs_path(limits::kPathBytes)));
  CHECK_FALSE(valid_abs_path(abs_path(limits::kPathBytes + 1)));
  CHECK_FALSE(valid_abs_path(""));
  CHECK_FALSE(valid_abs_path("usr/bin"));
  CHECK_FALSE(valid_abs_path("./x"));
  CHECK_FALSE(valid_abs_path("/a\nb"));
  CHECK_FALSE(valid_abs_path("/a\x1b[2J"));
  CHECK_FALSE(valid_abs_path("/a\x7f"));
  CHECK_FALSE(valid_abs_path(with_nul("/a", "b")));
}

TEST(JobCheck, Argument) {
  CHECK_TRUE(valid_argument(""));
  CHECK_TRUE(valid_argument("two words\twith\nnewline"));
  CHECK_TRUE(valid_argument(s(limits::kStringBytes)));
  CHECK_FALSE(valid_argument(s(limits::kStringBytes + 1)));
  CHECK_FALSE(valid_argument(with_nul("", "")));
  CHECK_FALSE(valid_argument(with_nul("--opt=", "x")));
}

TEST(JobCheck, IoPath) {
  CHECK_TRUE(valid_io_path("out.log"));
  CHECK_TRUE(valid_io_path("logs/out.log"));
  CHECK_TRUE(valid_io_path("/var/log/out"));
  CHECK_TRUE(valid_io_path(s(limits::kPathBytes)));
  CHECK_FALSE(valid_io_path(s(limits::kPathBytes + 1)));
  CHECK_FALSE(valid_io_path(""));
  CHECK_FALSE(valid_io_path("a\rb"));
  CHECK_FALSE(valid_io_path(with_nul("a", "")));
}

TEST(JobCheck, EnvName) {
  CHECK_TRUE(valid_env_name("A"));
  CHECK_TRUE(valid_env_name("_"));
  CHECK_TRUE(valid_env_name("a1_B2"));
  CHECK_FALSE(valid_env_name(""));
  CHECK_FALSE(valid_env_name("1A"));
  CHECK_FALSE(valid_env_name("A-B"));
  CHECK_FALSE(valid_env_name("A=B"));
  CHECK_FALSE(valid_env_name("A B"));
  CHECK_FALSE(valid_env_name("\xc3\xa9"));
}

TEST(JobCheck, EnvEntry) {
  CHECK_TRUE(valid_env_entry("A="));
  CHECK_TRUE(valid_env_entry("A=b=c"));
  CHECK_TRUE(valid_env_entry("_X=with space\nand newline"));
  CHECK_TRUE(valid_env_entry("A=" + s(limits::kStringBytes - 2)));
  CHECK_FALSE(valid_env_entry("A=" + s(limits::kStringBytes - 1)));
  CHECK_FALSE(valid_env_entry("A"));
  CHECK_FALSE(valid_env_entry(""));
  CHECK_FALSE(valid_env_entry("=x"));
  CHECK_FALSE(valid_env_entry("1=x"));
  CHECK_FALSE(valid_env_entry("A-B=x"));
  CHECK_FALSE(valid_env_entry(with_nul("A=b", "C=d")));
}

TEST(JobCheck, UserName) {
  CHECK_TRUE(valid_user_name("root"));
  CHECK_TRUE(valid_user_name("www-data"));
  CHECK_TRUE(valid_user_name("a.b_c-d"));
  CHECK_TRUE(valid_user_name("1user"));
  CHECK_TRUE(valid_user_name("_x"));
  CHECK_TRUE(valid_user_name(s(limits::kUserBytes)));
  CHECK_FALSE(valid_user_name(s(limits::kUserBytes + 1)));
  CHECK_FALSE(valid_user_name(""));
  CHECK_FALSE(valid_user_name("-x"));
  CHECK_FALSE(valid_user_name("a b"));
  CHECK_FALSE(valid_user_name("a:b"));
  CHECK_FALSE(valid_user_name("a/b"));
  CHECK_FALSE(valid_user_name("a$"));
  CHECK_FALSE(valid_user_name(with_nul("a", "b")));
}

TEST(JobCheck, Nice) {
  for (int v = -20; v <= 19; ++v) CHECK_TRUE(valid_nice(v));
  CHECK_FALSE(valid_nice(-21));
  CHECK_FALSE(valid_nice(20));
  CHECK_FALSE(valid_nice(INT32_MIN));
  CHECK_FALSE(valid_nice(INT32_MAX));
}

TEST(JobCheck, UlimitResource) {
  const int mapped[] = {RLIMIT_CORE, RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_MEMLOCK,
                        RLIMIT_RSS, RLIMIT_NOFILE, RLIMIT_MSGQUEUE, RLIMIT_RTPRIO,
                        RLIMIT_STACK, RLIMIT_CPU, RLIMIT_NPROC, RLIMIT_AS,
                        RLIMIT_LOCKS, RLIMIT_NICE, RLIMIT_SIGPENDING, RLIMIT_RTTIME};
  for (int r : mapped) CHECK_TRUE(valid_ulimit_resource(r));
  CHECK_FALSE(valid_ulimit_resource(-1));
  CHECK_FALSE(valid_ulimit_resource(RLIMIT_NLIMITS));
  CHECK_FALSE(valid_ulimit_resource(255));
}

// ---- check_job: every branch ---------------------------------------------

TEST(JobCheck, SamplesAreAccepted) {
  STRCMP_EQUAL("ok", check_reason(minimal_job()).c_str());
  STRCMP_EQUAL("ok", check_reason(full_job()).c_str());
}

TEST(JobCheck, EveryRuleRejectsWithItsOwnReason) {
  struct Case {
    const char* reason;
    std::function<void(JobDesc&)> breakit;
  };
  const Case cases[] = {
      {"invalid job name", [](JobDesc& j) { j.name = ""; }},
      {"invalid job name", [](JobDesc& j) { j.name = "a b"; }},
      {"invalid argument count", [](JobDesc& j) { j.argv.clear(); }},
      {"invalid argument count", [](JobDesc& j) { j.argv.resize(limits::kArgs + 1, "x"); }},
      {"cmd is not an absolute path", [](JobDesc& j) { j.argv[0] = "bin/sh"; }},
      {"cmd is not an absolute path", [](JobDesc& j) { j.argv[0] = ""; }},
      {"invalid argument", [](JobDesc& j) { j.argv.push_back(with_nul("a", "b")); }},
      {"invalid argument", [](JobDesc& j) { j.argv.push_back(s(limits::kStringBytes + 1)); }},
      {"dir is not an absolute path", [](JobDesc& j) { j.dir = "srv"; }},
      {"dir is not an absolute path", [](JobDesc& j) { j.dir = ""; }},
      {"invalid in/out/err path", [](JobDesc& j) { j.in = "a\nb"; }},
      {"invalid in/out/err path", [](JobDesc& j) { j.out = "a\nb"; }},
      {"invalid in/out/err path", [](JobDesc& j) { j.err = "a\nb"; }},
      {"invalid in/out/err path", [](JobDesc& j) { j.err = s(limits::kPathBytes + 1); }},
      {"invalid user name", [](JobDesc& j) { j.user = "-root"; }},
      {"too many env entries", [](JobDesc& j) { j.env.resize(limits::kEnv + 1, "A=1"); }},
      {"invalid env entry", [](JobDesc& j) { j.env.push_back("NOEQUALS"); }},
      {"invalid env entry", [](JobDesc& j) { j.env.push_back(with_nul("A=", "")); }},
      {"nice value without nice flag", [](JobDesc& j) { j.has_nice = false; j.nice = 5; }},
      {"nice out of range", [](JobDesc& j) { j.has_nice = true; j.nice = 20; }},
      {"nice out of range", [](JobDesc& j) { j.has_nice = true; j.nice = -21; }},
      {"cpu out of range", [](JobDesc& j) { j.cpus = {0, limits::kCpus}; }},
      {"cpu list not sorted", [](JobDesc& j) { j.cpus = {2, 1}; }},
      {"cpu list not sorted", [](JobDesc& j) { j.cpus = {1, 1}; }},
      {"unknown ulimit resource", [](JobDesc& j) { j.ulimits = {{RLIMIT_NLIMITS, 0}}; }},
      {"ulimit list not sorted", [](JobDesc& j) { j.ulimits = {{RLIMIT_NOFILE, 1}, {RLIMIT_CORE, 1}}; }},
      {"ulimit list not sorted", [](JobDesc& j) { j.ulimits = {{RLIMIT_CORE, 1}, {RLIMIT_CORE, 2}}; }},
      {"bounce interval out of range", [](JobDesc& j) { j.bounce_seconds = limits::kBounceSecondsMax + 1; }},
      {"too many depends", [](JobDesc& j) { j.depends.resize(limits::kDepends + 1, "/x"); }},
      {"depends path is not absolute", [](JobDesc& j) { j.depends = {"/ok", "rel"}; }},
      {"unknown restart mode", [](JobDesc& j) { j.policy.restart = static_cast<RestartMode>(3); }},
      {"duration out of range", [](JobDesc& j) { j.policy.stop_timeout_ms = limits::kDurationMsMax + 1; }},
      {"duration out of range", [](JobDesc& j) {
         j.policy.backoff_min_ms = j.policy.backoff_max_ms = limits::kDurationMsMax + 1;
       }},
      {"backoff minimum above its maximum", [](JobDesc& j) {
         j.policy.backoff_min_ms = 2;
         j.policy.backoff_max_ms = 1;
       }},
      {"give up count out of range", [](JobDesc& j) {
         j.policy.give_up_count = limits::kGiveUpCountMax + 1;
         j.policy.give_up_window_ms = 1;
       }},
      {"give up count without window", [](JobDesc& j) {
         j.policy.give_up_count = 3;
         j.policy.give_up_window_ms = 0;
       }},
      {"give up count without window", [](JobDesc& j) {
         j.policy.give_up_count = 0;
         j.policy.give_up_window_ms = 1;
       }},
      {"stop signal out of range", [](JobDesc& j) { j.policy.stop_signal = 0; }},
      {"stop signal out of range", [](JobDesc& j) { j.policy.stop_signal = limits::kSignalMax + 1; }},
      {"ready fd out of range", [](JobDesc& j) { j.policy.ready_fd = 2; }},
      {"ready fd out of range", [](JobDesc& j) { j.policy.ready_fd = limits::kReadyFdMax + 1; }},
      {"ready timeout without ready fd", [](JobDesc& j) {
         j.policy.ready_fd = 0;
         j.policy.ready_timeout_ms = 1;
       }},
      {"wait ready without wait and ready fd", [](JobDesc& j) {
         j.wait = false;
         j.wait_ready = true;
         j.policy.ready_fd = 3;
       }},
      {"wait ready without wait and ready fd", [](JobDesc& j) {
         j.wait = j.wait_ready = true;
         j.policy.ready_fd = 0;
         j.policy.ready_timeout_ms = 0;
       }},
      {"umask out of range", [](JobDesc& j) { j.confine.has_umask = true; j.confine.umask = 01000; }},
      {"umask without its option", [](JobDesc& j) { j.confine.has_umask = false; j.confine.umask = 077; }},
      {"invalid group name", [](JobDesc& j) { j.confine.group = "a b"; }},
      {"invalid group name", [](JobDesc& j) { j.confine.set_groups = true; j.confine.groups = {"ok", "-bad"}; }},
      {"groups without their option", [](JobDesc& j) { j.confine.set_groups = false; j.confine.groups = {"adm"}; }},
      {"too many groups", [](JobDesc& j) {
         j.confine.set_groups = true;
         j.confine.groups.assign(limits::kGroups + 1, "g");
       }},
      {"caps without their option", [](JobDesc& j) { j.confine.set_caps = false; j.confine.caps = {1}; }},
      {"capability out of range", [](JobDesc& j) { j.confine.set_caps = true; j.confine.caps = {limits::kCapMax + 1}; }},
      {"capability list not sorted", [](JobDesc& j) { j.confine.set_caps = true; j.confine.caps = {12, 10}; }},
      {"capability list not sorted", [](JobDesc& j) { j.confine.set_caps = true; j.confine.caps = {10, 10}; }},
      {"size out of range", [](JobDesc& j) { j.confine.memory_max = limits::kSizeMax + 1; }},
      {"swap limit without its option", [](JobDesc& j) { j.confine.has_swap_max = false; j.confine.swap_max = 1; }},
      {"task limit out of range", [](JobDesc& j) { j.confine.tasks_max = limits::kTasksMax + 1; }},
      {"cpu limit out of range", [](JobDesc& j) { j.confine.cpu_percent = limits::kCpuPercentMax + 1; }},
      {"job too large", [](JobDesc& j) { j.argv.resize(20, s(limits::kStringBytes)); }},
  };
  for (const Case& c : cases) {
    for (JobDesc j : {minimal_job(), full_job()}) {
      c.breakit(j);
      STRCMP_EQUAL(c.reason, check_reason(j).c_str());
    }
  }
}

// The edges of each rule, on the accepting side.
TEST(JobCheck, BoundariesAreAccepted) {
  const std::function<void(JobDesc&)> edges[] = {
      [](JobDesc& j) { j.name = s(limits::kNameBytes); },
      [](JobDesc& j) { j.argv.resize(limits::kArgs, "x"); },
      [](JobDesc& j) { j.argv.push_back(""); },
      [](JobDesc& j) { j.in = j.out = j.err = ""; },
      [](JobDesc& j) { j.in = "rel/in"; j.out = "/abs/out"; },
      [](JobDesc& j) { j.user = ""; },
      [](JobDesc& j) { j.user = s(limits::kUserBytes); },
      [](JobDesc& j) { j.env.resize(limits::kEnv, "A=1"); },
      [](JobDesc& j) { j.has_nice = true; j.nice = -20; },
      [](JobDesc& j) { j.has_nice = true; j.nice = 19; },
      [](JobDesc& j) { j.has_nice = false; j.nice = 0; },
      [](JobDesc& j) { j.cpus = {0, limits::kCpus - 1}; },
      [](JobDesc& j) {
        j.ulimits.clear();
        for (int r = 0; r < static_cast<int>(RLIMIT_NLIMITS); ++r) j.ulimits.push_back({static_cast<uint8_t>(r), ~0ull});
      },
      [](JobDesc& j) { j.bounce_seconds = limits::kBounceSecondsMax; },
      [](JobDesc& j) { j.depends.resize(limits::kDepends, "/x"); },
      [](JobDesc& j) { j.order = INT32_MIN; },
      [](JobDesc& j) { j.policy.backoff_min_ms = j.policy.backoff_max_ms = 0; },
      [](JobDesc& j) { j.policy.backoff_min_ms = j.policy.backoff_max_ms = limits::kDurationMsMax; },
      [](JobDesc& j) { j.policy.stop_timeout_ms = 0; },
      [](JobDesc& j) {
        j.policy.give_up_count = limits::kGiveUpCountMax;
        j.policy.give_up_window_ms = limits::kDurationMsMax;
      },
      [](JobDesc& j) { j.policy.stop_signal = 1; },
      [](JobDesc& j) { j.policy.stop_signal = limits::kSignalMax; },
      [](JobDesc& j) { j.policy.ready_fd = limits::kReadyFdMin; },
      [](JobDesc& j) {
        j.policy.ready_fd = limits::kReadyFdMax;
        j.policy.ready_timeout_ms = limits::kDurationMsMax;
        j.wait = j.wait_ready = true;
      },
      [](JobDesc& j) { j.policy.restart = RestartMode::Never; },
  };
  for (const auto& edge : edges) {
    JobDesc j = minimal_job();
    edge(j);
    STRCMP_EQUAL("ok", check_reason(j).c_str());
  }
}

TEST(JobCheck, SizeRuleIsTheEncodedSizeLimitExactly) {
  JobDesc j = minimal_job();
  j.argv.push_back("");
  const size_t base = encoded_job_size(j);
  j.argv.back() = s(limits::kStringBytes);
  while (encoded_job_size(j) + 4 + limits::kStringBytes <= limits::kJobEncodedBytes)
    j.argv.push_back(s(limits::kStringBytes));
  j.argv.push_back("");
  const size_t room = limits::kJobEncodedBytes - encoded_job_size(j);
  j.argv.back() = s(room);
  CHECK(base < encoded_job_size(j));
  CHECK_EQUAL(limits::kJobEncodedBytes, encoded_job_size(j));
  STRCMP_EQUAL("ok", check_reason(j).c_str());
  j.argv.back().push_back('x');
  STRCMP_EQUAL("job too large", check_reason(j).c_str());
}

// What passes check_job can always be sent and decoded: the two sets of
// limits agree.
TEST(JobCheck, AcceptedJobsAlwaysDecode) {
  JobDesc j = full_job();
  j.name = s(limits::kNameBytes);
  j.user = s(limits::kUserBytes);
  j.dir = abs_path(limits::kPathBytes);
  j.in = s(limits::kPathBytes);
  j.depends = {abs_path(limits::kPathBytes)};
  j.env = {"A=" + s(limits::kStringBytes - 2)};
  j.argv = {abs_path(limits::kPathBytes), s(limits::kStringBytes)};
  STRCMP_EQUAL("ok", check_reason(j).c_str());
  CHECK_TRUE(decode_message(encode_message(MsgTxnAdd{{IndexedJob{0, j}}})).ok());
}

// ---- check_globals -------------------------------------------------------

TEST(JobCheck, ControlGlobals) {
  auto with = [](ControlConfig c) { return globals_reason(test::make_globals({}, std::nullopt, std::move(c))); };
  STRCMP_EQUAL("ok", with(ControlConfig{}).c_str());
  STRCMP_EQUAL("ok", with(ControlConfig{true, "/" + s(limits::kSocketPathBytes - 1), {}, {}}).c_str());
  STRCMP_EQUAL("ok", with(ControlConfig{false, "", {}, {}}).c_str());
  STRCMP_EQUAL("ok", with(ControlConfig{true, "", Principals{false, {"alice", "@adm", "svc.user-1"}}, {}}).c_str());
  STRCMP_EQUAL("invalid control socket path", with(ControlConfig{true, "run/ctl", {}, {}}).c_str());
  STRCMP_EQUAL("invalid control socket path",
               with(ControlConfig{true, "/" + s(limits::kSocketPathBytes), {}, {}}).c_str());
  STRCMP_EQUAL("control socket both none and a path", with(ControlConfig{false, "/run/ctl", {}, {}}).c_str());
  for (const char* bad : {"", "@", "-root", "a b", "@@x", "al\nice"}) {
    STRCMP_EQUAL("invalid control users", with(ControlConfig{true, "", Principals{false, {bad}}, {}}).c_str());
    STRCMP_EQUAL("invalid control users", with(ControlConfig{true, "", {}, Principals{false, {bad}}}).c_str());
  }
  STRCMP_EQUAL("invalid control users",
               with(ControlConfig{true, "", {}, Principals{false, std::vector<std::string>(limits::kPrincipals + 1, "a")}})
                   .c_str());
}

TEST(JobCheck, LogGlobals) {
  auto with = [](LogConfig l) { return globals_reason(test::make_globals({}, std::nullopt, {}, std::move(l))); };
  STRCMP_EQUAL("ok", with(LogConfig{}).c_str());
  STRCMP_EQUAL("ok", with(LogConfig{CaptureTarget::Stderr, "/var/log/pmtr", limits::kSizeMax, limits::kLogKeepMax, true})
                         .c_str());
  STRCMP_EQUAL("unknown log target", with(LogConfig{static_cast<CaptureTarget>(2), "/x", 1, 1, false}).c_str());
  STRCMP_EQUAL("log directory is not an absolute path", with(LogConfig{CaptureTarget::Dir, "var/log", 1, 1, false}).c_str());
  STRCMP_EQUAL("log rotation out of range",
               with(LogConfig{CaptureTarget::Dir, "/x", limits::kSizeMax + 1, 1, false}).c_str());
  STRCMP_EQUAL("log rotation out of range",
               with(LogConfig{CaptureTarget::Dir, "/x", 1, limits::kLogKeepMax + 1, false}).c_str());
}

TEST(JobCheck, Operators) {
  JobDesc j = minimal_job();
  j.operators = {"alice", "@deploy"};
  STRCMP_EQUAL("ok", check_reason(j).c_str());
  j.operators = {"@"};
  STRCMP_EQUAL("invalid operators", check_reason(j).c_str());
  j.operators.assign(limits::kPrincipals + 1, "a");
  STRCMP_EQUAL("invalid operators", check_reason(j).c_str());
}
