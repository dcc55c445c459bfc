// How pmtr finds pmtr-parser, end to end (issue 11, finding 7): a program
// named pmtr-parser beside pmtr used to be exec'd as root after an X_OK
// check.  Now one that someone else could have put there is never run.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/substitute_parser.hpp"
#include "tests/support/test_user.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

TEST_GROUP(ParserProgramChoice) {
  TestUser user{"exe"};
  SubstituteParser sub;
  TempDir dir;
  std::string conf;
  void setup() override {
    conf = dir.file("pmtr.conf");
    write_file(conf, "job {\n  name a\n  cmd /bin/sleep 1341\n}\n");
    // If the substitute ever runs, it says so on its stderr, which the
    // foreground monitor forwards to the log.
    sub.stderr_text("SUBSTITUTE PARSER RAN\n");
  }
};

// The substitute beside pmtr belongs to a user: pmtr passes it over with a
// warning naming why, and uses (or, here without an installed one, fails
// for lack of) the installed parser.  The user's program never runs.
TEST(ParserProgramChoice, SiblingOwnedByAUserIsNeverRun) {
  PMTR_REQUIRE_ROOT();
  CHECK_TEXT(user.ok(), user.error().c_str());
  CHECK(sub.ok());
  CHECK_EQUAL(0, chown((sub.dir() + "/pmtr-parser").c_str(), user.uid(), user.gid()));
  Pmtr pmtr(sub.pmtr(), conf, {}, {});
  CHECK(pmtr.wait_log("not running " + sub.dir() + "/pmtr-parser: " + sub.dir() + "/pmtr-parser is owned by uid " +
                          std::to_string(user.uid()) + ", not root",
                      5000ms));
  // Either there is no installed parser and pmtr stops at once ("no
  // pmtr-parser to trust"), or pmtr names the installed one it runs instead
  // (which may be of another build and never start the job: the host's
  // business, not this test's).  In no case did the user's program run.
  CHECK(poll_until([&] { return pmtr.count_log("/pmtr-parser instead") > 0 || pmtr.wait_exit(0ms) != -1; }, 5000ms));
  if (pmtr.exited()) CHECK(pmtr.count_log("no pmtr-parser to trust: not running ") == 1);
  else if (pmtr.count_log("started job a") == 0) pmtr.wait_job("a", 2000ms);   // time for a substitute to speak
  CHECK_EQUAL(0, pmtr.count_log("SUBSTITUTE PARSER RAN"));
}

// The same file owned by root, in a directory only root can write: trusted
// (this is how the test suite runs build/pmtr with build/pmtr-parser).
TEST(ParserProgramChoice, SiblingOwnedByRootIsRun) {
  PMTR_REQUIRE_ROOT();
  CHECK(sub.ok());
  sub.mode("serve a /bin/sleep 1342");
  Pmtr pmtr(sub.pmtr(), conf, {}, {});
  CHECK(pmtr.wait_job("a", 5000ms) > 0);
  CHECK(pmtr.wait_log("SUBSTITUTE PARSER RAN", 5000ms));
  CHECK_EQUAL(0, pmtr.count_log("not running "));
  CHECK(pmtr.stop(5000ms) != -1);
}
