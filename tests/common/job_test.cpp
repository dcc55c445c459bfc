// same_definition: every field of the definition counts, no position does
// (moving a block in the file must not restart its job).
#include "common/job.hpp"


#include "tests/common/samples.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using pmtr::JobDesc;
using pmtr::same_definition;
using pmtr::test::job_mutators;
using pmtr::test::minimal_job;
using pmtr::test::NamedMutator;

TEST_GROUP(Job){};

TEST(Job, SameDefinitionIsReflexive) {
  CHECK_TRUE(same_definition(minimal_job(), minimal_job()));
  CHECK_TRUE(same_definition(pmtr::test::full_job(), pmtr::test::full_job()));
}

TEST(Job, EveryDefinitionFieldCountsAndNoPositionDoes) {
  const JobDesc base = minimal_job();
  for (const NamedMutator& m : job_mutators()) {
    JobDesc j = base;
    m.mutate(j);
    CHECK_EQUAL_TEXT(m.positional, same_definition(base, j), m.field);
    CHECK_EQUAL_TEXT(m.positional, same_definition(j, base), m.field);
  }
}
