// parser/job_key_table.{hpp,cpp}: the flat table the parser keeps between
// parses, its per-diff name index, and the definition digest.
#include "parser/job_key_table.hpp"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "common/limits.hpp"
#include "common/messages.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

DefinitionDigest digest_of(const std::string& seed) { return digest_definition_key(seed); }

JobDesc sleeper(const std::string& name, const std::string& arg = "1") {
  JobDesc j;
  j.name = name;
  j.argv = {"/bin/sleep", arg};
  return j;
}

// A job with every field away from its default, long strings included.
JobDesc everything() {
  JobDesc j = sleeper("everything");
  j.argv.push_back(std::string(3000, 'a'));
  j.dir = "/srv/app";
  j.in = "in.txt";
  j.out = "/var/log/app.out";
  j.err = "err.log";
  j.user = "nobody";
  j.env = {"A=1", "B=" + std::string(limits::kStringBytes - 2, 'b'), "C="};
  j.has_nice = true;
  j.nice = -20;
  j.cpus = {0, 1, 1023};
  j.ulimits = {Ulimit{7, 1024}, Ulimit{9, ~uint64_t{0}}};
  j.bounce_seconds = limits::kBounceSecondsMax;
  j.depends = {"/etc/app.conf", "/etc/other"};
  j.order = -7;
  j.wait = true;
  j.once = true;
  j.disabled = true;
  j.pos = {10, 1};
  j.cmd_pos = {12, 3};
  j.dir_pos = {13, 3};
  j.user_pos = {14, 3};
  return j;
}

}  // namespace

TEST_GROUP(JobKeyTable){};

TEST(JobKeyTable, EmptyTableHoldsNothing) {
  JobKeyTable t;
  CHECK(t.empty());
  CHECK_EQUAL(0u, t.size());
  CHECK_EQUAL(0u, t.heap_bytes());
  CHECK_EQUAL(JobKeyTable::npos, JobKeyIndex(t).find("a"));
  CHECK_EQUAL(JobKeyTable::npos, JobKeyIndex(t).find(""));
}

TEST(JobKeyTable, NamesAndDigestsComeBackInOrder) {
  JobKeyTable t;
  const std::vector<std::string> names = {"a", "job1", "job10", "job100", "x y"};
  for (const auto& n : names) t.add(n, digest_of(n));
  CHECK_EQUAL(names.size(), t.size());
  for (size_t i = 0; i < names.size(); ++i) {
    STRCMP_EQUAL(names[i].c_str(), std::string(t.name(i)).c_str());
    CHECK(t.digest(i) == digest_of(names[i]));
  }
}

TEST(JobKeyTable, IndexFindsEveryNameAndNothingElse) {
  JobKeyTable t;
  const std::vector<std::string> names = {"job1", "job10", "job100", "j", "a-b.c_d"};
  for (const auto& n : names) t.add(n, digest_of(n));
  const JobKeyIndex index(t);
  for (size_t i = 0; i < names.size(); ++i) CHECK_EQUAL(i, index.find(names[i]));
  // Prefixes, extensions and case variants of present names are absent.
  for (const char* absent : {"job", "job1000", "JOB1", "", "a-b.c_", "jj"})
    CHECK_EQUAL(JobKeyTable::npos, index.find(absent));
}

TEST(JobKeyTable, ManyNamesAllFoundDespiteCollisions) {
  JobKeyTable t;
  const size_t n = 20000;
  for (size_t i = 0; i < n; ++i) t.add("j" + std::to_string(i), digest_of(std::to_string(i)));
  const JobKeyIndex index(t);
  for (size_t i = 0; i < n; ++i) CHECK_EQUAL(i, index.find("j" + std::to_string(i)));
  CHECK_EQUAL(JobKeyTable::npos, index.find("j" + std::to_string(n)));
}

TEST(JobKeyTable, LongNamesKeepTheirExactBounds) {
  // Longer than a std::string keeps inline, up to the language's cap, and
  // beyond it (the table itself has no cap of its own).
  JobKeyTable t;
  const std::vector<std::string> names = {std::string(16, 'a'), std::string(limits::kNameBytes, 'b'),
                                          std::string(limits::kNameBytes - 1, 'b'), "c",
                                          std::string(5000, 'd')};
  for (const auto& n : names) t.add(n, digest_of(n));
  const JobKeyIndex index(t);
  for (size_t i = 0; i < names.size(); ++i) {
    CHECK_EQUAL(names[i].size(), t.name(i).size());
    CHECK(t.name(i) == names[i]);
    CHECK_EQUAL(i, index.find(names[i]));
  }
  CHECK_EQUAL(JobKeyTable::npos, index.find(std::string(limits::kNameBytes + 1, 'b')));
}

TEST(JobKeyTable, ARepeatedNameFindsItsFirstEntry) {
  JobKeyTable t;
  t.add("a", digest_of("1"));
  t.add("b", digest_of("2"));
  t.add("a", digest_of("3"));
  CHECK_EQUAL(0u, JobKeyIndex(t).find("a"));
  CHECK_EQUAL(1u, JobKeyIndex(t).find("b"));
}

TEST(JobKeyTable, ReserveForAKnownSizeLeavesNoSlack) {
  JobKeyTable t;
  const size_t n = 1000;
  t.reserve(n, n * 7);
  for (size_t i = 0; i < n; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "job%04zu", i);
    t.add(name, digest_of(name));
  }
  // One block of names (and its terminator), 20 bytes an entry.
  CHECK_EQUAL(n * 7 + 1 + n * 20, t.heap_bytes());
}

