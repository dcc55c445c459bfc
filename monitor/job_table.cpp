#include "monitor/job_table.hpp"

#include <algorithm>

#include "common/log.hpp"

namespace pmtr {

const char* job_state_name(JobState s) noexcept {
  switch (s) {
    case JobState::Idle: return "idle";
    case JobState::Running: return "running";
    case JobState::Stopping: return "stopping";
    case JobState::Delayed: return "delayed";
    case JobState::Done: return "done";
    case JobState::Disabled: return "disabled";
  }
  return "?";
}

void Job::set_definition(JobDesc desc) {
  if (name.empty()) name = desc.name;
  order = desc.order;
  bounce_seconds = desc.bounce_seconds;
  wait = desc.wait;
  once = desc.once;
  disabled = desc.disabled;
  definition = job_definition_key(desc);
  definition.shrink_to_fit();
  depends = std::move(desc.depends);
}

Job* JobTable::find(std::string_view name) noexcept {
  auto it = jobs_.find(name);
  return it == jobs_.end() ? nullptr : it->second.get();
}

Job* JobTable::find_pid(pid_t pid) noexcept {
  auto it = by_pid_.find(pid);
  return it == by_pid_.end() ? nullptr : it->second;
}

namespace {
bool leaving(const Job& job) { return job.state == JobState::Stopping && job.after_stop == AfterStop::Remove; }
}  // namespace

bool JobTable::is_defined(std::string_view name) noexcept {
  const Job* job = find(name);
  return job != nullptr && !leaving(*job);
}

size_t JobTable::defined_count() const noexcept {
  size_t n = 0;
  for (const auto& [name, job] : jobs_) n += leaving(*job) ? 0 : 1;
  return n;
}

Job& JobTable::add(JobDesc desc, uint32_t index) {
  auto job = std::make_unique<Job>();
  job->set_definition(std::move(desc));
  job->index = index;
  job->state = job->disabled ? JobState::Disabled : JobState::Idle;
  Job& ref = *job;
  if (auto it = jobs_.find(ref.name); it != jobs_.end()) {
    if (it->second->pid > 0) by_pid_.erase(it->second->pid);   // never leave a dangling pid
    jobs_.erase(it);   // the old key views the old Job's name
  }
  jobs_.emplace(ref.name, std::move(job));
  order_dirty_ = true;
  return ref;
}

void JobTable::erase(std::string_view name) noexcept {
  auto it = jobs_.find(name);
  if (it == jobs_.end()) return;
  if (it->second->pid > 0) by_pid_.erase(it->second->pid);
  jobs_.erase(it);
  order_dirty_ = true;
}

void JobTable::set_pid(Job& job, pid_t pid) {
  if (job.pid > 0) by_pid_.erase(job.pid);
  job.pid = pid;
  if (pid > 0) by_pid_[pid] = &job;
}

const std::vector<Job*>& JobTable::start_order() noexcept {
  if (order_dirty_) {
    order_.clear();
    order_.reserve(jobs_.size());
    for (auto& [name, job] : jobs_) order_.push_back(job.get());
    std::sort(order_.begin(), order_.end(), [](const Job* a, const Job* b) {
      if (a->order != b->order) return a->order < b->order;
      return a->index < b->index;
    });
    order_dirty_ = false;
  }
  return order_;
}

std::vector<JobDesc> JobTable::definitions() const {
  std::vector<std::pair<uint32_t, const Job*>> v;
  v.reserve(jobs_.size());
  // What the config says now: a job on its way out is gone, a job waiting
  // to restart with a new definition already has it.
  for (const auto& [name, job] : jobs_)
    if (!leaving(*job)) v.emplace_back(job->index, job.get());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<JobDesc> out;
  out.reserve(v.size());
  for (const auto& [index, job] : v) {
    if (job->next_desc) {
      out.push_back(*job->next_desc);
    } else if (auto d = job->descriptor()) {
      out.push_back(std::move(d).value());
    } else {
      // We encoded it ourselves: this is a bug.  Said loudly, since the
      // parser will then send the job as new and the monitor refuse it.
      log_crit("job %s: stored definition unreadable: %s", job->name.c_str(), d.error().what.c_str());
    }
  }
  return out;
}

}  // namespace pmtr
