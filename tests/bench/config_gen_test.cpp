// bench/config_gen: every generated config is one the real parser accepts,
// job for job, with the commands the scenarios rely on.
#include "bench/config_gen.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench/launch.hpp"
#include "bench/proc_tree.hpp"
#include "parser/config_parser.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::bench;

namespace {

void check_parses(size_t n, JobKind kind) {
  const auto jobs = make_jobs(n, kind);
  const pmtr::ParsedConfig parsed = pmtr::parse_config(render_config(jobs));
  for (const auto& d : parsed.diagnostics) UT_PRINT(pmtr::format_diagnostic("gen", d).c_str());
  LONGS_EQUAL(0, parsed.errors());
  LONGS_EQUAL(0, parsed.warnings());
  LONGS_EQUAL(n, parsed.jobs.size());
  for (size_t i = 0; i < n; ++i) {
    STRCMP_EQUAL(jobs[i].name.c_str(), parsed.jobs[i].name.c_str());
    CHECK_TRUE(jobs[i].argv == parsed.jobs[i].argv);
  }
}

}  // namespace

TEST_GROUP(BenchConfigGen){};

TEST(BenchConfigGen, NamesAreUniqueFixedWidthAndSortLikeTheirIndex) {
  STRCMP_EQUAL("j0000000", job_name("j", 0).c_str());
  STRCMP_EQUAL("j0000042", job_name("j", 42).c_str());
  CHECK_TRUE(job_name("j", 9) < job_name("j", 10));
  CHECK_TRUE(job_name("j", 99999) < job_name("j", 100000));
}

TEST(BenchConfigGen, EveryKindParsesToTheSameJobs) {
  check_parses(1, JobKind::Sleep);
  check_parses(250, JobKind::Sleep);
  check_parses(50, JobKind::IgnoreTerm);
  check_parses(50, JobKind::QuickExit);
  check_parses(300, JobKind::Checked);
}

TEST(BenchConfigGen, TenThousandCheckedJobsParse) { check_parses(10000, JobKind::Checked); }

TEST(BenchConfigGen, ShellCommandsKeepTheirQuotedScript) {
  const auto j = make_job(JobKind::IgnoreTerm, "t", 3);
  LONGS_EQUAL(3, j.argv.size());
  STRCMP_EQUAL("/bin/sh", j.argv[0].c_str());
  STRCMP_EQUAL("trap '' TERM; while :; do sleep 1; done", j.argv[2].c_str());
  const auto q = make_job(JobKind::QuickExit, "s", 0);
  STRCMP_EQUAL("sleep 1; exit 0", q.argv[2].c_str());
}

TEST(BenchConfigGen, ChangedJobsAreSpreadDistinctInRangeAndStillSleeps) {
  // The edits of one run (2 per repetition, up to 9 repetitions) touch
  // different jobs, so each is a real change and none undoes another.
  std::vector<size_t> seen;
  for (size_t k = 0; k < 18; ++k) {
    const size_t i = changed_job_index(k, 1000);
    CHECK_TRUE(i < 1000);
    CHECK_TRUE(std::find(seen.begin(), seen.end(), i) == seen.end());
    seen.push_back(i);
  }
  LONGS_EQUAL(97, changed_job_index(0, 1000));
  CHECK_TRUE(changed_job_index(5, 100) < 100);
  LONGS_EQUAL(0, changed_job_index(3, 0));
  // A different argv each time, never the original one, and one the
  // parser takes.
  const auto original = make_job(JobKind::Sleep, "j", 0).argv;
  CHECK_FALSE(changed_argv(0) == original);
  CHECK_FALSE(changed_argv(0) == changed_argv(1));
  STRCMP_EQUAL("/bin/sleep", changed_argv(7)[0].c_str());
  auto jobs = make_jobs(1000, JobKind::Sleep);
  jobs[changed_job_index(1, 1000)].argv = changed_argv(1);
  const pmtr::ParsedConfig parsed = pmtr::parse_config(render_config(jobs));
  LONGS_EQUAL(0, parsed.errors());
  CHECK_TRUE(parsed.jobs[changed_job_index(1, 1000)].argv == changed_argv(1));
}

TEST(BenchConfigGen, CheckedJobsCarryTheirOptions) {
  const pmtr::ParsedConfig parsed = pmtr::parse_config(render_config(make_jobs(7, JobKind::Checked)));
  LONGS_EQUAL(0, parsed.errors());
  const auto& j = parsed.jobs[6];
  STRCMP_EQUAL("/", j.dir.c_str());
  LONGS_EQUAL(1, j.env.size());
  STRCMP_EQUAL("SERVICE_ID=6", j.env[0].c_str());
  CHECK_TRUE(j.has_nice);
  LONGS_EQUAL(6, j.nice);
  LONGS_EQUAL(2, j.order);
}

TEST(BenchConfigGen, QuotingRoundTripsThroughTheParser) {
  STRCMP_EQUAL("plain", quote_arg("plain").c_str());
  STRCMP_EQUAL("\"two words\"", quote_arg("two words").c_str());
  STRCMP_EQUAL("\"a\\\"b\\\\c\"", quote_arg("a\"b\\c").c_str());
  STRCMP_EQUAL("\"\"", quote_arg("").c_str());
  JobSpec j = make_job(JobKind::Sleep, "q", 0);
  j.argv = {"/bin/echo", "two words", "a\"b\\c", "#not-a-comment"};
  const pmtr::ParsedConfig parsed = pmtr::parse_config(render_config({j}));
  LONGS_EQUAL(0, parsed.errors());
  LONGS_EQUAL(1, parsed.jobs.size());
  CHECK_TRUE(j.argv == parsed.jobs[0].argv);
}

TEST(BenchConfigGen, SaveWritesMode0644ByRename) {
  TempDir dir;
  CHECK_TRUE(dir.ok());
  const std::string path = dir.file("pmtr.conf");
  std::string why;
  uint64_t renamed = 0;
  const mode_t old_umask = umask(077);
  const bool ok = save_config(path, "job {\n  name a\n  cmd /bin/true\n}\n", &why, &renamed);
  umask(old_umask);
  CHECK_TEXT(ok, why.c_str());
  CHECK_TRUE(renamed > 0);
  struct stat st {};
  LONGS_EQUAL(0, stat(path.c_str(), &st));
  LONGS_EQUAL(0644, st.st_mode & 07777);
  LONGS_EQUAL(geteuid(), st.st_uid);
  STRCMP_EQUAL("job {\n  name a\n  cmd /bin/true\n}\n", slurp(path).c_str());
  CHECK_FALSE(access((path + ".tmp").c_str(), F_OK) == 0);
}
