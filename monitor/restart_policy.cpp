#include "monitor/restart_policy.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <cstring>

namespace pmtr {

ExitVerdict decide_after_exit(bool once, TimePoint started, TimePoint now, int wait_status) noexcept {
  if (once) return {AfterExit::StayDown, kNever, "once"};
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == kExitDoNotRestart)
    return {AfterExit::StayDown, kNever, "exit status 33"};
  if (now - started >= kQuickExit) return {AfterExit::RestartNow, now, ""};
  return {AfterExit::RestartLater, now + kRestartDelay, ""};
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

}  // namespace pmtr
