// parser/policy_options.cpp and the readiness checks of job_validator.cpp:
// every error of the lifecycle options, with its exact line, column and
// text.  One problem per job, so each line is read on its own.
#include <CppUTest/TestHarness.h>

#include <string>

#include "parser/config_parser.hpp"
#include "tests/parser/config_test_util.hpp"

using namespace pmtr;
using pmtr::test::job_with;

namespace {

// The job's line 4 is `body`; the expected diagnostic is on line 4.
std::string at4(const std::string& col_and_text) { return "FILE:4:" + col_and_text + "\n"; }

}  // namespace

TEST_GROUP(PolicyErrors){};

// ---- restart and once ----------------------------------------------------------

TEST(PolicyErrors, RestartValues) {
  CHECK_DIAGS(job_with(" restart\n"), at4("2: error: missing argument for 'restart' (always, on-failure or never)"));
  CHECK_DIAGS(job_with(" restart sometimes\n"),
              at4("10: error: invalid restart policy 'sometimes' (always, on-failure or never)"));
  CHECK_DIAGS(job_with(" restart on_failure\n"),
              at4("10: error: invalid restart policy 'on_failure' (did you mean 'on-failure'?)"));
  CHECK_DIAGS(job_with(" restart Always\n"), at4("10: error: invalid restart policy 'Always' (did you mean 'always'?)"));
  CHECK_DIAGS(job_with(" restart never now\n"), at4("16: error: extra argument 'now' for 'restart'"));
}

TEST(PolicyErrors, OnceWithRestartNamesBoth) {
  CHECK_DIAGS(job_with(" once\n restart never\n"),
              "FILE:5:2: error: 'restart' cannot be combined with 'once' (line 4): 'once' means 'restart never'\n");
  CHECK_DIAGS(job_with(" restart on-failure\n once\n"),
              "FILE:5:2: error: 'once' cannot be combined with 'restart' (line 4): 'once' means 'restart never'\n");
}

// ---- backoff -------------------------------------------------------------------------

TEST(PolicyErrors, BackoffShape) {
  CHECK_DIAGS(job_with(" backoff\n"), at4("2: error: missing argument for 'backoff' (as in 'backoff 1s to 5m')"));
  CHECK_DIAGS(job_with(" backoff 1s\n"),
              at4("12: error: expected 'to' after 'backoff 1s', got end of line (as in 'backoff 1s to 5m')"));
  CHECK_DIAGS(job_with(" backoff 1s ot 5m\n"),
              at4("13: error: expected 'to' after 'backoff 1s', got 'ot' (did you mean 'to'?)"));
  CHECK_DIAGS(job_with(" backoff 1s - 5m\n"),
              at4("13: error: expected 'to' after 'backoff 1s', got '-' (as in 'backoff 1s to 5m')"));
  CHECK_DIAGS(job_with(" backoff 1s to\n"),
              at4("15: error: missing maximum after 'backoff 1s to' (as in 'backoff 1s to 5m')"));
  CHECK_DIAGS(job_with(" backoff 1s to 5m 10m\n"), at4("19: error: extra argument '10m' for 'backoff'"));
}

TEST(PolicyErrors, BackoffValues) {
  CHECK_DIAGS(job_with(" backoff 5m to 1s\n"), at4("16: error: backoff maximum '1s' is below its minimum '5m'"));
  CHECK_DIAGS(job_with(" backoff 0s to 1s\n"), at4("10: error: backoff minimum must be positive"));
  CHECK_DIAGS(job_with(" backoff 1 to 5m\n"),
              at4("10: error: duration '1' has no unit (as in '1s'; units ms, s, m, h, d)"));
  CHECK_DIAGS(job_with(" backoff 1s to 31d\n"), at4("16: error: duration '31d' is too long (max 30d)"));
}

// ---- stable after ----------------------------------------------------------------------

TEST(PolicyErrors, StableAfter) {
  CHECK_DIAGS(job_with(" stable\n"),
              at4("2: error: missing argument for 'stable after' (as in 'stable after 30s')"));
  CHECK_DIAGS(job_with(" stable afer 30s\n"),
              at4("9: error: expected 'after' after 'stable', got 'afer' (did you mean 'after'?)"));
  CHECK_DIAGS(job_with(" stable 30s\n"),
              at4("9: error: expected 'after' after 'stable', got '30s' (as in 'stable after 30s')"));
  CHECK_DIAGS(job_with(" stable after\n"),
              at4("14: error: missing duration after 'stable after' (as in 'stable after 30s')"));
  CHECK_DIAGS(job_with(" stable after 0s\n"), at4("15: error: stable after must be positive"));
  CHECK_DIAGS(job_with(" stable after 1.0001s\n"),
              at4("15: error: duration '1.0001s' is not a whole number of milliseconds"));
}

// ---- give up ---------------------------------------------------------------------------

