// The log scenarios' two ends: the writer (bench/linegen: its argv and
// its report of what it wrote) and the check of what reached the files.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/log_tally.hpp"
#include "bench/proc_tree.hpp"
#include "bench/scenario_log.hpp"

namespace pmtr::bench {

bool read_report(const std::string& path, WriterReport* r) {
  unsigned long long lines = 0, ns = 0;
  if (std::sscanf(slurp(path).c_str(), "%llu %llu", &lines, &ns) != 2) return false;
  r->lines = lines;
  r->ns = ns;
  return true;
}

bool wait_reports(Bench& b, const std::vector<std::string>& paths, uint64_t timeout_ns) {
  const uint64_t deadline = now_ns() + timeout_ns;
  for (const auto& p : paths)
    while (access(p.c_str(), F_OK) != 0) {
      if (now_ns() >= deadline || ProcessWatch::stop_requested()) return false;
      b.watch().drain_for(ms(20));
    }
  return true;
}

LogCheck check_log_dir(const std::string& dir, uint64_t sent) {
  LogCheck c;
  LineTally t;
  c.ok = tally_dir(dir, &t);
  c.lines = t.numbered();
  c.lost = t.missing(sent);
  c.duplicates = t.duplicates();
  c.bytes = t.bytes();
  return c;
}

std::vector<std::string> linegen_argv(const Bench& b, std::vector<std::string> args, const std::string& report) {
  std::vector<std::string> argv{std::filesystem::absolute(b.settings().build + "/bench/linegen").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--report", report});
  return argv;
}

}  // namespace pmtr::bench
