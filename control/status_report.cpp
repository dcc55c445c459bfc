#include "control/status_report.hpp"

#include "control/humanize.hpp"
#include "control/signal_names.hpp"
#include "control/text.hpp"

namespace pmtr::ctl {

bool is_up(PublicState s) noexcept {
  switch (s) {
    case PublicState::Starting:
    case PublicState::Running:
    case PublicState::Ready:
      return true;
    case PublicState::Waiting:
    case PublicState::Stopping:
    case PublicState::Delayed:
    case PublicState::Stopped:
    case PublicState::Disabled:
    case PublicState::Done:
    case PublicState::Failed:
      return false;
  }
  return false;
}

std::optional<uint64_t> uptime_ms(const JobStatus& j, uint64_t now_ms) noexcept {
  if (j.pid <= 0 || j.started_ms == 0) return std::nullopt;
  return ms_between(j.started_ms, now_ms);
}

std::optional<uint64_t> next_start_in_ms(const JobStatus& j, uint64_t now_ms) noexcept {
  if (j.state != PublicState::Delayed || j.next_start_ms == 0) return std::nullopt;
  return ms_between(now_ms, j.next_start_ms);
}

void append_last_exit(std::string& out, const JobStatus& j, uint64_t now_ms) {
  if (j.last_exit_kind == kExitCode) {
    out += "exited ";
    append_i64(out, j.last_exit_value);
  } else if (j.last_exit_kind == kExitSignal) {
    out += "killed by ";
    append_signal_name(out, j.last_exit_value);
  } else {
    out += '-';
    return;
  }
  if (j.last_exit_ms == 0) return;
  out += " (";
  append_ago(out, ms_between(j.last_exit_ms, now_ms));
  out += ')';
}

}  // namespace pmtr::ctl
