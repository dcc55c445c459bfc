// The log scenarios' writer: numbered 100-byte lines on stdout, as fast as
// the reader takes them or at a given rate, for a given time or count.
//
//   linegen [--rate LINES_PER_S] [--seconds S] [--lines N] [--report FILE] [--pause]
//
// Each line is "#0000000042 " + filler + "\n", 100 bytes: the number lets
// the bench find lost and duplicated lines in whatever a logger wrote,
// whatever prefix it put in front.  Flat out (no --rate) lines go out 40
// to a write (4000 bytes: what a stdio-buffered program writes to a pipe);
// at a rate, one line per write on an absolute schedule, as a program that
// logs now and then does.  --report writes "LINES NS" (lines written in
// full, ns from the first write to the last) to FILE.tmp, renamed to FILE:
// the bench never reads half a report.  --pause then waits for a signal
// with stdout still open, so the supervisor neither restarts the writer
// nor sees its pipe close.  Exit 0, 1 on a write error (EPIPE included:
// SIGPIPE is ignored so the report is still written), 2 on usage.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

constexpr size_t kLine = 100;
constexpr size_t kBatch = 40;
constexpr size_t kDigits = 10;

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

void sleep_until(uint64_t ns) {
  timespec ts{static_cast<time_t>(ns / 1000000000u), static_cast<long>(ns % 1000000000u)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {}
}

// One line: '#', the number in 10 digits, a space, filler, '\n'.
void fill_line(char* line) {
  line[0] = '#';
  line[kDigits + 1] = ' ';
  for (size_t i = kDigits + 2; i < kLine - 1; ++i) line[i] = static_cast<char>('a' + i % 26);
  line[kLine - 1] = '\n';
}

// Only the digits change from one line to the next.
void number_line(char* line, uint64_t n) {
  for (size_t i = kDigits; i > 0; --i) {
    line[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
}

bool write_all(const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(1, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool report(const std::string& path, uint64_t lines, uint64_t ns) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return false;
  std::fprintf(f, "%llu %llu\n", static_cast<unsigned long long>(lines), static_cast<unsigned long long>(ns));
  return std::fclose(f) == 0 && std::rename(tmp.c_str(), path.c_str()) == 0;
}

int usage() {
  std::fprintf(stderr, "usage: linegen [--rate LINES_PER_S] [--seconds S] [--lines N] [--report FILE] [--pause]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  double rate = 0;
  double seconds = 0;
  uint64_t max_lines = 0;
  std::string report_path;
  bool pause_after = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--pause") {
      pause_after = true;
      continue;
    }
    if (v == nullptr) return usage();
    ++i;
    if (a == "--rate") {
      rate = std::atof(v);
    } else if (a == "--seconds") {
      seconds = std::atof(v);
    } else if (a == "--lines") {
      max_lines = std::strtoull(v, nullptr, 10);
    } else if (a == "--report") {
      report_path = v;
    } else {
      return usage();
    }
  }
  if (rate < 0 || seconds < 0 || (seconds == 0 && max_lines == 0)) return usage();
  signal(SIGPIPE, SIG_IGN);

  char buf[kLine * kBatch];
  for (size_t i = 0; i < kBatch; ++i) fill_line(buf + i * kLine);
  const uint64_t t0 = now_ns();
  const uint64_t end = seconds > 0 ? t0 + static_cast<uint64_t>(seconds * 1e9) : UINT64_MAX;
  const uint64_t limit = max_lines > 0 ? max_lines : UINT64_MAX;
  const uint64_t step = rate > 0 ? static_cast<uint64_t>(1e9 / rate) : 0;
  uint64_t n = 0;
  uint64_t last = t0;
  bool ok = true;
  while (n < limit) {
    size_t batch = 1;
    if (step > 0) {
      const uint64_t due = t0 + n * step;
      if (due >= end) break;
      sleep_until(due);
    } else {
      if (now_ns() >= end) break;
      batch = static_cast<size_t>(std::min<uint64_t>(kBatch, limit - n));
    }
    for (size_t i = 0; i < batch; ++i) number_line(buf + i * kLine, n + i);
    if (!write_all(buf, batch * kLine)) {
      ok = false;
      break;
    }
    n += batch;
    last = now_ns();
  }
  if (!report_path.empty() && !report(report_path, n, last - t0)) ok = false;
  if (pause_after)
    for (;;) pause();
  return ok ? 0 : 1;
}
