#include "monitor/restart_policy.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace pmtr {

ExitVerdict classify_exit(const LifecyclePolicy& p, bool once, const ExitFacts& f,
                          std::span<const TimePoint> quick_exits, TimePoint now) noexcept {
  const bool exited = WIFEXITED(f.wait_status);
  // A start that failed has no status of its own to obey.
  if (!f.failed_start && exited && WEXITSTATUS(f.wait_status) == kExitDoNotRestart)
    return {JobEvent::ExitDone, "exit status 33"};
  if (once) return {JobEvent::ExitDone, "once"};
  switch (p.restart) {
    case RestartMode::Never:
      return {JobEvent::ExitDone, "restart never"};
    case RestartMode::OnFailure:
      if (!f.failed_start && exited && WEXITSTATUS(f.wait_status) == 0)
        return {JobEvent::ExitDone, "clean exit under restart on-failure"};
      break;
    case RestartMode::Always:
      break;
  }
  const bool quick = f.failed_start || f.uptime < from_ms(p.stable_after_ms);
  if (!quick) return {JobEvent::ExitRestart, ""};
  if (p.give_up_count != 0) {
    const TimePoint since = now - from_ms(p.give_up_window_ms);
    const auto recent = std::count_if(quick_exits.begin(), quick_exits.end(),
                                      [&](TimePoint t) { return t > since; });
    if (static_cast<uint64_t>(recent) + 1 >= p.give_up_count) return {JobEvent::ExitGiveUp, ""};
  }
  return {JobEvent::ExitDelay, ""};
}

uint32_t next_backoff_ms(const LifecyclePolicy& p, uint32_t current_ms) noexcept {
  const uint64_t doubled = 2ull * current_ms;
  return static_cast<uint32_t>(std::min<uint64_t>(std::max<uint64_t>(doubled, p.backoff_min_ms), p.backoff_max_ms));
}

void note_quick_exit(const LifecyclePolicy& p, std::vector<TimePoint>& quick_exits, TimePoint now) {
  if (p.give_up_count == 0) {
    quick_exits.clear();
    return;
  }
  const TimePoint since = now - from_ms(p.give_up_window_ms);
  quick_exits.erase(std::remove_if(quick_exits.begin(), quick_exits.end(), [&](TimePoint t) { return t <= since; }),
                    quick_exits.end());
  quick_exits.push_back(now);
  if (quick_exits.size() > p.give_up_count)
    quick_exits.erase(quick_exits.begin(), quick_exits.end() - p.give_up_count);
}

TimePoint next_bounce(uint32_t bounce_seconds, TimePoint started) noexcept {
  if (bounce_seconds == 0) return kNever;
  return started + std::chrono::seconds(bounce_seconds);
}

void describe_wait_status(int st, char* buf, size_t len) noexcept {
  if (WIFEXITED(st))
    std::snprintf(buf, len, "exit status %d", WEXITSTATUS(st));
  else if (WIFSIGNALED(st))
    std::snprintf(buf, len, "signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
  else
    std::snprintf(buf, len, "wait status %#x", st);
}

void describe_duration(Duration d, char* buf, size_t len) noexcept {
  using namespace std::chrono;
  const long long ms = duration_cast<milliseconds>(d).count();
  // Whole seconds up to two minutes ("delaying restart 10 s", as the
  // original pmtr said it); a short delay that is not whole in ms.
  if (ms < 10000 && ms % 1000 != 0) {
    std::snprintf(buf, len, "%lld ms", ms);
    return;
  }
  const long long s = ms / 1000;
  if (s < 120) std::snprintf(buf, len, "%lld s", s);
  else if (s < 3600) std::snprintf(buf, len, "%lld min %lld s", s / 60, s % 60);
  else if (s < 86400) std::snprintf(buf, len, "%lld h %lld min", s / 3600, (s % 3600) / 60);
  else std::snprintf(buf, len, "%lld d %lld h", s / 86400, (s % 86400) / 3600);
}

}  // namespace pmtr
