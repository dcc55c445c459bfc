#include "logger/log_session.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/channel.hpp"
#include "common/limits.hpp"
#include "common/syscalls.hpp"

namespace pmtr {
namespace {

constexpr uint64_t kChannelKey = kEverySlot;
constexpr int64_t kPartialFlushMs = 1000;   // a partial line is written after this much silence
constexpr int64_t kRetryMs = 1000;          // a held job's writes are retried this often
// For the journal's job to be handed over: the monitor hands every pipe
// over first thing, so only a pipe it no longer has can be missing.
constexpr int64_t kRecoveryWaitMs = 30000;
constexpr int64_t kExitDrainMs = 5000;      // after the monitor closed the channel
constexpr int kBatchesPerTurn = 8;          // then the next job's turn
constexpr int64_t kTickMs = 100;            // a resting pipe is armed again this often
// A job that wrote this much in a tick's time is a fast writer: its pipe
// never rests (resting, a 64 KiB pipe caps a writer at 640 KiB/s), until a
// tick's time passes with less.
constexpr size_t kFastBytesPerTick = 16 * 1024;

int64_t monotonic_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000 + t.tv_nsec / 1000000;
}

int64_t seconds_since(const timespec& then) {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec - then.tv_sec);
}

}  // namespace

Status LogSession::prepare() {
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) return Error::from_errno("epoll_create1");
  // Here, not after the filter: F_SETFL on fd 4 (pmtr's own stderr under
  // `log to stderr`) would change pmtr's file too; the filter allows none.
  if (::fcntl(kLogCounterReadFd, F_SETFL, O_NONBLOCK) != 0) return Error::from_errno("counter pipe");
  return pump_.init();
}

Status LogSession::start() {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kChannelKey;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, kLogChannelFd, &ev) != 0) return Error::from_errno("epoll_ctl channel");
  channel_events_ = EPOLLIN;

  const JournalEntry e = journal_.read();
  if (e.phase == JournalPhase::Idle) return counter_.drain();
  // The previous pmtr-log died inside a batch: nothing else is written
  // until that job's pipe is back and the batch is settled.
  recovery_ = std::make_unique<Recovery>();
  recovery_->entry = e;
  recovery_->give_up_ms = monotonic_ms() + kRecoveryWaitMs;
  return {};
}

void LogSession::recover(LogStream& s) {
  const JournalEntry& e = recovery_->entry;
  if (e.phase == JournalPhase::Writing && !settings_.to_stderr) {
    // The batch is still in the pipe: whatever of it reached the file goes.
    if (Status st = s.file.open(settings_.out_fd, s.dir); st && s.file.inode() == e.inode &&
                                                          s.file.size() > e.size_before) {
      if (Status t = s.file.truncate_to(e.size_before); !t)
        std::fprintf(stderr, "job %s: cutting an interrupted batch: %s\n", s.name.c_str(), t.error().message().c_str());
    }
  } else if (e.phase == JournalPhase::Consuming) {
    // The file has the batch: what of it the counter did not receive is
    // still at the head of the pipe.  Only splices have added to the
    // counter since e.counter_base was measured.
    auto level = counter_.measure();
    const uint64_t moved = level && *level >= e.counter_base ? *level - e.counter_base : e.consume;
    const uint64_t rest = moved < e.consume ? e.consume - moved : 0;
    if (rest > 0) {
      if (Status st = counter_.consume(s.pipe.get(), rest); !st)
        std::fprintf(stderr, "job %s: finishing an interrupted batch: %s\n", s.name.c_str(), st.error().message().c_str());
    }
  }
  journal_.idle();
}

void LogSession::finish_recovery() {
  recovery_.reset();
  if (Status s = counter_.drain(); !s) std::fprintf(stderr, "pmtr-log: %s\n", s.error().message().c_str());
  for (auto& [slot, s] : streams_) queue(*s);
}

