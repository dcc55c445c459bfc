// The job table: lookups by name and pid, start order, and the view of the
// configuration that a new parser is handed.
#include "monitor/job_table.hpp"

#include <string>
#include <vector>

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

JobDesc job(const std::string& name, int32_t order = 0) {
  JobDesc j;
  j.name = name;
  j.argv = {"/bin/" + name};
  j.order = order;
  return j;
}

std::string names(const std::vector<Job*>& v) {
  std::string s;
  for (const Job* j : v) s += j->name + " ";
  return s;
}

std::string names(const std::vector<JobDesc>& v) {
  std::string s;
  for (const JobDesc& d : v) s += d.name + " ";
  return s;
}

}  // namespace

TEST_GROUP(JobTable) {
  JobTable t;
  // A defined job, as the Supervisor leaves one after `added` (the state
  // itself is the transition table's business, tested in JobFsm).
  Job& add(JobDesc d, uint32_t index) {
    Job& j = t.create(d.name, index);
    j.set_definition(std::move(d));
    j.state = JobState::Waiting;
    return j;
  }
};

TEST(JobTable, AddThenFind) {
  Job& a = add(job("a"), 3);
  CHECK_EQUAL(1u, t.size());
  POINTERS_EQUAL(&a, t.find("a"));
  STRCMP_EQUAL("a", a.name.c_str());
  CHECK_EQUAL(3u, a.index);
  CHECK_EQUAL(-1, a.pid);
  POINTERS_EQUAL(nullptr, t.find("b"));
  POINTERS_EQUAL(nullptr, t.find(""));
}

TEST(JobTable, CreatedJobIsAbsentAndNotDefinedUntilGivenAState) {
  Job& a = t.create("a", 0);
  CHECK(a.state == JobState::Absent);
  CHECK_FALSE(t.is_defined("a"));
  CHECK_EQUAL(0u, t.defined_count());
  POINTERS_EQUAL(&a, t.find("a"));
}

TEST(JobTable, FindTakesAStringView) {
  add(job("abc"), 0);
  const std::string longer = "abcdef";
  POINTERS_EQUAL(t.find("abc"), t.find(std::string_view(longer).substr(0, 3)));
}

TEST(JobTable, EraseRemovesTheJobAndItsPid) {
  Job& a = add(job("a"), 0);
  add(job("b"), 1);
  t.set_pid(a, 1234);
  t.erase("a");
  POINTERS_EQUAL(nullptr, t.find("a"));
  POINTERS_EQUAL(nullptr, t.find_pid(1234));
  CHECK_EQUAL(1u, t.size());
  CHECK(t.find("b") != nullptr);
  t.erase("nothing");   // no-op
  CHECK_EQUAL(1u, t.size());
}

TEST(JobTable, SetPidKeepsThePidIndexCurrent) {
  Job& a = add(job("a"), 0);
  Job& b = add(job("b"), 1);
  t.set_pid(a, 100);
  t.set_pid(b, 200);
  POINTERS_EQUAL(&a, t.find_pid(100));
  POINTERS_EQUAL(&b, t.find_pid(200));
  CHECK_EQUAL(100, a.pid);
  // A restart: new pid, old one forgotten.
  t.set_pid(a, 101);
  POINTERS_EQUAL(nullptr, t.find_pid(100));
  POINTERS_EQUAL(&a, t.find_pid(101));
  // Reaped: -1 clears.
  t.set_pid(a, -1);
  CHECK_EQUAL(-1, a.pid);
  POINTERS_EQUAL(nullptr, t.find_pid(101));
  POINTERS_EQUAL(nullptr, t.find_pid(-1));
  POINTERS_EQUAL(nullptr, t.find_pid(0));
  POINTERS_EQUAL(&b, t.find_pid(200));
}

// A job re-added under a name still in the table (the old process still
// stopping) must not leave the pid index pointing at a destroyed Job.
TEST(JobTable, AddOverAnExistingNameLeavesNoDanglingPid) {
  Job& old = add(job("a"), 0);
  t.set_pid(old, 4242);
  add(job("a"), 1);
  Job* by_pid = t.find_pid(4242);
  Job* by_name = t.find("a");
  CHECK(by_name != nullptr);
  // Either the pid is forgotten, or it still maps to a live job that has it.
  CHECK_TEXT(by_pid == nullptr || (by_pid == by_name && by_name->pid == 4242),
             "find_pid returns a pointer to a job no longer in the table");
}

TEST(JobTable, StartOrderIsOrderThenFileIndex) {
  // Added out of file order on purpose.
  add(job("e", 0), 4);
  add(job("c", 1), 2);
  add(job("a", 2), 0);
  add(job("b", 0), 1);
  add(job("d", -5), 3);
  STRCMP_EQUAL("d b e c a ", names(t.start_order()).c_str());
}

TEST(JobTable, StartOrderTiesKeepFileOrder) {
  for (uint32_t i = 0; i < 20; ++i) add(job("j" + std::to_string(19 - i)), 19 - i);
  std::string expected;
  for (int i = 0; i < 20; ++i) expected += "j" + std::to_string(i) + " ";
  STRCMP_EQUAL(expected.c_str(), names(t.start_order()).c_str());
}

TEST(JobTable, StartOrderFollowsAddEraseAndMarkedChanges) {
  add(job("a", 1), 0);
  add(job("b", 2), 1);
  STRCMP_EQUAL("a b ", names(t.start_order()).c_str());
  add(job("c", 0), 2);
  STRCMP_EQUAL("c a b ", names(t.start_order()).c_str());
  t.erase("a");
  STRCMP_EQUAL("c b ", names(t.start_order()).c_str());
  t.find("b")->order = -1;
  t.mark_order_dirty();
  STRCMP_EQUAL("b c ", names(t.start_order()).c_str());
}

