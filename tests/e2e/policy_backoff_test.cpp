// `backoff MIN to MAX` and `stable after T` through the real pmtr: the
// delay after each consecutive quick exit doubles up to MAX, an exit after
// `stable after` restarts at once and brings the delay back to MIN.  The
// delays are read twice: as pmtr announces them ("; restart 3 in 800 ms")
// and as it applied them (the stamps of the exit and the next start).
#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/log_stamps.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

// What follows "exited after N s: exit status 1" on each exit line of the
// job, in order: "restart 1 in 200 ms", "restart 5 now", ...
std::vector<std::string> restart_plans(const std::string& log, const std::string& name) {
  std::vector<std::string> out;
  const std::string lines = lines_with(log, "job " + name + " [");
  size_t at = 0;
  while (at < lines.size()) {
    const size_t eol = lines.find('\n', at);
    const std::string line = lines.substr(at, eol - at);
    at = eol + 1;
    const size_t plan = line.find("; ");
    if (line.find(" exited after ") != std::string::npos && plan != std::string::npos)
      out.push_back(line.substr(plan + 2));
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " | ") + x;
  return s;
}

}  // namespace

TEST_GROUP(PolicyBackoff) {
  TempDir dir;
  std::string conf;
  void setup() override { conf = dir.file("pmtr.conf"); }
};

TEST(PolicyBackoff, DelayDoublesUpToMaxAndAStableRunResetsIt) {
  // Every run fails at once, but the fifth, which fails after 1.3 s: past
  // `stable after 1s`, so not a quick exit.
  const std::string count = dir / "count";
  write_file(dir / "flap.sh", "n=$(( $(/bin/cat " + count + " 2>/dev/null || echo 0) + 1 ))\n"
                              "echo $n > " + count + "\n"
                              "if [ $n -eq 5 ]; then /bin/sleep 1.3; fi\n"
                              "exit 1\n");
  write_file(conf, "job {\n  name flap\n  cmd /bin/sh " + dir.file("flap.sh") +
                       "\n  backoff 200ms to 800ms\n  stable after 1s\n}\n");
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_log("started job flap [", 15000ms, 8));

  const std::string log = pmtr.log();
  const std::vector<std::string> plans = restart_plans(log, "flap");
  const std::vector<std::string> expected = {"restart 1 in 200 ms", "restart 2 in 400 ms", "restart 3 in 800 ms",
                                             "restart 4 in 800 ms", "restart 5 now",       "restart 6 in 200 ms",
                                             "restart 7 in 400 ms"};
  CHECK_TRUE(plans.size() >= expected.size());
  const std::vector<std::string> first(plans.begin(),
                                       plans.begin() + static_cast<long>(std::min(plans.size(), expected.size())));
  STRCMP_EQUAL(join(expected).c_str(), join(first).c_str());

  // Applied, not only announced: the gap between each exit and the next
  // start is the delay (give or take the time a busy machine takes to
  // write a line; the stamps are in whole milliseconds).
  const double delays[] = {0.2, 0.4, 0.8, 0.8, 0.0, 0.2, 0.4};
  for (int i = 0; i < 7; ++i) {
    const double exited = stamp_of(log, "] exited after ", i);
    const double next = stamp_of(log, "started job flap [", i + 1);
    CHECK_TRUE(exited > 0 && next > 0);
    const double gap = next - exited;
    CHECK_TEXT(gap >= delays[i] - 0.05, ("restart " + std::to_string(i + 1) + " after " + std::to_string(gap) +
                                          " s").c_str());
    CHECK_TEXT(gap < delays[i] + 1.0, ("restart " + std::to_string(i + 1) + " after " + std::to_string(gap) +
                                       " s").c_str());
  }
  // The old announcement, for the quick exits only (the eighth run may
  // have exited too by now).
  const int too_fast = pmtr.count_log("job flap restarting too fast, delaying restart ");
  CHECK_TRUE(too_fast == 6 || too_fast == 7);
}
