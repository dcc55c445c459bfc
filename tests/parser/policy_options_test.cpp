// parser/policy_options.{hpp,cpp}: what the lifecycle options put in a job
// (JobDesc::policy, wait, wait_ready, once).  Their errors are in
// policy_errors_test.cpp.
#include "parser/policy_options.hpp"

#include <CppUTest/TestHarness.h>

#include <csignal>
#include <string>

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "common/messages.hpp"
#include "parser/config_parser.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using pmtr::test::job_with;
using pmtr::test::only_job_with;
using pmtr::test::parse_ok;

namespace {

LifecyclePolicy policy(std::string_view body) { return only_job_with(body).policy; }

}  // namespace

TEST_GROUP(PolicyOptions){};

TEST(PolicyOptions, DefaultsAreTheOriginalPmtrsRules) {
  const JobDesc j = only_job_with("");
  CHECK_TRUE(j.policy == LifecyclePolicy{});
  CHECK_TRUE(j.policy.restart == RestartMode::Always);
  LONGS_EQUAL(10000, j.policy.backoff_min_ms);
  LONGS_EQUAL(10000, j.policy.backoff_max_ms);
  LONGS_EQUAL(10000, j.policy.stable_after_ms);
  LONGS_EQUAL(SIGTERM, j.policy.stop_signal);
  LONGS_EQUAL(10000, j.policy.stop_timeout_ms);
  LONGS_EQUAL(0, j.policy.ready_fd);
  CHECK_FALSE(j.wait || j.wait_ready || j.once);
}

TEST(PolicyOptions, RestartModes) {
  CHECK_TRUE(policy(" restart always\n").restart == RestartMode::Always);
  CHECK_TRUE(policy(" restart on-failure\n").restart == RestartMode::OnFailure);
  CHECK_TRUE(policy(" restart never\n").restart == RestartMode::Never);
  CHECK_TRUE(policy(" restart \"never\"  # quoted is the same word\n").restart == RestartMode::Never);
}

TEST(PolicyOptions, OnceStaysOnceAndLeavesRestartAlone) {
  const JobDesc j = only_job_with(" once\n");
  CHECK_TRUE(j.once);
  CHECK_TRUE(j.policy.restart == RestartMode::Always);
}

TEST(PolicyOptions, Backoff) {
  const LifecyclePolicy p = policy(" backoff 1s to 5m\n");
  LONGS_EQUAL(1000, p.backoff_min_ms);
  LONGS_EQUAL(300000, p.backoff_max_ms);
  const LifecyclePolicy same = policy(" backoff 250ms to 250ms\n");
  LONGS_EQUAL(250, same.backoff_min_ms);
  LONGS_EQUAL(250, same.backoff_max_ms);
  LONGS_EQUAL(limits::kDurationMsMax, policy(" backoff 1.5s to 30d\n").backoff_max_ms);
}

TEST(PolicyOptions, StableAfter) {
  LONGS_EQUAL(30000, policy(" stable after 30s\n").stable_after_ms);
  LONGS_EQUAL(1, policy(" stable after 1ms\n").stable_after_ms);
}

TEST(PolicyOptions, GiveUp) {
  const LifecyclePolicy p = policy(" give up after 5 in 2m\n");
  LONGS_EQUAL(5, p.give_up_count);
  LONGS_EQUAL(120000, p.give_up_window_ms);
  LONGS_EQUAL(1, policy(" give up after 1 in 1ms\n").give_up_count);
  LONGS_EQUAL(limits::kGiveUpCountMax, policy(" give up after 1000 in 1d\n").give_up_count);
}

TEST(PolicyOptions, StopSignalAndTimeoutAreSeparateOptions) {
  const LifecyclePolicy p = policy(" stop signal INT\n stop timeout 30s\n");
  LONGS_EQUAL(SIGINT, p.stop_signal);
  LONGS_EQUAL(30000, p.stop_timeout_ms);
  LONGS_EQUAL(SIGHUP, policy(" stop signal SIGHUP\n").stop_signal);
  LONGS_EQUAL(SIGUSR1, policy(" stop signal 10\n").stop_signal);
  LONGS_EQUAL(SIGRTMIN + 3, policy(" stop signal RTMIN+3\n").stop_signal);
  LONGS_EQUAL(10000, policy(" stop signal INT\n").stop_timeout_ms);
}

TEST(PolicyOptions, StopTimeoutZeroMeansKillAtOnce) {
  LONGS_EQUAL(0, policy(" stop timeout 0s\n").stop_timeout_ms);
  LONGS_EQUAL(1500, policy(" stop timeout 1.5s\n").stop_timeout_ms);
}

TEST(PolicyOptions, ReadyFdAndTimeout) {
  const LifecyclePolicy p = policy(" ready fd 3\n ready timeout 1m\n");
  LONGS_EQUAL(3, p.ready_fd);
  LONGS_EQUAL(60000, p.ready_timeout_ms);
  LONGS_EQUAL(1023, policy(" ready fd 1023\n").ready_fd);
  LONGS_EQUAL(0, policy(" ready fd 4\n").ready_timeout_ms);
  // The fd may come after the options that need it.
  LONGS_EQUAL(5, policy(" ready timeout 2s\n ready fd 5\n").ready_fd);
}

TEST(PolicyOptions, WaitAndWaitReady) {
  const JobDesc plain = only_job_with(" wait\n");
  CHECK_TRUE(plain.wait);
  CHECK_FALSE(plain.wait_ready);
  const JobDesc ready = only_job_with(" ready fd 3\n wait ready\n");
  CHECK_TRUE(ready.wait);
  CHECK_TRUE(ready.wait_ready);
  CHECK_TRUE(only_job_with(" wait ready  # released at readiness\n ready fd 4\n").wait_ready);
}

TEST(PolicyOptions, EveryOptionTogetherPassesTheMonitorsCheckAndRoundTrips) {
  const JobDesc j = only_job_with(
      " restart on-failure\n backoff 1s to 5m\n stable after 30s\n give up after 5 in 2m\n"
      " stop signal INT\n stop timeout 30s\n ready fd 3\n ready timeout 1m\n wait ready\n");
  CHECK_TRUE(j.policy.restart == RestartMode::OnFailure);
  LONGS_EQUAL(5, j.policy.give_up_count);
  CHECK_TRUE(check_policy(j).ok());
  CHECK_TRUE(check_job(j).ok());
  const auto back = decode_job_definition(job_definition_key(j));
  CHECK_TRUE(back.ok());
  CHECK_TRUE(same_definition(back.value(), j));
  CHECK_TRUE(back.value().policy == j.policy);
}

TEST(PolicyOptions, OptionsInTwoJobsDoNotMix) {
  const ParsedConfig c = parse_ok(job_with(" stop signal INT\n ready fd 3\n", "a") + job_with(" stop signal HUP\n", "b"));
  LONGS_EQUAL(SIGINT, c.jobs[0].policy.stop_signal);
  LONGS_EQUAL(SIGHUP, c.jobs[1].policy.stop_signal);
  LONGS_EQUAL(0, c.jobs[1].policy.ready_fd);
}
