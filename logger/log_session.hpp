// pmtr-log's event loop: the channel from the monitor (pipes attached,
// detached, rotations), every job pipe, and the deadlines (a partial line
// flushed after a second of silence, a held job retried every second).
// First of all, it finishes what the previous pmtr-log left in the journal.
//
// Coalescing: a job pipe reports once (EPOLLONESHOT) and, once its batch
// is written, rests until the next tick (every kTickMs) before it is armed
// again, so that a job writing a line now and then costs a wakeup per
// tick, not per line: 100 jobs writing 100 lines a second each take about
// 1,000 batches a second instead of 10,000 wakeups.  The first line after
// a quiet spell is written at once; a fast writer's pipe (16 KiB or more
// a tick) never rests: it must not wait for ticks with a full pipe.
#pragma once

#include <time.h>

#include <cstdint>
#include <set>
#include <deque>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/log_messages.hpp"
#include "common/unique_fd.hpp"
#include "logger/log_pump.hpp"

namespace pmtr {

// Fixed fds: the monitor places them before exec.
inline constexpr int kLogChannelFd = 3;
inline constexpr int kLogOutFd = 4;        // the log directory, or pmtr's stderr
inline constexpr int kLogJournalFd = 5;
inline constexpr int kLogCounterReadFd = 6;
inline constexpr int kLogCounterWriteFd = 7;

class LogSession {
 public:
  LogSession(const LogSettings& settings, Journal& journal, CounterPipe& counter) noexcept
      : settings_(settings), journal_(journal), counter_(counter), pump_(settings, journal, counter) {}
  // What needs system calls the filter forbids (epoll_create1, pipe2):
  // called before it is loaded.
  [[nodiscard]] Status prepare();
  // Returns the exit status.
  int run();

 private:
  struct Recovery {
    JournalEntry entry;
    uint64_t remaining = 0;       // Consuming: bytes still to consume
    int64_t give_up_ms = 0;
  };

  [[nodiscard]] Status start();
  void on_channel();
  void channel_closed();
  void handle(LogMessage&& m, unique_fd fd);
  void attach(LogAttach&& a, unique_fd fd);
  void recover(LogStream& s);
  void finish_recovery();
  void service(LogStream& s, bool flush);
  void queue(LogStream& s);
  void arm(LogStream& s);
  void rest(LogStream& s);
  void tick();
  void note_rate(LogStream& s, size_t consumed);
  void set_deadline(LogStream& s, int64_t ms);
  void end(LogStream& s);
  void send(const LogMessage& m);
  void flush_outbox();
  void set_channel_events(uint32_t events);
  [[nodiscard]] int64_t next_deadline() const;
  void fire_deadlines(int64_t now_ms);

  const LogSettings& settings_;
  Journal& journal_;
  CounterPipe& counter_;
  LogPump pump_;
  unique_fd epoll_;
  bool channel_open_ = true;
  uint32_t channel_events_ = 0;   // as registered (EPOLLIN, plus EPOLLOUT while the outbox waits)
  std::deque<std::vector<std::byte>> outbox_;
  int64_t exit_by_ms_ = -1;       // the channel closed: drain, then leave
  bool told_wrote_ = false;
  std::unique_ptr<Recovery> recovery_;
  std::unordered_map<uint32_t, std::unique_ptr<LogStream>> streams_;
  std::deque<uint32_t> ready_;
  std::vector<uint32_t> resting_;
  int64_t next_tick_ms_ = -1;
  std::set<std::pair<int64_t, uint32_t>> deadlines_;
};

}  // namespace pmtr