TEST(PolicyErrors, GiveUpShape) {
  CHECK_DIAGS(job_with(" give\n"),
              at4("2: error: missing argument for 'give up' (as in 'give up after 5 in 2m')"));
  CHECK_DIAGS(job_with(" give pu\n"), at4("7: error: expected 'up' after 'give', got 'pu' (did you mean 'up'?)"));
  CHECK_DIAGS(job_with(" give in\n"),
              at4("7: error: expected 'up' after 'give', got 'in' (as in 'give up after 5 in 2m')"));
  CHECK_DIAGS(job_with(" give up aftr 5 in 2m\n"),
              at4("10: error: expected 'after' after 'give up', got 'aftr' (did you mean 'after'?)"));
  CHECK_DIAGS(job_with(" give up after\n"),
              at4("15: error: missing count after 'give up after' (as in 'give up after 5 in 2m')"));
  CHECK_DIAGS(job_with(" give up after 5 ni 2m\n"),
              at4("18: error: expected 'in' after 'give up after 5', got 'ni' (did you mean 'in'?)"));
  CHECK_DIAGS(job_with(" give up after 5 in\n"),
              at4("20: error: missing duration after 'give up after 5 in' (as in 'give up after 5 in 2m')"));
}

TEST(PolicyErrors, GiveUpValues) {
  CHECK_DIAGS(job_with(" give up after 0 in 2m\n"), at4("16: error: invalid give up count '0' (an integer from 1 to 1000)"));
  CHECK_DIAGS(job_with(" give up after 1001 in 2m\n"),
              at4("16: error: invalid give up count '1001' (an integer from 1 to 1000)"));
  CHECK_DIAGS(job_with(" give up after five in 2m\n"),
              at4("16: error: invalid give up count 'five' (an integer from 1 to 1000)"));
  CHECK_DIAGS(job_with(" give up after 5 in 0s\n"), at4("21: error: give up window must be positive"));
  CHECK_DIAGS(job_with(" give up after 5 in 2m later\n"), at4("24: error: extra argument 'later' for 'give up'"));
}

// ---- stop signal, stop timeout ---------------------------------------------------------

TEST(PolicyErrors, StopNeedsSignalOrTimeout) {
  CHECK_DIAGS(job_with(" stop\n"),
              at4("2: error: missing argument for 'stop' (as in 'stop signal INT' or 'stop timeout 30s')"));
  CHECK_DIAGS(job_with(" stop sginal INT\n"),
              at4("7: error: expected 'signal' or 'timeout' after 'stop', got 'sginal' (did you mean 'signal'?)"));
  CHECK_DIAGS(job_with(" stop TERM\n"), at4("7: error: expected 'signal' or 'timeout' after 'stop', got 'TERM'"));
}

TEST(PolicyErrors, StopSignalValues) {
  CHECK_DIAGS(job_with(" stop signal\n"), at4("2: error: missing argument for 'stop signal' (as in 'stop signal INT')"));
  CHECK_DIAGS(job_with(" stop signal TREM\n"), at4("14: error: unknown signal 'TREM' (did you mean 'TERM'?)"));
  CHECK_DIAGS(job_with(" stop signal 0\n"), at4("14: error: invalid signal number '0' (1 to 64)"));
  CHECK_DIAGS(job_with(" stop signal INT TERM\n"), at4("18: error: extra argument 'TERM' for 'stop signal'"));
}

TEST(PolicyErrors, StopTimeoutValues) {
  CHECK_DIAGS(job_with(" stop timeout\n"),
              at4("2: error: missing argument for 'stop timeout' (as in 'stop timeout 30s')"));
  CHECK_DIAGS(job_with(" stop timeout 30\n"),
              at4("15: error: duration '30' has no unit (as in '30s'; units ms, s, m, h, d)"));
  CHECK_DIAGS(job_with(" stop timeout 30 s\n"), at4("15: error: duration '30' has no unit (write '30s', without a space)"));
  CHECK_DIAGS(job_with(" stop timeout 30s x\n"), at4("19: error: extra argument 'x' for 'stop timeout'"));
}

TEST(PolicyErrors, StopSignalAndTimeoutEachOnce) {
  CHECK_DIAGS(job_with(" stop signal INT\n stop timeout 5s\n stop signal HUP\n"),
              "FILE:6:2: error: duplicate option 'stop signal' (first set at line 4)\n");
  CHECK_DIAGS(job_with(" stop timeout 5s\n stop signal INT\n stop timeout 6s\n"),
              "FILE:6:2: error: duplicate option 'stop timeout' (first set at line 4)\n");
}

// ---- ready fd, ready timeout, wait ready -----------------------------------------------

TEST(PolicyErrors, ReadyNeedsFdOrTimeout) {
  CHECK_DIAGS(job_with(" ready\n"),
              at4("2: error: missing argument for 'ready' (as in 'ready fd 3' or 'ready timeout 1m')"));
  CHECK_DIAGS(job_with(" ready df 3\n"),
              at4("8: error: expected 'fd' or 'timeout' after 'ready', got 'df' (did you mean 'fd'?)"));
}

