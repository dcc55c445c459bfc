#include "bench/log_pipeline.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bench/launch.hpp"
#include "bench/log_tally.hpp"
#include "bench/peer_run.hpp"
#include "bench/proc_events.hpp"

namespace pmtr::bench {
namespace {

// Both ends of a pipe, closed when the pipeline has been started: the
// children hold their copies, and the logger sees EOF only when the writer
// is gone.
struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) fd[0] = fd[1] = -1;
  }
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
};

}  // namespace

const char* logger_name(Logger l) noexcept {
  switch (l) {
    case Logger::S6Log: return "s6-log";
    case Logger::Svlogd: return "svlogd";
  }
  return "?";
}

std::string logger_path(Logger l) { return which(logger_name(l)); }

std::vector<std::string> logger_argv(Logger l, const std::string& dir, std::string* why) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *why = "cannot create " + dir + ": " + ec.message();
    return {};
  }
  const std::string bin = logger_path(l);
  if (bin.empty()) {
    *why = std::string(logger_name(l)) + " is not installed";
    return {};
  }
  const std::string size = std::to_string(kRotateBytes);
  const std::string keep = std::to_string(kKeep);
  if (l == Logger::S6Log) return {bin, "T", "s" + size, "n" + keep, dir};
  std::ofstream config(dir + "/config");
  config << "s" << size << "\nn" << keep << "\n";
  if (!config.flush()) {
    *why = "cannot write " + dir + "/config";
    return {};
  }
  return {bin, "-tt", dir};
}

Pipeline start_pipeline(const std::vector<std::string>& writer, const std::vector<std::string>& logger,
                        const std::string& output) {
  Pipeline p;
  Pipe pipe;
  if (pipe.fd[0] < 0) return p;
  Launch lw;
  lw.argv = writer;
  lw.output = output;
  lw.stdout_fd = pipe.fd[1];
  Launch ll;
  ll.argv = logger;
  ll.output = output;
  ll.stdin_fd = pipe.fd[0];
  p.logger = launch(ll);
  p.writer = launch(lw);
  return p;
}

void end_pipeline(Pipeline& p) {
  for (pid_t* pid : {&p.writer, &p.logger}) {
    if (*pid <= 0) continue;
    kill(*pid, SIGKILL);
    int st = 0;
    (void)reap(*pid, 5000, &st);
    *pid = -1;
  }
}

bool wait_written(const std::string& dir, int quiet_ms, int timeout_ms) {
  const uint64_t deadline = now_ns() + static_cast<uint64_t>(timeout_ms) * 1000000u;
  uint64_t last = dir_bytes(dir);
  uint64_t since = now_ns();
  while (now_ns() < deadline) {
    usleep(50000);
    const uint64_t b = dir_bytes(dir);
    if (b != last) {
      last = b;
      since = now_ns();
    } else if (now_ns() - since >= static_cast<uint64_t>(quiet_ms) * 1000000u) {
      return true;
    }
  }
  return false;
}

}  // namespace pmtr::bench
