#include "monitor/job_table.hpp"

#include <algorithm>

#include "common/log.hpp"

namespace pmtr {

void Job::set_definition(JobDesc desc) {
  if (name.empty()) name = desc.name;
  order = desc.order;
  bounce_seconds = desc.bounce_seconds;
  wait = desc.wait;
  wait_ready = desc.wait_ready;
  once = desc.once;
  disabled = desc.disabled;
  policy = desc.policy;
  definition = job_definition_key(desc);
  definition.shrink_to_fit();
  operators = std::move(desc.operators);
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
// On its way out of the config: not what the config says any more.
bool leaving(const Job& job) { return job.state == JobState::StoppingRemove || job.state == JobState::Absent; }
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

Job& JobTable::create(std::string name, uint32_t index) {
  auto job = std::make_unique<Job>();
  job->name = std::move(name);
  job->index = index;
  Job& ref = *job;
  if (auto it = jobs_.find(ref.name); it != jobs_.end()) {
    // The caller checks first; should it not, no pid may dangle.
    if (it->second->pid > 0) by_pid_.erase(it->second->pid);
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
    if (job->pending) {
      out.push_back(*job->pending);
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
