
#include "spawner/cpu_mask.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

cpu_set_t set_of(std::initializer_list<int> cpus) {
  cpu_set_t s;
  CPU_ZERO(&s);
  for (int c : cpus) CPU_SET(c, &s);
  return s;
}

bool same(const cpu_set_t& a, const cpu_set_t& b) { return CPU_EQUAL(&a, &b) != 0; }

}  // namespace

TEST_GROUP(CpuMask) {};

TEST(CpuMask, ParsesTheKernelListFormat) {
  cpu_set_t s;
  CHECK(parse_cpu_list("0-3,8,10-11\n", s));
  CHECK(same(set_of({0, 1, 2, 3, 8, 10, 11}), s));
  CHECK(parse_cpu_list("0", s));
  CHECK(same(set_of({0}), s));
  CHECK(parse_cpu_list("\n", s));
  CHECK_EQUAL(0, CPU_COUNT(&s));
}

TEST(CpuMask, NumbersBeyondTheSetAreDropped) {
  cpu_set_t s;
  CHECK(parse_cpu_list("1,1020-2000", s));
  CHECK(same(set_of({1, 1020, 1021, 1022, 1023}), s));
}

TEST(CpuMask, RejectsMalformedLists) {
  cpu_set_t s;
  for (const char* bad : {"1-", "-1", "a", "3-1", "1,,2", "1,", "1 2", "99999999999"})
    CHECK_FALSE(parse_cpu_list(bad, s));
}

TEST(CpuMask, OnlineCpusIncludeTheOneWeRunOn) {
  const cpu_set_t online = online_cpus();
  CHECK(CPU_COUNT(&online) > 0);
  CHECK(CPU_ISSET(sched_getcpu(), &online));
}

TEST(CpuMask, AbsentCpusAreIgnored) {
  const cpu_set_t present = set_of({0, 1});
  cpu_set_t mask;
  CHECK(job_cpu_mask({1, 5, 1000}, present, mask));
  CHECK(same(set_of({1}), mask));
}

TEST(CpuMask, NoneExistingMeansUntouched) {
  const cpu_set_t present = set_of({0, 1});
  cpu_set_t mask;
  CHECK_FALSE(job_cpu_mask({2, 1023, 4000}, present, mask));
  CHECK_FALSE(job_cpu_mask({}, present, mask));
}
