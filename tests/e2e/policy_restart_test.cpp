// `restart on-failure` and `restart never` through the real pmtr: under
// on-failure a clean exit (status 0) ends the job and a failure (non-zero
// status, death by a signal) restarts it; under never nothing restarts it.
#include <string>

#include "tests/support/control_client.hpp"
#include "tests/support/e2e_harness.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

std::string state_of(const Pmtr& p, const std::string& name) {
  const CtlExchange x = ctl(p.control_socket(), CtlStatusRequest{{name}});
  const JobStatus* s = find_status(x, name);
  return s ? public_state_name(s->state) : "?";
}

const std::string kFast = "  backoff 100ms to 100ms\n";

}  // namespace

TEST_GROUP(PolicyRestart) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(PolicyRestart, OnFailureRestartsAFailureButNotACleanExit) {
  write_file(conf, job("clean", "/bin/sh -c \"exit 0\"", "  restart on-failure\n" + kFast) +
                       job("failing", "/bin/sh -c \"exit 1\"", "  restart on-failure\n" + kFast) +
                       job("killed", "/bin/sh -c \"kill -KILL $$\"", "  restart on-failure\n" + kFast));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("job clean will not be restarted (clean exit under restart on-failure)", 5000ms));
  // Restarted after each failure, the exit status or the signal named.
  CHECK(pmtr.wait_log("started job failing [", 5000ms, 3));
  CHECK(pmtr.wait_log("started job killed [", 5000ms, 3));
  CHECK(pmtr.count_log("exit status 1; restart 2 in 100 ms") >= 1);
  CHECK(pmtr.count_log("signal 9 (Killed); restart 2 in 100 ms") >= 1);
  // Three starts of the others are thirty times the delay clean would
  // have had.
  CHECK_EQUAL(1, pmtr.count_log("started job clean ["));
  STRCMP_EQUAL("done", state_of(pmtr, "clean").c_str());
  CHECK_EQUAL(0, pmtr.count_log("job failing will not be restarted"));
  CHECK_EQUAL(0, pmtr.count_log("job killed will not be restarted"));
}

TEST(PolicyRestart, NeverRestartsNeitherAFailureNorACleanExit) {
  write_file(conf, job("fails", "/bin/sh -c \"exit 1\"", "  restart never\n" + kFast) +
                       job("ends", "/bin/sh -c \"exit 0\"", "  restart never\n" + kFast) +
                       job("pace", "/bin/sh -c \"exit 1\"", kFast));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("job fails will not be restarted (restart never)", 5000ms));
  CHECK(pmtr.wait_log("job ends will not be restarted (restart never)", 5000ms));
  // The default policy, beside them, restarts twice meanwhile.
  CHECK(pmtr.wait_log("started job pace [", 5000ms, 3));
  CHECK_EQUAL(1, pmtr.count_log("started job fails ["));
  CHECK_EQUAL(1, pmtr.count_log("started job ends ["));
  STRCMP_EQUAL("done", state_of(pmtr, "fails").c_str());
  STRCMP_EQUAL("done", state_of(pmtr, "ends").c_str());
  CHECK_EQUAL(0, pmtr.count_log("job fails restarting too fast"));
}
