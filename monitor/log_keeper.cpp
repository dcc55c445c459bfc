#include "monitor/log_keeper.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/channel.hpp"
#include "common/diagnostic.hpp"
#include "common/limits.hpp"
#include "common/log.hpp"
#include "common/log_messages.hpp"
#include "monitor/helper_start.hpp"
#include "monitor/log_dir.hpp"
#include "monitor/restart_policy.hpp"
#include "spawner/spawn.hpp"

namespace pmtr {
namespace {

// pmtr-log's fds (logger/log_session.hpp).
constexpr int kOutFd = 4, kJournalFd = 5, kCounterReadFd = 6, kCounterWriteFd = 7;   // the channel: 3
constexpr size_t kJournalBytes = 4096;
// The counter holds up to this much before pmtr-log empties it: 256
// buffer slots, about 15 batches of its 16-slot scratch pipe.
constexpr int kCounterBytes = 1 << 20;
constexpr int kRecordsPerTurn = 64;

long long ms(Duration d) { return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); }

}  // namespace

Status LogKeeper::init(const ParserIdentity& helper) {
  helper_ = helper;
  unique_fd j(::memfd_create("pmtr-log journal", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!j) return Error::from_errno("memfd_create for pmtr-log's journal");
  if (::ftruncate(j.get(), kJournalBytes) != 0) return Error::from_errno("pmtr-log's journal");
  // Its size is fixed: pmtr-log maps it whole and nobody may make it shrink
  // under that mapping.
  if (::fcntl(j.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
    return Error::from_errno("sealing pmtr-log's journal");
  journal_ = std::move(j);
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return Error::from_errno("pmtr-log's counter pipe");
  counter_read_.reset(p[0]);
  counter_write_.reset(p[1]);
  (void)::fcntl(p[1], F_SETPIPE_SZ, kCounterBytes);   // else the default: pmtr-log empties it more often
  return {};
}

bool LogKeeper::captures(const JobDesc& job) const noexcept {
  return (job.log || cfg_.all) && (job.out.empty() || job.err.empty());
}

void LogKeeper::configure(const LogConfig& cfg) {
  const bool moved = configured_ && (cfg.target != cfg_.target || cfg.dir != cfg_.dir ||
                                     cfg.rotate_bytes != cfg_.rotate_bytes || cfg.keep != cfg_.keep);
  cfg_ = cfg;
  configured_ = true;
  if (moved && pid_ > 0) {
    // pmtr-log takes its settings at start; a new one loses nothing.
    log_info("log settings changed: restarting pmtr-log");
    restart_now_ = true;
    kill_now();
  }
}

void LogKeeper::let_go_unless(const std::function<bool(const std::string&)>& still_captured) {
  std::vector<std::string> gone;
  for (auto& [name, p] : pipes_)
    if (!still_captured(name)) gone.push_back(name);
  for (const auto& name : gone) {
    auto node = pipes_.extract(name);
    let_go(std::move(node.mapped()));
  }
}

void LogKeeper::let_go(Pipe&& p) {
  // The job's own processes may still hold their copy: pmtr-log reads to
  // the end, which comes when the last of them exits.
  p.write.reset();
  const uint32_t slot = p.slot;
  if (sock_) send_or_fail(encode_log_message(LogDetach{slot}));
  draining_.emplace(slot, std::move(p));
}

uint32_t LogKeeper::take_slot() {
  if (!free_slots_.empty()) {
    const uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  return next_slot_++;
}

CaptureFds LogKeeper::capture(const JobDesc& job, TimePoint now) {
  CaptureFds out;
  if (!captures(job) || finishing_) return out;
  auto it = pipes_.find(job.name);
  if (it == pipes_.end()) {
    if (next_slot_ >= kMaxLogSlots && free_slots_.empty()) return out;
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) {
      log_warn("job %s: pipe for its output (output goes to /dev/null)", job.name.c_str());
      return out;
    }
    Pipe p;
    p.slot = take_slot();
    p.name = job.name;
    p.read.reset(ends[0]);
    p.write.reset(ends[1]);
    it = pipes_.emplace(job.name, std::move(p)).first;
    if (sock_) {
      if (Status s = send_attach(it->second, false); !s) failed("cannot hand it a pipe: " + s.error().message());
    } else if (pid_ <= 0 && restart_at_ == kNever) {
      restart_at_ = now;   // the first captured job: pmtr-log starts now
    }
  }
  out.fd = it->second.write.get();
  out.out = job.out.empty();
  out.err = job.err.empty();
  return out;
}

Status LogKeeper::send_attach(const Pipe& p, bool detached) {
  return send_record(sock_.get(), encode_log_message(LogAttach{p.slot, p.name, detached}), 0, p.read.get(),
                     "send to pmtr-log");
}

void LogKeeper::send_or_fail(const std::vector<std::byte>& record, int fd) {
  if (Status s = send_record(sock_.get(), record, 0, fd, "send to pmtr-log"); !s) failed(s.error().message());
}

void LogKeeper::spawn(TimePoint now) {
  restart_at_ = kNever;
  restart_now_ = false;
  auto retry = [&](const std::string& why) {
    log_warnx("pmtr-log: %s; trying again in %lld ms", why.c_str(), ms(backoff_));
    restart_at_ = now + backoff_;
    backoff_ = std::min<Duration>(backoff_ * 2, kLogBackoffMax);
  };
  unique_fd out;
  if (cfg_.target == CaptureTarget::Dir) {
    auto dir = prepare_log_dir(cfg_.dir, LogDirOwner{helper_.uid, log_group(helper_.gid)});
    if (!dir) return retry(dir.error().message());
    out = std::move(*dir);
  } else {
    out.reset(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0));
    if (!out) return retry(std::string("dup stderr: ") + std::strerror(errno));
  }
  std::vector<std::string> argv = {"pmtr: log", "--uid", std::to_string(helper_.uid), "--gid", std::to_string(helper_.gid),
                                   "--to", cfg_.target == CaptureTarget::Dir ? "dir" : "stderr", "--dir", cfg_.dir,
                                   "--rotate", std::to_string(cfg_.rotate_bytes), "--keep", std::to_string(cfg_.keep)};
  std::string warning;
  auto started = start_helper("pmtr-log", std::move(argv), {"GLIBC_TUNABLES=glibc.malloc.tcache_count=0"},
                              {{out.get(), kOutFd},
                               {journal_.get(), kJournalFd},
                               {counter_read_.get(), kCounterReadFd},
                               {counter_write_.get(), kCounterWriteFd}},
                              &warning);
  if (!warning.empty() && warning != last_program_warning_) {
    log_warnx("%s", warning.c_str());
    last_program_warning_ = warning;
  }
  if (!started) return retry(started.error().message());
  pid_ = started->pid;
  started_at_ = now;
  wrote_ = false;
  sock_ = std::move(started->channel);
  stderr_.watch(std::move(started->stderr_read), "pmtr-log [" + std::to_string(pid_) + "]");
  (void)loop_.add(sock_.get(), [this](uint32_t) { on_readable(); });
  log_debug("started pmtr-log [%d]", static_cast<int>(pid_));
  // Every pipe again, the let-go ones marked: pmtr-log knows nothing.
  for (auto& [name, p] : pipes_) {
    if (!sock_) return;
    if (Status s = send_attach(p, false); !s) return failed("cannot hand it a pipe: " + s.error().message());
  }
  for (auto& [slot, p] : draining_) {
    if (!sock_) return;
    if (Status s = send_attach(p, true); !s) return failed("cannot hand it a pipe: " + s.error().message());
  }
  for (const uint32_t slot : pending_rotations_) {
    if (!sock_) return;
    send_or_fail(encode_log_message(LogRotate{slot}));
  }
  pending_rotations_.clear();
  // At shutdown it is started only to drain: the closed channel says so.
  if (finishing_ && sock_) {
    loop_.remove(sock_.get());
    sock_.reset();
  }
}

void LogKeeper::on_readable() {
  static std::byte buf[limits::kMessageBytes + 1];
  for (int i = 0; i < kRecordsPerTurn && sock_; ++i) {
    RawRecord r = recv_record(sock_.get(), buf, MSG_DONTWAIT);
    if (r.status == RecvStatus::WouldBlock) return;
    if (r.status == RecvStatus::Closed) {
      loop_.remove(sock_.get());
      sock_.reset();   // its exit is reaped and handled by on_exit
      return;
    }
    if (r.status == RecvStatus::Bad) return failed("malformed message: " + r.why);
    Result<LogMessage> m = decode_log_message(std::span<const std::byte>(buf, r.size));
    if (!m) return failed("malformed message: " + m.error().message());
    if (std::holds_alternative<LogWrote>(*m)) {
      wrote_ = true;
      backoff_ = kLogBackoffMin;
    } else if (const auto* d = std::get_if<LogDrained>(&*m)) {
      auto it = draining_.find(d->slot);
      if (it == draining_.end()) return failed("protocol violation: drained pipe " + std::to_string(d->slot) + " was not let go");
      draining_.erase(it);
      free_slots_.push_back(d->slot);
    } else {
      return failed("protocol violation: a record only the monitor sends");
    }
  }
}

void LogKeeper::failed(const std::string& why) {
  // Never touches a job: pmtr-log goes, the pipes stay, a new one follows.
  log_crit("pmtr-log [%d]: %s; killing it", static_cast<int>(pid_), escape_for_log(why).c_str());
  kill_now();
}

void LogKeeper::kill_now() noexcept {
  if (sock_) {
    loop_.remove(sock_.get());
    sock_.reset();
  }
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

bool LogKeeper::on_exit(pid_t pid, int wait_status, TimePoint now) {
  if (pid <= 0 || pid != pid_) return false;
  pid_ = -1;
  if (sock_) {
    loop_.remove(sock_.get());
    sock_.reset();
  }
  stderr_.finish();   // its last words first
  if (finishing_) {
    // The one told to drain has done so; one that died otherwise (killed
    // just before the shutdown) leaves the pipes full: one more drains them.
    const bool drained = pid == drain_pid_ && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
    if (!drained && now < finish_by_ && !(pipes_.empty() && draining_.empty())) {
      spawn(now);
      if (pid_ > 0) {
        drain_pid_ = pid_;
        return true;
      }
    }
    finished_ = true;
    return true;
  }
  char how[96];
  describe_wait_status(wait_status, how, sizeof how);
  if (restart_now_) {
    restart_at_ = now;
    return true;
  }
  if (wrote_ || now - started_at_ >= kLogStableAfter) backoff_ = kLogBackoffMin;
  restart_at_ = now + backoff_;
  log_crit("pmtr-log [%d] %s; new pmtr-log in %lld ms (jobs keep writing to their pipes)", static_cast<int>(pid), how,
           ms(backoff_));
  backoff_ = std::min<Duration>(backoff_ * 2, kLogBackoffMax);
  return true;
}

void LogKeeper::on_timer(TimePoint now) {
  if (finishing_ && !finished_ && now >= finish_by_) {
    log_warnx("pmtr-log did not finish writing within %lld s; stopping it", ms(kLogFinishGrace) / 1000);
    kill_now();
    finished_ = true;
    return;
  }
  if (restart_at_ <= now && pid_ <= 0) spawn(now);
}

TimePoint LogKeeper::next_deadline() const noexcept {
  TimePoint next = restart_at_;
  if (finishing_ && !finished_) next = std::min(next, finish_by_);
  return next;
}

std::vector<std::string> LogKeeper::rotate(const std::vector<std::string>& names) {
  std::vector<std::string> unknown;
  std::vector<uint32_t> slots;
  if (names.empty()) slots.push_back(kEverySlot);
  for (const auto& n : names) {
    auto it = pipes_.find(n);
    if (it == pipes_.end()) {
      unknown.push_back(n);
      continue;
    }
    slots.push_back(it->second.slot);
  }
  // pmtr-log down (restarting): the next one rotates first thing.
  for (const uint32_t slot : slots) {
    if (sock_) send_or_fail(encode_log_message(LogRotate{slot}));
    else pending_rotations_.push_back(slot);
  }
  return unknown;
}

void LogKeeper::finish(TimePoint now) {
  if (finishing_) return;
  finishing_ = true;
  finish_by_ = now + kLogFinishGrace;
  for (auto& [name, p] : pipes_) p.write.reset();
  if (pipes_.empty() && draining_.empty() && pid_ <= 0) {
    finished_ = true;
    return;
  }
  if (pid_ > 0) {
    // The closed channel tells it: drain every pipe to its end, then exit.
    if (sock_) {
      loop_.remove(sock_.get());
      sock_.reset();
    }
    drain_pid_ = pid_;
    return;
  }
  spawn(now);   // to drain what the pipes hold
  if (pid_ <= 0) finished_ = true;
  drain_pid_ = pid_;
}

}  // namespace pmtr
