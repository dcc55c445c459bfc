// `give up after N in T` through the real pmtr: the Nth quick exit within
// T leaves the job `failed`, with no further restarts, until an operator
// starts it (with a fresh history) or its definition changes.
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

std::string config(const std::string& extra) {
  return "job {\n  name gu\n  cmd /bin/sh -c \"exit 1\"\n  backoff 100ms to 100ms\n  give up after 3 in 1m\n" +
         extra + "}\n" + "job {\n  name steady\n  cmd /bin/sleep 3101\n}\n";
}

}  // namespace

TEST_GROUP(PolicyGiveUp) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(PolicyGiveUp, ThirdQuickExitFailsTheJobUntilStartedOrChanged) {
  write_file(conf, config(""));
  Pmtr pmtr(conf);
  const pid_t steady = pmtr.wait_job("steady", 5000ms);
  CHECK(steady > 0);
  CHECK(pmtr.wait_log("exit status 1; giving up", 5000ms));
  CHECK(pmtr.wait_log("job gu gave up after 3 quick exits within 60 s; it stays down until started or changed",
                      1000ms));
  CHECK_EQUAL(2, pmtr.count_log("job gu restarting too fast, delaying restart 100 ms"));
  STRCMP_EQUAL("failed", state_of(pmtr, "gu").c_str());
  // Ten backoff delays later, still down.
  CHECK_FALSE(pmtr.wait_log("started job gu [", 1000ms, 4));
  CHECK_EQUAL(3, pmtr.count_log("started job gu ["));
  STRCMP_EQUAL("failed", state_of(pmtr, "gu").c_str());

  // An operator's start: three more tries, not one (the history is
  // cleared), then failed again.
  CHECK(ctl(pmtr.control_socket(), CtlOperate{CtlType::Start, {"gu"}}).code == CtlCode::Ok);
  CHECK(pmtr.wait_log("; giving up", 5000ms, 2));
  CHECK_EQUAL(6, pmtr.count_log("started job gu ["));
  STRCMP_EQUAL("failed", state_of(pmtr, "gu").c_str());

  // A change of its definition: a new job as far as history goes.
  write_file(conf, config("  env CHANGED=1\n"));
  CHECK(pmtr.wait_log("; giving up", 5000ms, 3));
  CHECK_EQUAL(9, pmtr.count_log("started job gu ["));
  CHECK_FALSE(pmtr.wait_log("started job gu [", 500ms, 10));
  CHECK_EQUAL(steady, pmtr.job_pid("steady"));
  CHECK(process_alive(steady));
}
