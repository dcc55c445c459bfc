#include "spawner/spawn_report.hpp"

#include <cerrno>

#include "common/syscalls.hpp"

namespace pmtr {
namespace {

// The kernel never reports an errno above 4095 (MAX_ERRNO).
constexpr uint32_t kMaxErrno = 4095;

bool known_step(uint8_t v) noexcept {
  return v >= static_cast<uint8_t>(SpawnStep::Setsid) && v <= static_cast<uint8_t>(kLastSpawnStep);
}

SpawnReport failed(SpawnStep step, int err) noexcept {
  return SpawnReport{SpawnReport::State::Failed, SpawnFailure{step, err}};
}

}  // namespace

const char* spawn_step_name(SpawnStep step) noexcept {
  switch (step) {
    case SpawnStep::Setsid: return "setsid";
    case SpawnStep::Signals: return "reset signals";
    case SpawnStep::Umask: return "umask";
    case SpawnStep::Rlimit: return "setrlimit";
    case SpawnStep::Nice: return "setpriority";
    case SpawnStep::Affinity: return "sched_setaffinity";
    case SpawnStep::Setgid: return "setgid";
    case SpawnStep::Setgroups: return "setgroups";
    case SpawnStep::Setuid: return "setuid";
    case SpawnStep::Chdir: return "chdir";
    case SpawnStep::OpenIn: return "open in";
    case SpawnStep::OpenOut: return "open out";
    case SpawnStep::OpenErr: return "open err";
    case SpawnStep::Dup: return "dup2";
    case SpawnStep::CloseFds: return "close fds";
    case SpawnStep::Exec: return "execve";
    case SpawnStep::PlaceFds: return "place fds";
    case SpawnStep::Cgroup: return "cgroup";
    case SpawnStep::Caps: return "caps";
    case SpawnStep::NoNewPrivs: return "nonewprivs";
  }
  return "unknown step";
}

std::optional<SpawnFailure> decode_spawn_record(std::span<const unsigned char> b) noexcept {
  if (b.size() != kSpawnRecordBytes || !known_step(b[0])) return std::nullopt;
  const uint32_t e = static_cast<uint32_t>(b[1]) | (static_cast<uint32_t>(b[2]) << 8) |
                     (static_cast<uint32_t>(b[3]) << 16) | (static_cast<uint32_t>(b[4]) << 24);
  if (e == 0 || e > kMaxErrno) return std::nullopt;
  return SpawnFailure{static_cast<SpawnStep>(b[0]), static_cast<int>(e)};
}

SpawnReport read_spawn_report(int error_pipe) noexcept {
  // One byte more than a record, so an oversized report is seen as such.
  // The child writes its record with one write() before exiting, so a
  // single read returns all of it.
  unsigned char buf[kSpawnRecordBytes + 1];
  const IoResult r = sys_read(error_pipe, buf, sizeof buf);
  if (!r.ok()) {
    if (r.err == EAGAIN) return SpawnReport{};
    return failed(SpawnStep::Exec, r.err);
  }
  if (r.bytes == 0) return SpawnReport{SpawnReport::State::Execed, {}};
  const auto decoded = decode_spawn_record(std::span<const unsigned char>(buf, r.bytes));
  if (!decoded) return failed(SpawnStep::Exec, EPROTO);
  return failed(decoded->step, decoded->err);
}

std::optional<SpawnFailure> read_spawn_failure(int error_pipe) noexcept {
  const SpawnReport r = read_spawn_report(error_pipe);
  switch (r.state) {
    case SpawnReport::State::Pending: return SpawnFailure{SpawnStep::Exec, EAGAIN};
    case SpawnReport::State::Execed: return std::nullopt;
    case SpawnReport::State::Failed: return r.failure;
  }
  return SpawnFailure{SpawnStep::Exec, EPROTO};
}

}  // namespace pmtr
