// A flood of garbage on the `listen on` port: 10,000 datagrams a second
// for 5 s.  pmtr-net's CPU stays bounded (it reads at most its budget and
// the kernel drops the rest), it logs a line a second at most, the monitor
// goes on restarting a crash-looping job at the same pace, and no job is
// touched.  The figures are printed; docs/benchmarks.md has the measured
// ones.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

#include "common/sandbox_asan.hpp"
#include "common/unique_fd.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/udp_support.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

// utime + stime of a process, in clock ticks.
long cpu_ticks(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  long utime = 0, stime = 0;
  // Fields after the command: state is 3rd; utime 14th, stime 15th.
  if (std::sscanf(stat.c_str() + close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &utime, &stime) != 2)
    return -1;
  return utime + stime;
}

// 10,000 datagrams a second of random bytes (1 to 200 of them) for `secs`.
void flood(uint16_t port, int secs) {
  pmtr::unique_fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  std::mt19937 rng(42);
  char buf[200];
  auto next = std::chrono::steady_clock::now();
  for (int tick = 0; tick < secs * 100; ++tick) {
    for (int i = 0; i < 100; ++i) {
      const size_t n = 1 + rng() % sizeof buf;
      for (size_t k = 0; k < n; ++k) buf[k] = static_cast<char>(rng());
      (void)::sendto(fd.get(), buf, n, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    }
    next += 10ms;
    std::this_thread::sleep_until(next);
  }
}

}  // namespace

TEST_GROUP(NetFlood) {
  TempDir dir;
};

TEST(NetFlood, TenThousandGarbageDatagramsASecondCostBoundedCpuAndTouchNothing) {
  const uint16_t port = free_udp_port();
  const std::string conf = dir.file("pmtr.conf");
  write_file(conf, "listen on udp://127.0.0.1:" + std::to_string(port) + "\n" + job("web", "/bin/sleep 1000") +
                       job("crash", "/bin/false", "  backoff 100ms to 100ms\n"));
  Pmtr pmtr(conf);
  const pid_t web = pmtr.wait_job("web", 10000ms);
  pid_t np = -1;
  CHECK(poll_until([&] { return (np = pmtr.net_pid()) > 0; }, 10000ms));
  // The crash loop's pace, quiet.
  CHECK(pmtr.wait_log("started job crash [", 10000ms, 3));
  const int quiet0 = pmtr.count_log("started job crash [");
  const auto q0 = std::chrono::steady_clock::now();
  CHECK(pmtr.wait_log("started job crash [", 20000ms, quiet0 + 10));
  const double quiet_rate = 10 / std::chrono::duration<double>(std::chrono::steady_clock::now() - q0).count();
  // The flood.
  const long net0 = cpu_ticks(np), mon0 = cpu_ticks(pmtr.pid());
  const int busy0 = pmtr.count_log("started job crash [");
  const auto f0 = std::chrono::steady_clock::now();
  flood(port, 5);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - f0).count();
  const double busy_rate = (pmtr.count_log("started job crash [") - busy0) / secs;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double net_cpu = (cpu_ticks(np) - net0) / ticks / secs, mon_cpu = (cpu_ticks(pmtr.pid()) - mon0) / ticks / secs;
  std::printf("\nflood: pmtr-net %.1f %% of a CPU, monitor %.1f %%; crash-loop restarts %.2f/s quiet, %.2f/s flooded\n",
              100 * net_cpu, 100 * mon_cpu, quiet_rate, busy_rate);
  // Bounded: a fraction of one CPU (3 % here, plain; the budget is 10,000 a second).
  CHECK_TEXT(net_cpu < 0.5, ("pmtr-net used " + std::to_string(net_cpu) + " of a CPU").c_str());
  // The monitor is not in the datagrams' path: its pace holds.
  CHECK_TEXT(busy_rate > 0.6 * quiet_rate, (std::to_string(busy_rate) + " < " + std::to_string(quiet_rate)).c_str());
  // Nothing touched, pmtr-net alive and quiet: a line a second at most.
  CHECK(process_alive(web));
  CHECK_EQUAL(1, pmtr.count_log("started job web ["));
  CHECK_EQUAL(0, pmtr.count_log("udp: "));
  CHECK_EQUAL(np, pmtr.net_pid());
  CHECK(pmtr.wait_log("dropped: ", 3000ms));
  std::printf("flood: %d lines of dropped datagrams\n", pmtr.count_log("dropped: "));
  CHECK(pmtr.count_log("dropped: ") <= 8);
}
