// The peers' side of scenarios 10-12: s6-log and svlogd, each fed by the
// same writer through a pipe (`linegen | logger DIR`), no supervisor.  The
// bench forks both ends and ends them by pid; the directories are under
// the caller's disk directory and removed here.
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/proc_tree.hpp"
#include "bench/scenario_log.hpp"

namespace pmtr::bench {
namespace {

constexpr double kLineBytes = 100;

double cpu_seconds(uint64_t ticks) { return static_cast<double>(ticks) / static_cast<double>(ticks_per_second()); }

// Ends every pipeline whatever happened (RAII: an early return too).
struct Fleet {
  std::vector<Pipeline> pipes;
  Fleet() = default;
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;
  ~Fleet() {
    for (auto& p : pipes) end_pipeline(p);
  }
};

}  // namespace

ThroughputSample peer_throughput(Bench& b, Logger l, const std::string& disk, double seconds) {
  ThroughputSample out;
  const std::string name = logger_name(l);
  const std::string dir = disk + "/" + name + "-throughput";
  const std::string report = b.tmp().file(name + "-throughput.report");
  std::filesystem::remove_all(dir);
  ::unlink(report.c_str());
  const std::vector<std::string> logger = logger_argv(l, dir, &out.why);
  if (logger.empty()) return out;
  {
    Fleet f;
    f.pipes.push_back(start_pipeline(linegen_argv(b, {"--seconds", std::to_string(seconds), "--pause"}, report),
                                     logger, b.tmp().file(name + "-throughput.log")));
    const Pipeline& p = f.pipes.back();
    WriterReport r;
    if (p.logger <= 0 || p.writer <= 0) {
      out.why = "cannot start the pipeline";
    } else if (!wait_reports(b, {report}, secs(static_cast<uint64_t>(seconds) + 60)) || !read_report(report, &r)) {
      out.why = "the writer did not finish";
    } else if (!wait_written(dir, 300, 60000)) {
      out.why = name + " still writing after 60 s";
    } else {
      const double cpu = cpu_seconds(cpu_ticks(p.logger));
      const LogCheck c = check_log_dir(dir, r.lines);
      if (!c.ok) out.why = "no log directory " + dir;
      out.lines_per_s = static_cast<double>(c.lines) / (static_cast<double>(r.ns) / 1e9);
      out.cpu_ms_per_gb = c.lines > 0 ? cpu * 1e3 / (static_cast<double>(c.lines) * kLineBytes / 1e9) : 0;
      out.lost = static_cast<double>(c.lost);
      out.duplicates = static_cast<double>(c.duplicates);
    }
  }
  std::filesystem::remove_all(dir);
  return out;
}

FleetSample peer_fleet(Bench& b, Logger l, const std::string& disk, size_t n, const std::vector<std::string>& args,
                       int window_s) {
  FleetSample out;
  const std::string name = logger_name(l);
  const std::string base = disk + "/" + name + "-fleet";
  std::filesystem::remove_all(base);
  std::vector<std::string> reports;
  {
    Fleet f;
    for (size_t i = 0; i < n; ++i) {
      const std::string dir = base + "/" + std::to_string(i);
      reports.push_back(b.tmp().file(name + "-fleet." + std::to_string(i)));
      ::unlink(reports.back().c_str());
      const std::vector<std::string> logger = logger_argv(l, dir, &out.why);
      if (logger.empty()) return out;
      f.pipes.push_back(start_pipeline(linegen_argv(b, args, reports.back()), logger, b.tmp().file(name + "-fleet.log")));
      if (f.pipes.back().logger <= 0 || f.pipes.back().writer <= 0) {
        out.why = "cannot start pipeline " + std::to_string(i);
        return out;
      }
    }
    b.watch().drain_for(secs(1));
    if (window_s > 0) {
      auto ticks = [&] {
        uint64_t t = 0;
        for (const auto& p : f.pipes) t += cpu_ticks(p.logger);
        return t;
      };
      const uint64_t c0 = ticks();
      const uint64_t t0 = now_ns();
      b.watch().drain_for(secs(static_cast<uint64_t>(window_s)));
      const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
      out.cpu_percent = cpu_seconds(ticks() - c0) / seconds * 100;
    }
    if (!wait_reports(b, reports, secs(60)) || !wait_written(base, 300, 60000)) {
      out.why = "the writers did not finish";
      return out;
    }
    for (size_t i = 0; i < n; ++i) {
      WriterReport r;
      if (!read_report(reports[i], &r)) {
        out.why = "unreadable report " + reports[i];
        return out;
      }
      const LogCheck c = check_log_dir(base + "/" + std::to_string(i), r.lines);
      if (!c.ok) {
        out.why = "no log directory " + base + "/" + std::to_string(i);
        return out;
      }
      out.lost += static_cast<double>(c.lost);
      if (c.duplicates > 0) b.note("%s %zu: %" PRIu64 " lines logged twice", name.c_str(), i, c.duplicates);
      if (const auto m = read_memory(f.pipes[i].logger)) {
        out.rss_kib += static_cast<double>(m->rss_kib);
        out.pss_kib += static_cast<double>(m->pss_kib);
      }
    }
  }
  std::filesystem::remove_all(base);
  return out;
}

}  // namespace pmtr::bench