void LogSession::on_channel() {
  static std::byte buf[limits::kMessageBytes + 1];
  for (;;) {
    unique_fd fd;
    RawRecord r = recv_record(kLogChannelFd, buf, MSG_DONTWAIT, &fd);
    if (r.status == RecvStatus::WouldBlock) return;
    if (r.status == RecvStatus::Closed || (r.status == RecvStatus::Bad && r.err != 0)) {
      channel_closed();
      return;
    }
    if (r.status == RecvStatus::Bad) {
      std::fprintf(stderr, "pmtr-log: a record from the monitor: %s\n", r.why.c_str());
      continue;
    }
    Result<LogMessage> m = decode_log_message(std::span<const std::byte>(buf, r.size));
    if (!m) {
      std::fprintf(stderr, "pmtr-log: a record from the monitor: %s\n", m.error().message().c_str());
      continue;
    }
    handle(std::move(*m), std::move(fd));
  }
}

void LogSession::channel_closed() {
  if (!channel_open_) return;
  outbox_.clear();
  // The monitor is leaving (or gone): every pipe is drained to its end,
  // for a few seconds at most, then pmtr-log exits.
  channel_open_ = false;
  (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, kLogChannelFd, nullptr);
  exit_by_ms_ = monotonic_ms() + kExitDrainMs;
  for (auto& [slot, s] : streams_) {
    s->detached = true;
    queue(*s);
  }
}

void LogSession::handle(LogMessage&& m, unique_fd fd) {
  if (auto* a = std::get_if<LogAttach>(&m)) {
    attach(std::move(*a), std::move(fd));
    return;
  }
  if (fd) std::fprintf(stderr, "pmtr-log: an fd came with a record that takes none; closed\n");
  if (auto* d = std::get_if<LogDetach>(&m)) {
    if (auto it = streams_.find(d->slot); it != streams_.end()) {
      it->second->detached = true;
      queue(*it->second);
    }
  } else if (auto* r = std::get_if<LogRotate>(&m)) {
    for (auto& [slot, s] : streams_) {
      if (r->slot != kEverySlot && r->slot != slot) continue;
      if (Status st = pump_.rotate(*s); !st)
        std::fprintf(stderr, "job %s: rotating %s/%s: %s\n", s->name.c_str(), settings_.dir_path.c_str(), s->dir.c_str(),
                     st.error().message().c_str());
    }
  } else {
    std::fprintf(stderr, "pmtr-log: the monitor sent a record meant for it\n");
  }
}

void LogSession::attach(LogAttach&& a, unique_fd fd) {
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISFIFO(st.st_mode)) {
    std::fprintf(stderr, "pmtr-log: job %s: attached without a pipe\n", a.name.c_str());
    return;
  }
  if (auto old = streams_.find(a.slot); old != streams_.end()) {
    std::fprintf(stderr, "pmtr-log: slot %u attached twice; the newer pipe wins\n", a.slot);
    set_deadline(*old->second, -1);
    streams_.erase(old);
  }
  auto s = std::make_unique<LogStream>();
  s->slot = a.slot;
  s->name = std::move(a.name);
  s->dir = log_dir_name(s->name);
  s->prefix = s->name + ": ";
  s->pipe = std::move(fd);
  s->detached = a.detached;
  s->mid_line = journal_.mid_line(a.slot);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLONESHOT;
  ev.data.u64 = a.slot;
  s->armed = true;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, s->pipe.get(), &ev) != 0) {
    std::fprintf(stderr, "pmtr-log: job %s: epoll_ctl: %s\n", s->name.c_str(), std::strerror(errno));
    return;
  }
  LogStream& ref = *s;
  streams_[a.slot] = std::move(s);
  if (recovery_ && recovery_->entry.slot == a.slot) {
    recover(ref);
    finish_recovery();
  }
  queue(ref);
}

void LogSession::queue(LogStream& s) {
  if (s.queued || s.held) return;
  s.queued = true;
  ready_.push_back(s.slot);
}

void LogSession::arm(LogStream& s) {
  if (s.armed) return;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLONESHOT;
  ev.data.u64 = s.slot;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, s.pipe.get(), &ev) == 0) {
    s.armed = true;
    return;
  }
  // Cannot happen for a pipe we registered; if it does, poll it each tick.
  std::fprintf(stderr, "pmtr-log: job %s: epoll_ctl: %s\n", s.name.c_str(), std::strerror(errno));
  queue(s);
}

