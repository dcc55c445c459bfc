#include "bench/process_watch.hpp"

#include <signal.h>
#include <time.h>

#include <algorithm>

#include "bench/proc_tree.hpp"

namespace pmtr::bench {
namespace {

// How long the bench sleeps between reading batches of events, and
// between /proc scans in the fallback.
constexpr uint64_t kBatchNs = 5000000;
constexpr uint64_t kPollNs = 1000000;

volatile sig_atomic_t g_stop = 0;

std::string basename_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

void ProcessWatch::request_stop() noexcept { g_stop = 1; }
bool ProcessWatch::stop_requested() noexcept { return g_stop != 0; }

void ProcessWatch::open(bool use_connector) {
  if (!use_connector) {
    why_ = "polling /proc every 1 ms (asked for)";
    return;
  }
  if (!connector_.open(&why_)) why_ = "process-events connector unavailable (" + why_ + "); polling /proc every 1 ms";
}

void ProcessWatch::follow(pid_t root) {
  root_ = root;
  members_.clear();
  Member m;
  m.exe = exe_of(root);
  members_[root] = m;
  clear_events();
  lost_ = false;
}

void ProcessWatch::clear_events() {
  events_.clear();
  job_execs_ = 0;
  last_job_exec_ns_ = 0;
  child_exits_ = 0;
}

bool ProcessWatch::is_helper(pid_t pid) const {
  if (helpers_.empty()) return false;
  const std::string exe = basename_of(exe_of(pid));
  return std::find(helpers_.begin(), helpers_.end(), exe) != helpers_.end();
}

bool ProcessWatch::is_job_exe(pid_t pid) const {
  const std::string exe = basename_of(exe_of(pid));
  return std::find(job_exes_.begin(), job_exes_.end(), exe) != job_exes_.end();
}

void ProcessWatch::handle(const ProcEvent& ev) {
  switch (ev.kind) {
    case ProcEventKind::Lost:
      lost_ = true;
      return;
    case ProcEventKind::Fork: {
      if (ev.pid == root_) return;   // the bench's own fork of the root
      auto parent = members_.find(ev.parent);
      if (parent == members_.end() || parent->second.exit_ns != 0) {
        members_.erase(ev.pid);   // a reused pid outside the tree
        return;
      }
      Member m;
      m.parent = ev.parent;
      m.depth = parent->second.depth + 1;
      members_[ev.pid] = m;
      events_.push_back({ev.kind, ev.ns, ev.pid, ev.parent, m.depth, false});
      return;
    }
    case ProcEventKind::Exec: {
      auto it = members_.find(ev.pid);
      if (it == members_.end()) return;
      Member& m = it->second;
      m.execd = true;
      if (job_exes_.empty()) {
        m.job = m.depth == job_depth_ && !is_helper(ev.pid);
        events_.push_back({ev.kind, ev.ns, ev.pid, m.parent, m.depth, m.job});
        if (m.job) {
          ++job_execs_;
          last_job_exec_ns_ = std::max(last_job_exec_ns_, ev.ns);
        }
        return;
      }
      // Read late, /proc may already show the second exec: count the
      // process once, and take the latest stamp (the job's own exec, whose
      // event is queued by then and read in the same batch).
      const bool was_job = m.job;
      m.job = m.job || (m.depth == job_depth_ && is_job_exe(ev.pid));
      events_.push_back({ev.kind, ev.ns, ev.pid, m.parent, m.depth, m.job});
      if (m.job) {
        if (!was_job) ++job_execs_;
        last_job_exec_ns_ = std::max(last_job_exec_ns_, ev.ns);
      }
      return;
    }
    case ProcEventKind::Exit: {
      auto it = members_.find(ev.pid);
      if (it == members_.end() || it->second.exit_ns != 0) return;
      it->second.exit_ns = ev.ns;
      if (it->second.depth == job_depth_) ++child_exits_;
      events_.push_back({ev.kind, ev.ns, ev.pid, it->second.parent, it->second.depth, it->second.job});
      return;
    }
  }
}

// The fallback: the tree as /proc shows it now, turned into the events
// that explain the difference, stamped with the time of the scan.
void ProcessWatch::poll_once() {
  const uint64_t now = now_ns();
  // The root may have exec'd since follow(): its children start out with
  // the root's current executable.
  if (std::string exe = exe_of(root_); !exe.empty()) members_[root_].exe = std::move(exe);
  std::vector<std::pair<pid_t, pid_t>> seen{{root_, -1}};   // pid, parent
  for (size_t i = 0; i < seen.size(); ++i)
    for (pid_t c : children_of(seen[i].first)) seen.emplace_back(c, seen[i].first);
  std::unordered_map<pid_t, bool> present;
  for (const auto& [pid, parent] : seen) {
    present[pid] = true;
    auto it = members_.find(pid);
    if (it == members_.end() || it->second.exit_ns != 0) {
      if (members_.find(parent) == members_.end()) continue;
      handle({ProcEventKind::Fork, now, pid, parent});
      it = members_.find(pid);
      if (it == members_.end()) continue;
    }
    Member& m = it->second;
    if (m.execd || pid == root_) continue;
    // Until it execs, a forked child runs its parent's executable.
    const std::string exe = exe_of(pid);
    const auto parent_it = members_.find(m.parent);
    const std::string parent_exe = parent_it == members_.end() ? std::string() : parent_it->second.exe;
    if (m.exe.empty()) m.exe = parent_exe;
    if (!exe.empty() && exe != m.exe) {
      m.exe = exe;
      handle({ProcEventKind::Exec, now, pid, -1});
    }
  }
  std::vector<pid_t> gone;
  for (const auto& [pid, m] : members_)
    if (m.exit_ns == 0 && (present.count(pid) == 0 || (pid == root_ && !alive(pid)))) gone.push_back(pid);
  for (pid_t pid : gone) handle({ProcEventKind::Exit, now, pid, -1});
}

bool ProcessWatch::wait_until(const std::function<bool()>& pred, uint64_t deadline_ns) {
  for (;;) {
    if (connector_.is_open()) {
      // Everything queued, at once: the stamps are the kernel's, so reading
      // late costs no precision, and sleeping between batches keeps the
      // bench off the CPU while the supervisor works (it would otherwise
      // wake for every fork, exec and exit on the machine).
      ProcEvent ev;
      for (;;) {
        const ReadResult r = connector_.next(ev, 0);
        if (r == ReadResult::Event) {
          handle(ev);
          continue;
        }
        if (r == ReadResult::Error) lost_ = true;
        break;
      }
    } else {
      poll_once();
    }
    if (pred()) return true;
    const uint64_t now = now_ns();
    if (now >= deadline_ns || g_stop != 0) return false;
    const uint64_t nap = std::min<uint64_t>(deadline_ns - now, connector_.is_open() ? kBatchNs : kPollNs);
    timespec ts{static_cast<time_t>(nap / 1000000000u), static_cast<long>(nap % 1000000000u)};
    ::nanosleep(&ts, nullptr);
  }
}

void ProcessWatch::drain_for(uint64_t ns) {
  (void)wait_until([] { return false; }, now_ns() + ns);
}

uint64_t ProcessWatch::exit_ns(pid_t pid) const {
  auto it = members_.find(pid);
  return it == members_.end() ? 0 : it->second.exit_ns;
}

std::vector<pid_t> ProcessWatch::alive_members() const {
  std::vector<pid_t> out;
  for (const auto& [pid, m] : members_)
    if (m.exit_ns == 0) out.push_back(pid);
  return out;
}

std::vector<pid_t> ProcessWatch::running_jobs() const {
  std::vector<pid_t> out;
  for (const auto& [pid, m] : members_)
    if (m.exit_ns == 0 && m.job) out.push_back(pid);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pmtr::bench