TEST(JobKeyTable, ShrinkToFitDropsTheGrowthSlack) {
  JobKeyTable t;
  for (int i = 0; i < 1000; ++i) t.add("job" + std::to_string(i), digest_of(std::to_string(i)));
  size_t name_bytes = 0;
  for (size_t i = 0; i < t.size(); ++i) name_bytes += t.name(i).size();
  t.shrink_to_fit();
  CHECK_EQUAL(name_bytes + 1 + 1000 * 20, t.heap_bytes());
  CHECK(t.name(999) == "job999");
}

TEST(JobKeyTable, ClearFreesEverything) {
  JobKeyTable t;
  for (int i = 0; i < 100; ++i) t.add("a-rather-long-job-name-" + std::to_string(i), digest_of("x"));
  CHECK(t.heap_bytes() > 0);
  t.clear();
  CHECK(t.empty());
  CHECK_EQUAL(0u, t.heap_bytes());
  t.add("again", digest_of("y"));
  CHECK(t.name(0) == "again");
}

TEST(JobKeyTable, MoveAssignmentReplacesTheTable) {
  // What the parser does after each transaction: the new table replaces
  // the old one whole.
  JobKeyTable current;
  current.add("old1", digest_of("1"));
  current.add("old2", digest_of("2"));
  JobKeyTable next;
  next.reserve(1, 3);
  next.add("new", digest_of("3"));
  current = std::move(next);
  CHECK_EQUAL(1u, current.size());
  CHECK(current.name(0) == "new");
  CHECK(current.digest(0) == digest_of("3"));
  CHECK_EQUAL(JobKeyTable::npos, JobKeyIndex(current).find("old1"));
  CHECK_EQUAL(0u, JobKeyIndex(current).find("new"));
}

TEST_GROUP(DefinitionDigester){};

TEST(DefinitionDigester, EqualsTheDigestOfTheWireKeyForEveryField) {
  // The digester lays out job_definition_key() itself; any field the wire
  // encodes and the digester misses (or orders differently) shows here.
  std::vector<JobDesc> jobs = {sleeper("plain"), everything()};
  JobDesc j = everything();
  j.argv = {"/bin/true"};
  j.env.clear();
  j.cpus.clear();
  j.ulimits.clear();
  j.depends.clear();
  jobs.push_back(j);
  DefinitionDigester digest;
  for (const auto& job : jobs) CHECK(digest(job) == digest_definition_key(job_definition_key(job)));
}

TEST(DefinitionDigester, OneDigesterServesJobsOfEverySize) {
  // The buffer is reused: a small job after a large one must not see its
  // leftovers.
  DefinitionDigester reused;
  const DefinitionDigest big = reused(everything());
  const DefinitionDigest small = reused(sleeper("s"));
  CHECK(small == DefinitionDigester()(sleeper("s")));
  CHECK(big == DefinitionDigester()(everything()));
}

TEST(DefinitionDigester, PositionsAreNotPartOfTheDefinition) {
  JobDesc moved = everything();
  moved.pos = {400, 1};
  moved.cmd_pos = {401, 5};
  moved.dir_pos = {};
  moved.user_pos = {999, 9};
  DefinitionDigester digest;
  CHECK(digest(moved) == digest(everything()));
}

TEST(DefinitionDigester, EveryFieldChangesTheDigest) {
  std::vector<JobDesc> variants;
  auto v = [&](auto edit) {
    JobDesc j = everything();
    edit(j);
    variants.push_back(j);
  };
  v([](JobDesc& j) { j.name += "x"; });
  v([](JobDesc& j) { j.argv.back() += "x"; });
  v([](JobDesc& j) { j.argv.push_back(""); });
  v([](JobDesc& j) { j.dir = "/srv"; });
  v([](JobDesc& j) { j.in.clear(); });
  v([](JobDesc& j) { j.out = "o"; });
  v([](JobDesc& j) { j.err = "e"; });
  v([](JobDesc& j) { j.user = "root"; });
  v([](JobDesc& j) { j.env.pop_back(); });
  v([](JobDesc& j) { j.has_nice = false; });
  v([](JobDesc& j) { j.nice = 19; });
  v([](JobDesc& j) { j.cpus = {0, 1}; });
  v([](JobDesc& j) { j.ulimits[1].value = 5; });
  v([](JobDesc& j) { j.bounce_seconds = 1; });
  v([](JobDesc& j) { j.depends = {"/etc/app.conf"}; });
  v([](JobDesc& j) { j.order = 7; });
  v([](JobDesc& j) { j.wait = false; });
  v([](JobDesc& j) { j.once = false; });
  v([](JobDesc& j) { j.disabled = false; });
  // Bytes moved between neighbouring strings: the length prefixes keep
  // the two apart.
  v([](JobDesc& j) {
    j.out = "/var/log/app.ou";
    j.err = "terr.log";
  });
  DefinitionDigester digest;
  const DefinitionDigest base = digest(everything());
  for (size_t i = 0; i < variants.size(); ++i) {
    CHECK(digest(variants[i]) != base);
    for (size_t k = 0; k < i; ++k) CHECK(digest(variants[i]) != digest(variants[k]));
  }
}