void LogSession::rest(LogStream& s) {
  if (s.armed || s.resting) return;
  s.resting = true;
  resting_.push_back(s.slot);
  if (next_tick_ms_ < 0) next_tick_ms_ = monotonic_ms() + kTickMs;
}

void LogSession::note_rate(LogStream& s, size_t consumed) {
  const int64_t now = monotonic_ms();
  s.window_bytes += consumed;
  if (s.window_start_ms < 0) s.window_start_ms = now;
  if (now - s.window_start_ms < kTickMs) return;
  s.fast = s.window_bytes * static_cast<uint64_t>(kTickMs) >=
           kFastBytesPerTick * static_cast<uint64_t>(now - s.window_start_ms);
  s.window_start_ms = now;
  s.window_bytes = 0;
}

void LogSession::tick() {
  next_tick_ms_ = -1;
  for (const uint32_t slot : resting_) {
    auto it = streams_.find(slot);
    if (it == streams_.end() || !it->second->resting) continue;
    it->second->resting = false;
    arm(*it->second);
  }
  resting_.clear();
}

void LogSession::set_deadline(LogStream& s, int64_t ms) {
  if (s.deadline_ms >= 0) deadlines_.erase({s.deadline_ms, s.slot});
  s.deadline_ms = ms;
  if (ms >= 0) deadlines_.insert({ms, s.slot});
}

void LogSession::service(LogStream& s, bool flush) {
  if (recovery_) return;   // queued again once the journal is settled
  bool was_held = s.held;
  s.held = false;
  for (int i = 0; i < kBatchesPerTurn; ++i) {
    std::string why;
    const PumpOutcome o = pump_.batch(s, flush, why);
    note_rate(s, pump_.last_consumed());
    if (o != PumpOutcome::Held && was_held) {
      std::fprintf(stderr, "job %s: writing its output again after %lld s\n", s.name.c_str(),
                   static_cast<long long>(seconds_since(s.held_since)));
      was_held = false;
    }
    if (!told_wrote_ && pump_.batches() > 0) {
      told_wrote_ = true;
      send(LogWrote{});
    }
    switch (o) {
      case PumpOutcome::More:
        if (i + 1 == kBatchesPerTurn) queue(s);
        continue;
      case PumpOutcome::Empty:
        set_deadline(s, -1);
        s.partial_seen = 0;
        if (s.fast) arm(s);
        else rest(s);
        return;
      case PumpOutcome::Partial:
        // A second of silence, counted from the last new byte.
        if (const size_t partial = pump_.last_peeked() - pump_.last_consumed();
            partial > s.partial_seen || s.deadline_ms < 0) {
          s.partial_seen = partial;
          set_deadline(s, monotonic_ms() + kPartialFlushMs);
        }
        rest(s);
        return;
      case PumpOutcome::Ended:
        end(s);
        return;
      case PumpOutcome::Held:
        if (!was_held) {
          std::fprintf(stderr, "job %s: %s; holding its output (the job blocks once its pipe is full), retrying every second\n",
                       s.name.c_str(), why.c_str());
          ::clock_gettime(CLOCK_MONOTONIC, &s.held_since);
        }
        s.held = true;
        set_deadline(s, monotonic_ms() + kRetryMs);
        return;
    }
  }
}

void LogSession::end(LogStream& s) {
  const uint32_t slot = s.slot;
  set_deadline(s, -1);
  (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, s.pipe.get(), nullptr);
  streams_.erase(slot);   // s is gone from here on
  journal_.set_mid_line(slot, false);   // the slot's next pipe starts afresh
  if (channel_open_) send(LogDrained{slot});
}

void LogSession::send(const LogMessage& m) {
  if (!channel_open_) return;
  outbox_.push_back(encode_log_message(m));
  flush_outbox();
}

