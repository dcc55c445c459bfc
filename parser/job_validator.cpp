#include "parser/job_validator.hpp"

#include "common/limits.hpp"
#include "common/messages.hpp"

namespace pmtr::conf {
namespace {

// A bound on encoded_job_size() that costs no allocation: every string
// with a 4-byte length, every list with a 4-byte count, generous room for
// the fixed fields.  Only jobs near the cap pay for the exact encoding.
size_t size_bound(const JobDesc& j) {
  constexpr size_t kFixedRoom = 1024;
  size_t n = kFixedRoom + j.name.size() + j.dir.size() + j.in.size() + j.out.size() +
             j.err.size() + j.user.size() + j.confine.group.size() + 2 * j.cpus.size() +
             16 * j.ulimits.size() + j.confine.caps.size();
  for (const auto* list : {&j.argv, &j.env, &j.depends, &j.operators, &j.confine.groups})
    for (const auto& s : *list) n += 8 + s.size();
  return n;
}

// Readiness options without the fd that carries readiness: an option
// given (even with a rejected value) counts, so nothing is reported twice.
void readiness_needs_fd(const JobState& js, DiagSink& diag) {
  if (js.given(Setting::ReadyFd)) return;
  if (js.given(Setting::ReadyTimeout)) {
    const SourcePos at = js.first(Setting::ReadyTimeout);
    diag.error(at.line, at.col, "'ready timeout' needs a 'ready fd' in the same job");
  }
  if (js.job->wait_ready) {
    const SourcePos at = js.first(Setting::Wait);
    diag.error(at.line, at.col,
               "'wait ready' needs a 'ready fd' in the same job (without it the job never signals readiness)");
  }
}

// `log` captures what `out` and `err` do not take: with both, nothing.
void log_captures_something(const JobState& js, DiagSink& diag) {
  if (!js.job->log || !js.given(Setting::Out) || !js.given(Setting::Err)) return;
  const SourcePos at = js.first(Setting::Log);
  diag.warning(at.line, at.col,
               "'log' captures nothing here: the job's stdout goes to 'out' and its stderr to 'err'");
}

}  // namespace

void validate_job(const JobState& js, bool terminated, DiagSink& diag) {
  const JobDesc& j = *js.job;
  const auto who = [&j] { return j.name.empty() ? std::string("job") : cat({"job ", quote(j.name)}); };
  if (terminated) {
    if (!js.given(Setting::Name)) diag.error(j.pos.line, j.pos.col, "job has no 'name'");
    if (!js.given(Setting::Cmd)) diag.error(j.pos.line, j.pos.col, cat({who(), " has no 'cmd'"}));
    readiness_needs_fd(js, diag);
    log_captures_something(js, diag);
  }
  if (size_bound(j) > limits::kJobEncodedBytes) {
    const size_t size = encoded_job_size(j);
    if (size > limits::kJobEncodedBytes)
      diag.error(j.pos.line, j.pos.col,
                 cat({who(), " is too large (", std::to_string(size), " bytes encoded, max ",
                      std::to_string(limits::kJobEncodedBytes), ")"}));
  }
}

}  // namespace pmtr::conf