TEST(JobTable, DefinitionsAreInFileOrder) {
  add(job("c"), 2);
  add(job("a"), 0);
  add(job("b", -3), 1);
  STRCMP_EQUAL("a b c ", names(t.definitions()).c_str());
}

TEST(JobTable, DefinitionsLeaveOutAJobStoppingForRemoval) {
  add(job("a"), 0);
  Job& b = add(job("b"), 1);
  add(job("c"), 2);
  b.state = JobState::StoppingRemove;
  STRCMP_EQUAL("a c ", names(t.definitions()).c_str());
  CHECK_FALSE(t.is_defined("b"));
  CHECK(t.is_defined("a"));
  CHECK_EQUAL(2u, t.defined_count());
  CHECK_EQUAL(3u, t.size());
  // Still findable: its process has to be reaped.
  POINTERS_EQUAL(&b, t.find("b"));
}

TEST(JobTable, StoppingForOtherReasonsIsStillDefined) {
  const JobState others[] = {JobState::StoppingRestart, JobState::StoppingDelay, JobState::StoppingHold,
                             JobState::StoppingDisable, JobState::StoppingDone, JobState::Stopped,
                             JobState::Failed};
  uint32_t i = 0;
  for (JobState st : others) {
    add(job("j" + std::to_string(i)), i).state = st;
    ++i;
  }
  CHECK_EQUAL(i, t.defined_count());
  for (uint32_t k = 0; k < i; ++k) CHECK(t.is_defined("j" + std::to_string(k)));
  CHECK_EQUAL(i, t.definitions().size());
}

TEST(JobTable, DefinitionsShowThePendingDefinitionWhenSet) {
  Job& a = add(job("a"), 0);
  add(job("b"), 1);
  JobDesc next = job("a");
  next.argv = {"/bin/new"};
  a.pending = std::make_unique<JobDesc>(next);
  const auto defs = t.definitions();
  CHECK_EQUAL(2u, defs.size());
  STRCMP_EQUAL("/bin/new", defs[0].argv.at(0).c_str());
  STRCMP_EQUAL("/bin/a", a.descriptor()->argv.at(0).c_str());
}

// The definition is stored encoded and comes back whole (positions aside,
// which are diagnostics only); the fields the supervisor reads every turn
// are kept decoded beside it.
TEST(JobTable, StoredDefinitionDecodesToTheSameJob) {
  JobDesc d = job("full", 7);
  d.argv = {"/bin/sh", "-c", "exec sleep 1000"};
  d.dir = "/tmp";
  d.in = "in";
  d.out = "out.log";
  d.err = "/var/log/err.log";
  d.user = "nobody";
  d.env = {"A=1", "B=two words"};
  d.has_nice = true;
  d.nice = -5;
  d.cpus = {0, 3};
  d.ulimits = {{7, 64}, {9, 1u << 20}};
  d.bounce_seconds = 90;
  d.depends = {"/etc/a.conf", "/etc/b.conf"};
  d.wait = true;
  d.once = true;
  d.pos = {12, 1};   // not stored
  Job& j = add(d, 0);
  auto back = j.descriptor();
  CHECK(back.ok());
  CHECK(same_definition(d, *back));
  CHECK_EQUAL(0u, back->pos.line);
  STRCMP_EQUAL("full", j.name.c_str());
  CHECK_EQUAL(7, j.order);
  CHECK_EQUAL(90u, j.bounce_seconds);
  CHECK(j.wait && j.once && !j.disabled);
  CHECK(j.depends == d.depends);
}

TEST(JobTable, SetDefinitionReplacesEverythingButTheName) {
  Job& j = add(job("a", 1), 0);
  JobDesc next = job("a", -2);
  next.argv = {"/bin/next"};
  next.disabled = true;
  next.depends = {"/etc/x"};
  j.set_definition(next);
  STRCMP_EQUAL("a", j.name.c_str());
  CHECK_EQUAL(-2, j.order);
  CHECK(j.disabled);
  CHECK(j.depends == next.depends);
  STRCMP_EQUAL("/bin/next", j.descriptor()->argv.at(0).c_str());
  POINTERS_EQUAL(&j, t.find("a"));
}

TEST(JobTable, ReAddingANameReplacesTheJobAndItsKey) {
  Job& first = add(job("a-name-longer-than-sso-buffer"), 0);
  t.set_pid(first, 4242);
  Job& second = add(job("a-name-longer-than-sso-buffer", 5), 1);   // create() over an existing name
  CHECK_EQUAL(1u, t.size());
  POINTERS_EQUAL(&second, t.find("a-name-longer-than-sso-buffer"));
  POINTERS_EQUAL(nullptr, t.find_pid(4242));
  CHECK_EQUAL(5, second.order);
}

TEST(JobTable, IsDefinedAndCountOnAnEmptyTable) {
  CHECK_FALSE(t.is_defined("a"));
  CHECK_EQUAL(0u, t.defined_count());
  CHECK(t.definitions().empty());
  CHECK(t.start_order().empty());
}

TEST(JobTable, ForEachVisitsEveryJob) {
  add(job("a"), 0);
  add(job("b"), 1);
  std::string seen;
  t.for_each([&](Job& j) { seen += j.name; });
  CHECK(seen == "ab" || seen == "ba");
}