// Never blocking: the monitor may itself be in a long run of sends to us
// (every pipe at our start), and two blocked senders would wait on each
// other.  What does not fit waits for EPOLLOUT.
void LogSession::flush_outbox() {
  while (channel_open_ && !outbox_.empty()) {
    Status s = send_record(kLogChannelFd, outbox_.front(), MSG_DONTWAIT, -1, "send to the monitor");
    if (!s) {
      if (s.error().err == EAGAIN) {
        set_channel_events(EPOLLIN | EPOLLOUT);
        return;
      }
      // EPIPE: the monitor has gone (or is going): nobody left to tell.
      if (s.error().err != EPIPE && s.error().err != ECONNRESET)
        std::fprintf(stderr, "pmtr-log: %s\n", s.error().message().c_str());
      channel_closed();
      return;
    }
    outbox_.pop_front();
  }
  set_channel_events(EPOLLIN);
}

void LogSession::set_channel_events(uint32_t events) {
  if (!channel_open_ || events == channel_events_) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = kChannelKey;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, kLogChannelFd, &ev) == 0) channel_events_ = events;
}

int64_t LogSession::next_deadline() const {
  int64_t next = deadlines_.empty() ? -1 : deadlines_.begin()->first;
  auto sooner = [&](int64_t t) {
    if (t >= 0 && (next < 0 || t < next)) next = t;
  };
  if (recovery_) sooner(recovery_->give_up_ms);
  sooner(exit_by_ms_);
  sooner(next_tick_ms_);
  return next;
}

void LogSession::fire_deadlines(int64_t now_ms) {
  if (next_tick_ms_ >= 0 && now_ms >= next_tick_ms_) tick();
  if (recovery_ && now_ms >= recovery_->give_up_ms) {
    std::fprintf(stderr, "pmtr-log: the journal names pipe %u, which was not handed over; its batch is left as it is\n",
                 recovery_->entry.slot);
    journal_.idle();
    finish_recovery();
  }
  while (!deadlines_.empty() && deadlines_.begin()->first <= now_ms) {
    const uint32_t slot = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto it = streams_.find(slot);
    if (it == streams_.end()) continue;
    it->second->deadline_ms = -1;
    // A partial line's second of silence is over; a held job's retry
    // writes what is whole and leaves a partial line its own second.
    service(*it->second, !it->second->held);
  }
}

int LogSession::run() {
  if (Status s = start(); !s) {
    std::fprintf(stderr, "pmtr-log: %s\n", s.error().message().c_str());
    return 1;
  }
  epoll_event events[64];
  for (;;) {
    const int64_t now = monotonic_ms();
    if (!channel_open_ && (streams_.empty() || now >= exit_by_ms_)) return 0;
    int timeout = -1;
    if (!ready_.empty()) {
      timeout = 0;
    } else if (const int64_t next = next_deadline(); next >= 0) {
      timeout = static_cast<int>(std::max<int64_t>(0, next - now));
    }
    const ReadyResult r = sys_epoll_wait(epoll_.get(), events, 64, timeout);
    if (!r.ok()) {
      std::fprintf(stderr, "pmtr-log: epoll_wait: %s\n", std::strerror(r.err));
      return 1;
    }
    for (int i = 0; i < r.count; ++i) {
      const uint64_t key = events[i].data.u64;
      if (key == kChannelKey) {
        if (events[i].events & EPOLLOUT) flush_outbox();
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_channel();
        continue;
      }
      auto it = streams_.find(static_cast<uint32_t>(key));
      if (it == streams_.end()) continue;
      it->second->armed = false;   // EPOLLONESHOT
      if (events[i].events & (EPOLLHUP | EPOLLERR)) it->second->hup = true;
      queue(*it->second);
    }
    fire_deadlines(monotonic_ms());
    for (size_t n = ready_.size(); n > 0 && !ready_.empty(); --n) {
      const uint32_t slot = ready_.front();
      ready_.pop_front();
      auto it = streams_.find(slot);
      if (it == streams_.end()) continue;
      it->second->queued = false;
      service(*it->second, false);
    }
  }
}

}  // namespace pmtr
