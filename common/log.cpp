#include "common/log.hpp"

#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/syscalls.hpp"

namespace pmtr {
namespace {

const char* g_ident = "pmtr";
LogTarget g_target = LogTarget::Stderr;
int g_verbosity = 0;

// The last line of defence against forged log lines: a record is one line
// whatever reached the format.  Control bytes (newline, ESC, ...) and the
// C1 controls as UTF-8 (C2 80..C2 9F, which some terminals obey) become
// \xNN.  Strings from other processes are escaped where they are logged
// (escape_for_log, which also escapes the rest of non-ASCII); this catches
// what was missed.  Our own messages contain none of these bytes.
void neutralise_controls(const char* in, char* out, size_t out_size) noexcept {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  auto put_escaped = [&](unsigned char u) {
    out[o++] = '\\';
    out[o++] = 'x';
    out[o++] = hex[u >> 4];
    out[o++] = hex[u & 0xf];
  };
  for (size_t i = 0; in[i] != '\0'; ++i) {
    const auto u = static_cast<unsigned char>(in[i]);
    const auto next = static_cast<unsigned char>(in[i + 1]);   // '\0' at the end
    const bool c1 = u == 0xc2 && next >= 0x80 && next <= 0x9f;
    const size_t need = c1 ? 8 : (u < 0x20 || u == 0x7f) ? 4 : 1;
    if (o + need >= out_size) break;
    if (c1) {
      put_escaped(u);
      put_escaped(next);
      ++i;
    } else if (need == 4) {
      put_escaped(u);
    } else {
      out[o++] = in[i];
    }
  }
  out[o] = '\0';
}

void vlog(int priority, bool with_errno, const char* fmt, va_list ap) noexcept {
  const int saved_errno = errno;
  char raw[1024];
  std::vsnprintf(raw, sizeof raw, fmt, ap);
  if (with_errno) {
    const size_t len = std::strlen(raw);
    std::snprintf(raw + len, sizeof raw - len, ": %s", std::strerror(saved_errno));
  }
  char msg[1100];
  neutralise_controls(raw, msg, sizeof msg);
  if (g_target != LogTarget::Stderr) syslog(priority, "%s", msg);
  if (g_target != LogTarget::Syslog) {
    char stamp[kLogStampLength + 1];
    timespec now{};
    const bool stamped = g_target == LogTarget::Both && clock_gettime(CLOCK_REALTIME, &now) == 0 &&
                         format_log_stamp(now, stamp, sizeof stamp);
    // One write per line so lines from the monitor and jobs sharing the
    // terminal never interleave mid-line.
    char line[1200];
    const size_t len = format_log_line(line, sizeof line, stamped ? stamp : nullptr, g_ident, msg);
    (void)sys_write(STDERR_FILENO, line, len);   // nowhere to report a failure
  }
  errno = saved_errno;
}

}  // namespace

namespace {

// Under systemd, stderr is the journal (JOURNAL_STREAM names its
// device:inode): logging to both would print every line twice.
bool stderr_is_journal() noexcept {
  const char* js = std::getenv("JOURNAL_STREAM");
  struct stat st {};
  if (js == nullptr || fstat(STDERR_FILENO, &st) != 0) return false;
  char mine[64];
  std::snprintf(mine, sizeof mine, "%lu:%lu", static_cast<unsigned long>(st.st_dev),
                static_cast<unsigned long>(st.st_ino));
  return std::strcmp(js, mine) == 0;
}

}  // namespace

bool format_log_stamp(const timespec& when, char* out, size_t size) noexcept {
  if (size == 0) return false;
  out[0] = '\0';
  tm t{};
  if (size < kLogStampLength + 1 || gmtime_r(&when.tv_sec, &t) == nullptr) return false;
  const long millis = when.tv_nsec / 1000000;
  const int n = std::snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", t.tm_year + 1900, t.tm_mon + 1,
                              t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, millis);
  // Years past 9999 (or before 0) would not fit the fixed width.
  if (n != static_cast<int>(kLogStampLength)) {
    out[0] = '\0';
    return false;
  }
  return true;
}

size_t format_log_line(char* out, size_t size, const char* stamp, const char* ident, const char* msg) noexcept {
  if (size < 2) return 0;
  const int n = stamp != nullptr ? std::snprintf(out, size, "%s %s: %s\n", stamp, ident, msg)
                                 : std::snprintf(out, size, "%s: %s\n", ident, msg);
  if (n < 0) {
    out[0] = '\n';
    out[1] = '\0';
    return 1;
  }
  if (static_cast<size_t>(n) < size) return static_cast<size_t>(n);
  // Cut: keep the newline, so the next line still starts a line.
  out[size - 2] = '\n';
  out[size - 1] = '\0';
  return size - 1;
}

void log_init(const char* ident, LogTarget target, int verbosity) noexcept {
  if (target == LogTarget::Both && stderr_is_journal()) target = LogTarget::Syslog;
  g_ident = ident;
  g_target = target;
  g_verbosity = verbosity;
  if (target != LogTarget::Stderr) openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_verbosity(int verbosity) noexcept { g_verbosity = verbosity; }
int log_verbosity() noexcept { return g_verbosity; }

#define PMTR_LOG_BODY(prio, with_errno) \
  va_list ap;                           \
  va_start(ap, fmt);                    \
  vlog(prio, with_errno, fmt, ap);      \
  va_end(ap)

void log_crit(const char* fmt, ...) noexcept { PMTR_LOG_BODY(LOG_CRIT, false); }
void log_warn(const char* fmt, ...) noexcept { PMTR_LOG_BODY(LOG_WARNING, true); }
void log_warnx(const char* fmt, ...) noexcept { PMTR_LOG_BODY(LOG_WARNING, false); }
void log_info(const char* fmt, ...) noexcept { PMTR_LOG_BODY(LOG_INFO, false); }
void log_debug(const char* fmt, ...) noexcept {
  if (g_verbosity < 1) return;
  PMTR_LOG_BODY(LOG_DEBUG, false);
}
void fatal(const char* fmt, ...) noexcept {
  PMTR_LOG_BODY(LOG_CRIT, true);
  std::exit(1);
}
void fatalx(const char* fmt, ...) noexcept {
  PMTR_LOG_BODY(LOG_CRIT, false);
  std::exit(1);
}

}  // namespace pmtr
