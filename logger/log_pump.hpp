// Moves one job's output from its pipe to its log, a batch at a time, so
// that a kill of pmtr-log at any instant neither loses nor repeats a line
// (journal.hpp): copy the pipe's bytes without consuming them (tee into a
// scratch pipe), write their whole records, then consume exactly the bytes
// those records cover.  A partial last line stays in the job's pipe, not in
// pmtr-log's memory, until its newline comes or it is flushed.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "common/unique_fd.hpp"
#include "logger/counter_pipe.hpp"
#include "logger/journal.hpp"
#include "logger/log_file.hpp"

namespace pmtr {

// Where every job's records go, from pmtr-log's command line.
struct LogSettings {
  bool to_stderr = false;          // `log to stderr`: "NAME: line" on pmtr's stderr
  int out_fd = -1;                 // the log directory, or pmtr's stderr
  std::string dir_path;            // the directory's name, for messages only
  uint64_t rotate_bytes = 10ull << 20;
  uint32_t keep = 10;
};

// One captured job, as pmtr-log knows it.
struct LogStream {
  uint32_t slot = 0;
  std::string name;
  std::string dir;                 // log_dir_name(name)
  std::string prefix;              // to stderr: "NAME: "
  unique_fd pipe;                  // the read end of the job's output pipe
  LogFile file;
  bool mid_line = false;           // the last record was cut (the next continues it)
  bool detached = false;           // the job is gone: drain to the end
  bool hup = false;                // no writer left: a partial line is final
  bool held = false;               // a write failed: retried every second
  timespec held_since{};
  int64_t deadline_ms = -1;        // partial flush or retry (CLOCK_MONOTONIC ms), -1: none
  bool queued = false;             // in the session's ready list
  bool armed = false;              // its epoll entry reports (EPOLLONESHOT: until it fires)
  bool resting = false;            // waits for the next tick to be armed again
  size_t partial_seen = 0;         // bytes of a partial line already seen (new ones restart the second)
  bool fast = false;               // wrote kFastBytesPerTick or more in the last tick's time
  int64_t window_start_ms = -1;    // of that measure
  uint64_t window_bytes = 0;
};

enum class PumpOutcome {
  Empty,     // the pipe has nothing (more) for now
  More,      // a full batch went: there may be more
  Partial,   // only a line without its newline is left
  Ended,     // no writer and nothing left
  Held,      // a write failed: nothing consumed, retry later
};

class LogPump {
 public:
  LogPump(const LogSettings& settings, Journal& journal, CounterPipe& counter) noexcept
      : settings_(settings), journal_(journal), counter_(counter) {}
  [[nodiscard]] Status init();
  // One batch of the stream's pipe.  `why` is set when Held (the message
  // names the file and the error).
  PumpOutcome batch(LogStream& s, bool flush_partial, std::string& why);
  [[nodiscard]] Status rotate(LogStream& s);
  // Batches written since start (the monitor hears of the first).
  [[nodiscard]] uint64_t batches() const noexcept { return batches_; }
  // Of the last batch() call: the bytes the pipe held (copied), and those
  // written and consumed.
  [[nodiscard]] size_t last_peeked() const noexcept { return last_peeked_; }
  [[nodiscard]] size_t last_consumed() const noexcept { return last_consumed_; }
  [[nodiscard]] size_t scratch_slots() const noexcept { return scratch_slots_; }

 private:
  const LogSettings& settings_;
  Journal& journal_;
  CounterPipe& counter_;
  unique_fd scratch_read_;
  unique_fd scratch_write_;
  size_t scratch_bytes_ = 0;
  size_t scratch_slots_ = 0;
  std::string out_;
  uint64_t batches_ = 0;
  size_t last_peeked_ = 0;
  size_t last_consumed_ = 0;
};

}  // namespace pmtr
