// Who may do what on the control socket, from the config's own lines:
// `control status users`, `control operate users`, and a job's
// `operators` (a user, or a group as @name).  Each right is checked for
// the user who has it and refused, naming it, to one who has not.
#include <signal.h>
#include <unistd.h>

#include <string>

#include "tests/support/control_client.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_user.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

CtlExchange as(const TestUser& u, const Pmtr& p, const CtlRequest& r) {
  return ctl_as(u.uid(), u.gid(), u.group_ids(), p.control_socket(), r);
}

}  // namespace

TEST_GROUP(ControlRights) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

// `operators` names one user for web and a group for db: each may stop
// and start its own job and no other; neither may reload.
TEST(ControlRights, AJobsOperatorsOperateThatJobOnly) {
  PMTR_REQUIRE_ROOT();
  TestUser alice("opa");
  TestUser bob("opb", {"opg"});
  CHECK_TEXT(alice.ok(), alice.error().c_str());
  CHECK_TEXT(bob.ok(), bob.error().c_str());
  write_file(conf, job("web", "/bin/sleep 1611", "  operators " + alice.name() + "\n") +
                       job("db", "/bin/sleep 1612", "  operators @" + bob.groups().at(0) + "\n"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);
  const pid_t db = pmtr.wait_job("db", 5000ms);
  CHECK(web > 0 && db > 0);

  const CtlExchange stop_web = as(alice, pmtr, CtlOperate{CtlType::Stop, {"web"}});
  CHECK_TEXT(stop_web.complete && stop_web.code == CtlCode::Ok, stop_web.error.c_str());
  CHECK(poll_until([&] { return !process_alive(web); }, 5000ms));
  const CtlExchange stop_db = as(alice, pmtr, CtlOperate{CtlType::Stop, {"db"}});
  CHECK(stop_db.code == CtlCode::Denied);
  STRCMP_EQUAL("operate db", stop_db.subject.c_str());
  CHECK(process_alive(db));

  const CtlExchange restart_db = as(bob, pmtr, CtlOperate{CtlType::Restart, {"db"}});
  CHECK_TEXT(restart_db.complete && restart_db.code == CtlCode::Ok, restart_db.error.c_str());
  CHECK(poll_until([&] { return pmtr.job_pid("db") != db && pmtr.job_pid("db") > 0; }, 5000ms));
  const CtlExchange start_web = as(bob, pmtr, CtlOperate{CtlType::Start, {"web"}});
  CHECK(start_web.code == CtlCode::Denied);
  STRCMP_EQUAL("operate web", start_web.subject.c_str());

  CHECK(as(alice, pmtr, CtlReload{}).code == CtlCode::Denied);
  CHECK(as(bob, pmtr, CtlReload{}).code == CtlCode::Denied);
  const CtlExchange start_own = as(alice, pmtr, CtlOperate{CtlType::Start, {"web"}});
  CHECK(start_own.code == CtlCode::Ok);
  CHECK(pmtr.wait_log("started job web", 5000ms, 2));
}

// `control status users` and `control operate users` replace the
// defaults (everyone reads, nobody but root operates), and a reload that
// changes them applies at once.
TEST(ControlRights, ControlStatusAndOperateNameWhoMay) {
  PMTR_REQUIRE_ROOT();
  TestUser ops("opo");
  TestUser other("opx");
  CHECK_TEXT(ops.ok(), ops.error().c_str());
  CHECK_TEXT(other.ok(), other.error().c_str());
  const std::string rules = "control status users " + ops.name() + "\ncontrol operate users " + ops.name() + "\n";
  write_file(conf, rules + job("web", "/bin/sleep 1613"));
  Pmtr pmtr(conf);
  CHECK(wait_listening(pmtr));
  const pid_t web = pmtr.wait_job("web", 5000ms);

  const CtlExchange denied = as(other, pmtr, CtlStatusRequest{});
  CHECK(denied.code == CtlCode::Denied);
  STRCMP_EQUAL("status", denied.subject.c_str());
  const CtlExchange read = as(ops, pmtr, CtlStatusRequest{});
  CHECK_TEXT(read.complete, read.error.c_str());
  CHECK_EQUAL(1u, read.jobs.size());
  const CtlExchange restart = as(ops, pmtr, CtlOperate{CtlType::Restart, {"web"}});
  CHECK(restart.code == CtlCode::Ok);
  CHECK(poll_until([&] { return pmtr.job_pid("web") != web; }, 5000ms));

  // Back to the defaults: everyone reads again, the operator no longer operates.
  write_file(conf, job("web", "/bin/sleep 1613"));
  CHECK(ctl(pmtr.control_socket(), CtlReload{}, 10000ms).code == CtlCode::Ok);
  CHECK(poll_until([&] { return as(other, pmtr, CtlStatusRequest{}).complete; }, 5000ms));
  CHECK(as(ops, pmtr, CtlOperate{CtlType::Stop, {"web"}}).code == CtlCode::Denied);
}
