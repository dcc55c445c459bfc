// The log-capture scenarios (10 throughput, 11 CPU of many slow writers,
// 12 memory with many idle jobs), shared by pmtr's side
// (bench/scenario_log.cpp) and the peers' (bench/scenario_log_peers.cpp,
// s6-log and svlogd).  Every writer is bench/linegen; every logger writes
// to a disk directory (/var/tmp, not a tmpfs), removed afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench.hpp"
#include "bench/log_pipeline.hpp"

namespace pmtr::bench {

inline const char* const kLogThroughput = "10 log throughput";
inline const char* const kLogCpu = "11 log CPU";
inline const char* const kLogMemory = "12 log memory";

// What one linegen said it wrote (its --report file).
struct WriterReport {
  uint64_t lines = 0;
  uint64_t ns = 0;
};
[[nodiscard]] bool read_report(const std::string& path, WriterReport* r);
// Until every file exists (the writers are done) or timeout, reading the
// process watch meanwhile; false on timeout or ^C.
bool wait_reports(Bench& b, const std::vector<std::string>& paths, uint64_t timeout_ns);

// The log files below dir against what the writer sent.
struct LogCheck {
  bool ok = false;          // dir readable
  uint64_t lines = 0;       // numbered lines found
  uint64_t lost = 0;        // sent, never found
  uint64_t duplicates = 0;
  uint64_t bytes = 0;       // of the files
};
[[nodiscard]] LogCheck check_log_dir(const std::string& dir, uint64_t sent);

// linegen with these arguments and --report REPORT.
[[nodiscard]] std::vector<std::string> linegen_argv(const Bench& b, std::vector<std::string> args,
                                                    const std::string& report);

// One sample of a flat-out writer into one logger.
struct ThroughputSample {
  std::string why;          // non-empty: not measured
  double lines_per_s = 0;
  double cpu_ms_per_gb = 0; // logger CPU per GB of lines (100 bytes each)
  double lost = 0;
  double duplicates = 0;
};
void add_throughput_rows(Bench& b, const std::string& who, const ThroughputSample& s);

// A fleet of n writers: CPU of the loggers over a window, memory after.
struct FleetSample {
  std::string why;
  double cpu_percent = 0;   // of one core, utime+stime over the window
  double lost = 0;
  double rss_kib = 0;       // summed over the loggers
  double pss_kib = 0;
};

// The peers' side: `linegen | logger DIR`, in dirs under `disk`.
ThroughputSample peer_throughput(Bench& b, Logger l, const std::string& disk, double seconds);
// n pipelines of `linegen ARGS | logger`; the window starts once all n
// have started and 1 s has passed, and lasts window_s (0: memory only).
FleetSample peer_fleet(Bench& b, Logger l, const std::string& disk, size_t n, const std::vector<std::string>& args,
                       int window_s);

}  // namespace pmtr::bench
