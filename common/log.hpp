// Logging in the OpenBSD vocabulary: *_warn appends strerror(errno),
// *_warnx does not; fatal/fatalx log at critical level and exit(1).
//
// Targets:
//   Syslog  syslog(3), ident "pmtr", facility daemon (a daemon).
//   Both    syslog and stderr (-F, process 1, a daemon until it has
//           reported its start).  The stderr copy of each line starts with
//           the time, "2026-12-07T09:15:02.123Z pmtr: ...", because a
//           terminal or a file has no timestamps of its own.  When stderr is
//           the systemd journal (JOURNAL_STREAM names it), which stamps and
//           stores every syslog line itself, log_init makes this Syslog.
//   Stderr  stderr only, unstamped: a command's report (`pmtr -t`), read
//           by people and CI scripts, not a log.
#pragma once

#include <time.h>

#include <cstdarg>
#include <cstddef>

namespace pmtr {

enum class LogTarget { Stderr, Syslog, Both };

void log_init(const char* ident, LogTarget target, int verbosity) noexcept;
void log_set_verbosity(int verbosity) noexcept;
int log_verbosity() noexcept;

#define PMTR_PRINTF(a, b) __attribute__((format(printf, a, b)))
void log_crit(const char* fmt, ...) noexcept PMTR_PRINTF(1, 2);
void log_warn(const char* fmt, ...) noexcept PMTR_PRINTF(1, 2);
void log_warnx(const char* fmt, ...) noexcept PMTR_PRINTF(1, 2);
void log_info(const char* fmt, ...) noexcept PMTR_PRINTF(1, 2);
void log_debug(const char* fmt, ...) noexcept PMTR_PRINTF(1, 2);
[[noreturn]] void fatal(const char* fmt, ...) noexcept PMTR_PRINTF(1, 2);
[[noreturn]] void fatalx(const char* fmt, ...) noexcept PMTR_PRINTF(1, 2);

// The timestamp of a stderr log line: ISO 8601 / RFC 3339 in UTC with
// milliseconds (truncated, not rounded, so a stamp never lies about the
// future), "YYYY-MM-DDThh:mm:ss.mmmZ": fixed width, sorts as text, and the
// same whatever the machine's time zone.
inline constexpr size_t kLogStampLength = 24;
// Writes the stamp of `when` and a NUL into out (at least
// kLogStampLength + 1 bytes); false (out empty) for a time gmtime cannot
// represent.
bool format_log_stamp(const timespec& when, char* out, size_t size) noexcept;

// One stderr log line, newline included, as vlog writes it:
// "STAMP IDENT: MSG\n", or "IDENT: MSG\n" when stamp is null.  A message too
// long for the buffer is cut, and the line still ends in a newline.
// Returns the line's length.
size_t format_log_line(char* out, size_t size, const char* stamp, const char* ident, const char* msg) noexcept;

}  // namespace pmtr
