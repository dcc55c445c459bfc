// Logging in the OpenBSD vocabulary: *_warn appends strerror(errno),
// *_warnx does not; fatal/fatalx log at critical level and exit(1).
// Goes to syslog (ident "pmtr") and, in the foreground, to stderr as well.
#pragma once

#include <cstdarg>

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

}  // namespace pmtr