TEST(PolicyErrors, ReadyFdValues) {
  const std::string range = " (an integer from 3 to 1023; 0, 1 and 2 are the job's stdin, stdout and stderr)";
  CHECK_DIAGS(job_with(" ready fd\n"), at4("2: error: missing argument for 'ready fd' (as in 'ready fd 3')"));
  CHECK_DIAGS(job_with(" ready fd 2\n"), at4("11: error: invalid ready fd '2'" + range));
  CHECK_DIAGS(job_with(" ready fd 1024\n"), at4("11: error: invalid ready fd '1024'" + range));
  CHECK_DIAGS(job_with(" ready fd three\n"), at4("11: error: invalid ready fd 'three'" + range));
  CHECK_DIAGS(job_with(" ready fd 3\n ready fd 4\n"), "FILE:5:2: error: duplicate option 'ready fd' (first set at line 4)\n");
}

TEST(PolicyErrors, ReadyTimeoutValues) {
  CHECK_DIAGS(job_with(" ready fd 3\n ready timeout 0s\n"), "FILE:5:16: error: ready timeout must be positive\n");
  CHECK_DIAGS(job_with(" ready fd 3\n ready timeout\n"),
              "FILE:5:2: error: missing argument for 'ready timeout' (as in 'ready timeout 1m')\n");
  CHECK_DIAGS(job_with(" ready fd 3\n ready timeout 1m\n ready timeout 2m\n"),
              "FILE:6:2: error: duplicate option 'ready timeout' (first set at line 5)\n");
}

TEST(PolicyErrors, ReadyTimeoutWithoutReadyFd) {
  CHECK_DIAGS(job_with(" ready timeout 1m\n"), at4("2: error: 'ready timeout' needs a 'ready fd' in the same job"));
  // A rejected fd still counts as given: one error, not two.
  CHECK_DIAGS(job_with(" ready timeout 1m\n ready fd 1\n"),
              "FILE:5:11: error: invalid ready fd '1' (an integer from 3 to 1023; 0, 1 and 2 are the job's stdin, "
              "stdout and stderr)\n");
}

TEST(PolicyErrors, WaitReadyWithoutReadyFd) {
  CHECK_DIAGS(job_with(" wait ready\n"),
              at4("2: error: 'wait ready' needs a 'ready fd' in the same job (without it the job never signals "
                  "readiness)"));
  // In another job does not count.
  CHECK_DIAGS(job_with(" ready fd 3\n", "a") + job_with(" wait ready\n", "b"),
              "FILE:9:2: error: 'wait ready' needs a 'ready fd' in the same job (without it the job never signals "
              "readiness)\n");
}

TEST(PolicyErrors, WaitShapes) {
  CHECK_DIAGS(job_with(" wait ready now\n"), at4("13: error: extra argument 'now' for 'wait ready'"));
  CHECK_DIAGS(job_with(" wait raedy\n"), at4("7: error: extra argument 'raedy' for 'wait' (did you mean 'wait ready'?)"));
  CHECK_DIAGS(job_with(" wait\n ready fd 3\n wait ready\n"), "FILE:6:2: error: duplicate option 'wait' (first set at line 4)\n");
}

TEST(PolicyErrors, ReadinessIsNotCheckedInAnUnterminatedJob) {
  // The fd may be below the cut: only the missing '}' is reported.
  CHECK_DIAGS("job {\n name a\n cmd /x\n wait ready\n",
              "FILE:1:1: error: unterminated job block (missing '}' at end of file)\n");
}

TEST(PolicyErrors, MessagesQuotingLongWordsStayShort) {
  // Words are quoted cut to 64 bytes, whatever the message builds from them.
  const std::string digits(4000, '7');
  for (const std::string& body : {" stop timeout " + digits + "\n", " stop timeout " + digits + " s\n",
                                  " backoff " + digits + "s to 1s\n", " backoff 1s to" + std::string(" x") + "\n",
                                  " stop signal " + digits + "x\n", " restart " + digits + "\n",
                                  " give up after " + digits + " in 1s\n", " ready fd " + digits + "\n"}) {
    const ParsedConfig c = parse_config(job_with(body));
    LONGS_EQUAL(1, c.errors());
    for (const auto& d : c.diagnostics) CHECK_TRUE_TEXT(d.text.size() < 300, d.text.c_str());
  }
}

TEST(PolicyErrors, EveryProblemOfAJobInOnePass) {
  CHECK_DIAGS(job_with(" restart sometimes\n backoff 5m to 1s\n stop signal TREM\n ready fd 0\n"),
              "FILE:4:10: error: invalid restart policy 'sometimes' (always, on-failure or never)\n"
              "FILE:5:16: error: backoff maximum '1s' is below its minimum '5m'\n"
              "FILE:6:14: error: unknown signal 'TREM' (did you mean 'TERM'?)\n"
              "FILE:7:11: error: invalid ready fd '0' (an integer from 3 to 1023; 0, 1 and 2 are the job's stdin, "
              "stdout and stderr)\n");
}
