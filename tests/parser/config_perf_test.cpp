// Parse cost of big configs: printed, never asserted (timings depend on the
// machine); the assertions only check that everything was read.
#include <CppUTest/TestHarness.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "parser/config_parser.hpp"

using namespace pmtr;

namespace {

// Each job about four lines: name, cmd with two arguments, every other
// one a dir.
std::string generate(size_t jobs) {
  std::string s;
  s.reserve(jobs * 70);
  for (size_t i = 0; i < jobs; ++i) {
    s += "job {\n  name job" + std::to_string(i) + "\n  cmd /usr/bin/worker --id " + std::to_string(i) + "\n";
    if (i % 2) s += "  dir /var/lib/w\n";
    s += "}\n";
  }
  return s;
}

double cpu_ms() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

void measure(size_t jobs) {
  const std::string text = generate(jobs);
  double best = 1e30;
  for (int round = 0; round < 3; ++round) {
    const double t0 = cpu_ms();
    const ParsedConfig c = parse_config(text);
    const double t1 = cpu_ms();
    LONGS_EQUAL(0, c.diagnostics.size());
    LONGS_EQUAL(jobs, c.jobs.size());
    best = std::min(best, t1 - t0);
  }
  std::printf("\nparse %zu jobs (%zu bytes): %.2f ms cpu\n", jobs, text.size(), best);
}

}  // namespace

TEST_GROUP(ConfigPerf){};

TEST(ConfigPerf, TenThousandJobs) { measure(10000); }

TEST(ConfigPerf, HundredThousandJobs) { measure(100000); }
