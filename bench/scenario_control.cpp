// Scenario 9, the control socket: the whole `pmtrctl status` command on
// 1,000 running jobs and on 100,000 (disabled) ones; `pmtrctl restart JOB`
// until the new instance has exec'd; and 200 clients hammering status
// while 100 jobs crash-loop: the restart latency of the other jobs, and the
// monitor's CPU, against the same without the clients.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench.hpp"
#include "bench/proc_tree.hpp"
#include "common/control_messages.hpp"
#include "control/client.hpp"

extern char** environ;

namespace pmtr::bench {
namespace {

const char* const kControl = "9 control";

std::string control_socket() {
  const char* s = getenv("PMTR_CONTROL_SOCKET");
  return s != nullptr ? s : "";
}

// Runs a command with stdout and stderr on /dev/null; ns from spawn to its
// exit, 0 when it did not exit 0.
uint64_t timed(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  const uint64_t t0 = now_ns();
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return 0;
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  const uint64_t t = now_ns() - t0;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? t : 0;
}

// A status request answered whole, its records dropped (pmtrctl's own
// client, without its output).
struct Discard final : ctl::ReplySink {
  void begin(const CtlStatusBegin&) override {}
  void jobs(std::vector<JobStatus>&&) override {}
  void diag(const CtlDiag&) override {}
};

bool status_answered(const std::string& socket) {
  Discard sink;
  return ctl::exchange(socket, CtlStatusRequest{}, ctl::Timeouts{2000, 2000, 2000}, sink).kind ==
         ctl::AnswerKind::StatusEnd;
}

bool listening() { return status_answered(control_socket()); }

void status_runs(Bench& b, const std::string& config_name, const std::vector<JobSpec>& jobs, size_t wait_for,
                 Result& row, int runs) {
  Run run = b.start_pmtr(b.write_config(config_name, jobs), config_name);
  const bool up = wait_for == 0 ? b.watch().wait_until([] { return listening(); }, now_ns() + secs(60))
                                : b.wait_jobs(wait_for, secs(60));
  if (up && b.watch().wait_until([] { return listening(); }, now_ns() + secs(30))) {
    const std::string ctl = b.settings().build + "/pmtrctl";
    for (int i = 0; i < runs; ++i) {
      const uint64_t t = timed({ctl, "status"});
      if (t == 0) {
        row.void_reason = "pmtrctl status failed";
        break;
      }
      row.samples.push_back(to_ms(t));
    }
  } else {
    row.void_reason = "pmtr did not come up";
  }
  b.stop(run, secs(60), nullptr);
  b.check_log(run, config_name);
  b.finish(run);
}

// SIGKILL to one sleep, then until a new sleep has exec'd: ms.
double kill_to_exec(Bench& b, pid_t victim) {
  ProcessWatch& w = b.watch();
  w.clear_events();
  const uint64_t t0 = now_ns();
  kill(victim, SIGKILL);
  if (!w.wait_until([&] { return w.job_execs() >= 1; }, t0 + secs(5))) return -1;
  return to_ms(w.last_job_exec_ns() - t0);
}

void restart_and_hammer(Bench& b) {
  Result& restart = b.row(kControl, "pmtrctl restart JOB -> new instance exec'd", Unit::Millis,
                          at_most(3, "<= 3 ms median"));
  // What any command costs on this machine before it says a word: the
  // part of the restart row that is not pmtr's.
  Result& floor = b.row(kControl, "pmtrctl --version alone (starting the command)", Unit::Millis);
  Result& calm = b.row(kControl, "kill -> replacement exec, 20 jobs, 100 others crash-looping", Unit::Millis);
  Result& busy = b.row(kControl, "the same while 200 clients hammer status", Unit::Millis);
  Result& ratio = b.row(kControl, "restart latency, hammered / calm (median)", Unit::Times, at_most(2, "<= 2x"));
  Result& cpu_calm = b.row(kControl, "monitor CPU, calm (the crash-loopers' restarts)", Unit::Percent);
  Result& cpu = b.row(kControl, "monitor CPU while hammered", Unit::Percent, below(25, "< 25 % of a core"));
  Result& served = b.row(kControl, "status replies served while hammered", Unit::PerSecond);

  std::vector<JobSpec> jobs = make_jobs(20, JobKind::Sleep, "r");
  for (size_t i = 0; i < 100; ++i) {
    JobSpec j;
    j.name = job_name("c", i);
    j.argv = {"/bin/false"};
    j.extra = {"backoff 1s to 1s", "stable after 1s"};   // a restart a second each
    jobs.push_back(j);
  }
  b.watch().set_job_rule(1, {"sleep"});   // the crash-loopers' execs are not the jobs measured
  Run run = b.start_pmtr(b.write_config("control-load", jobs), "control-load");
  if (!b.wait_jobs(20, secs(30)) || !b.watch().wait_until([] { return listening(); }, now_ns() + secs(10))) {
    restart.void_reason = calm.void_reason = "pmtr did not come up";
  } else {
    // Past `stable after` (10 s by default) for the sleeps.
    b.watch().drain_for(secs(11));
    const std::string ctl = b.settings().build + "/pmtrctl";
    for (size_t i = 0; i < b.settings().restart_samples; ++i)
      if (const uint64_t t = timed({ctl, "--version"}); t != 0) floor.samples.push_back(to_ms(t));
    for (size_t i = 0; i < b.settings().restart_samples; ++i) {
      ProcessWatch& w = b.watch();
      w.clear_events();
      const uint64_t t0 = now_ns();
      if (timed({ctl, "restart", job_name("r", i % 20)}) == 0 ||
          !w.wait_until([&] { return w.job_execs() >= 1; }, t0 + secs(5))) {
        restart.void_reason = "no new instance within 5 s";
        break;
      }
      restart.samples.push_back(to_ms(w.last_job_exec_ns() - t0));
      w.drain_for(ms(20));
    }
    b.watch().drain_for(secs(11));   // the restarted ones are stable again
    std::vector<pid_t> victims = b.watch().running_jobs();
    const size_t half = victims.size() / 2;
    const uint64_t calm_ticks0 = cpu_ticks(run.pid);
    const uint64_t calm0 = now_ns();
    for (size_t i = 0; i < half; ++i)
      if (const double t = kill_to_exec(b, victims[i]); t >= 0) calm.samples.push_back(t);
    b.watch().drain_for(secs(2));
    cpu_calm.samples.push_back(static_cast<double>(cpu_ticks(run.pid) - calm_ticks0) /
                               static_cast<double>(ticks_per_second()) /
                               (static_cast<double>(now_ns() - calm0) / 1e9) * 100);

    std::atomic<bool> stop{false};
    std::atomic<uint64_t> replies{0};
    std::vector<std::thread> clients;
    const std::string sock = control_socket();
    for (int i = 0; i < 200; ++i)
      clients.emplace_back([&] {
        while (!stop.load(std::memory_order_relaxed))
          if (status_answered(sock)) ++replies;
          else std::this_thread::sleep_for(std::chrono::milliseconds(1));   // told busy: a breath, then again
      });
    b.watch().drain_for(ms(500));   // the flood has started
    const uint64_t ticks0 = cpu_ticks(run.pid);
    const uint64_t served0 = replies.load();
    const uint64_t t0 = now_ns();
    for (size_t i = half; i < victims.size(); ++i)
      if (const double t = kill_to_exec(b, victims[i]); t >= 0) busy.samples.push_back(t);
    b.watch().drain_for(secs(2));
    const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
    cpu.samples.push_back(static_cast<double>(cpu_ticks(run.pid) - ticks0) /
                          static_cast<double>(ticks_per_second()) / seconds * 100);
    served.samples.push_back(static_cast<double>(replies.load() - served0) / seconds);
    stop = true;
    for (auto& t : clients) t.join();
    if (!calm.samples.empty() && !busy.samples.empty())
      ratio.samples.push_back(summarize(busy.samples).median / summarize(calm.samples).median);
  }
  b.stop(run, secs(30), nullptr);
  b.check_log(run, "control-load");
  b.finish(run);
  b.watch().set_job_rule(1, {});
}

}  // namespace

void scenario_control(Bench& b) {
  const Settings& s = b.settings();
  if (control_socket().empty() || access((s.build + "/pmtrctl").c_str(), X_OK) != 0) {
    b.note("control: %s/pmtrctl or the control socket is missing; scenario skipped", s.build.c_str());
    return;
  }
  const size_t n = s.n_large;
  std::fprintf(stderr, "bench: pmtrctl status, %zu running jobs\n", n);
  Result& small = b.row(kControl, "pmtrctl status, " + std::to_string(n) + " running jobs: whole command",
                        Unit::Millis, at_most(10, "<= 10 ms median"));
  status_runs(b, "control-1k", make_jobs(n, JobKind::Sleep, "s"), n, small, 20);

  const size_t big = s.check_large;
  std::fprintf(stderr, "bench: pmtrctl status, %zu disabled jobs\n", big);
  Result& large = b.row(kControl, "pmtrctl status, " + std::to_string(big) + " jobs: whole command", Unit::Millis,
                        at_most(500, "<= 0.5 s median"));
  std::vector<JobSpec> many = make_jobs(big, JobKind::Sleep, "d");
  for (auto& j : many) j.extra = {"disable"};
  status_runs(b, "control-100k", many, 0, large, 5);

  std::fprintf(stderr, "bench: pmtrctl restart, and 200 clients hammering status\n");
  restart_and_hammer(b);
}

}  // namespace pmtr::bench
