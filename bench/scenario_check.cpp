// Scenario 8: `pmtr -t` on generated configs (wall time of the whole
// command: monitor, sandboxed parser, host checks), and how it grows.
#include <sys/wait.h>

#include <string>

#include "bench/bench.hpp"
#include "bench/proc_tree.hpp"

namespace pmtr::bench {
namespace {

const char* const kCheck = "8 config check";

// "100,000 jobs"
std::string jobs(size_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out + (n == 1 ? " job" : " jobs");
}

std::string label(size_t n) { return "pmtr -t, " + jobs(n); }

// Median wall time of `pmtr -t -c config` over the repetitions; the row
// is void when pmtr does not say "ok (N jobs)".
double time_check(Bench& b, const std::string& config, size_t n, Result& r) {
  const std::string out = b.tmp().file("check-" + std::to_string(n) + ".out");
  Launch how;
  how.argv = {b.pmtr_bin(), "-t", "-c", config};
  how.output = out;
  for (int rep = 0; rep < b.settings().reps; ++rep) {
    ::unlink(out.c_str());
    int status = 0;
    uint64_t cpu = 0;
    const uint64_t t = run_timed(how, &status, &cpu);
    const std::string text = slurp(out);
    const std::string ok = "ok (" + std::to_string(n) + " job";
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.find(ok) == std::string::npos) {
      r.void_reason = "pmtr -t failed: " + text.substr(0, text.find('\n'));
      return 0;
    }
    r.samples.push_back(to_ms(t));
    b.row(kCheck, r.metric + ": CPU (monitor + parser)", Unit::Millis).samples.push_back(to_ms(cpu));
  }
  return summarize(r.samples).median;
}

}  // namespace

void scenario_check(Bench& b) {
  const Settings& s = b.settings();
  std::fprintf(stderr, "bench: pmtr -t on 1, %zu and %zu jobs\n", s.check_small, s.check_large);
  Result& one = b.row(kCheck, label(1) + " (fixed cost)", Unit::Millis);
  Result& small = b.row(kCheck, label(s.check_small), Unit::Millis,
                        s.check_small == 10000 ? at_most(20, "<= 20 ms") : Target{});   // issue 12
  Result& large = b.row(kCheck, label(s.check_large), Unit::Millis);
  // Linear growth: the cost per job (above the fixed cost of one job) is
  // the same at both sizes.
  Result& growth = b.row(kCheck, "per-job cost, " + jobs(s.check_large) + " vs " + jobs(s.check_small),
                         Unit::Times, at_most(1.2, "linear (<= 1.2)"));
  const double t_one = time_check(b, b.write_config("check-1", make_jobs(1, JobKind::Checked)), 1, one);
  const double t_small = time_check(b, b.write_config("check-small", make_jobs(s.check_small, JobKind::Checked)),
                                    s.check_small, small);
  const double t_large = time_check(b, b.write_config("check-large", make_jobs(s.check_large, JobKind::Checked)),
                                    s.check_large, large);
  if (t_one <= 0 || t_small <= 0 || t_large <= 0) {
    growth.void_reason = "a check failed";
  } else if (t_small > t_one && t_large > t_one) {
    growth.samples.push_back((t_large - t_one) / static_cast<double>(s.check_large - 1) /
                             ((t_small - t_one) / static_cast<double>(s.check_small - 1)));
  } else {
    // On a loaded machine the one-job run can take longer than the small
    // one: the fixed cost is noise then, and the plain per-job ratio is
    // the honest figure.
    growth.samples.push_back(t_large / static_cast<double>(s.check_large) /
                             (t_small / static_cast<double>(s.check_small)));
  }
}

}  // namespace pmtr::bench
