// The peers of the log scenarios, s6-log and svlogd, as their users run
// them without a supervisor: `writer | logger DIR`.  The bench forks both
// ends of the pipe itself and ends them by pid.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pmtr::bench {

enum class Logger : uint8_t { S6Log, Svlogd };
inline constexpr Logger kLoggers[] = {Logger::S6Log, Logger::Svlogd};

[[nodiscard]] const char* logger_name(Logger l) noexcept;
// The installed program, empty when missing.
[[nodiscard]] std::string logger_path(Logger l);

// Every logger rotates at the same size and keeps as many archives, large
// enough that a 10 s flat-out run never drops an archive (the check
// counts every line) and rotation is a small part of the work.
inline constexpr uint64_t kRotateBytes = 100000000;
inline constexpr unsigned kKeep = 100;

// Makes dir and returns the logger's argv, each timestamping every line
// as pmtr-log does: `s6-log T s100000000 n100 DIR` (ISO 8601, ns),
// `svlogd -tt DIR` with DIR/config `s100000000` and `n100` (UTC, us).
// Empty (and *why) on failure.
[[nodiscard]] std::vector<std::string> logger_argv(Logger l, const std::string& dir, std::string* why);

struct Pipeline {
  pid_t writer = -1;
  pid_t logger = -1;
};
// writer's stdout -> a pipe -> logger's stdin; the writer's stderr and the
// logger's stdout and stderr appended to `output`.
[[nodiscard]] Pipeline start_pipeline(const std::vector<std::string>& writer, const std::vector<std::string>& logger,
                                      const std::string& output);
// SIGKILL to both (by pid), then reaped.
void end_pipeline(Pipeline& p);

// Until the bytes below dir stop changing (the same for `quiet_ms`, looked
// at every 50 ms) or timeout_ms: the logger has written what it read.
// False on timeout.
bool wait_written(const std::string& dir, int quiet_ms, int timeout_ms);

}  // namespace pmtr::bench
