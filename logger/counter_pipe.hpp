// The pipe a batch is consumed into (journal.hpp says why): the monitor
// holds both ends, so the bytes it holds outlive a pmtr-log, and their
// count tells the next one how much of an interrupted splice moved.  It is
// emptied only between batches, when no journal entry refers to it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/result.hpp"

namespace pmtr {

class CounterPipe {
 public:
  CounterPipe(int read_fd, int write_fd) noexcept : rd_(read_fd), wr_(write_fd) {}
  // Bytes in the pipe now, as the kernel counts them (FIONREAD): what a
  // recovery reads.
  [[nodiscard]] Result<uint64_t> measure() const;
  // The same, as counted here since the last drain (no system call).
  [[nodiscard]] uint64_t level() const noexcept { return level_; }
  // Moves exactly n bytes from `pipe` into the counter (several splices
  // when the kernel moves fewer at a time).  Call drain_if_needed() first,
  // while the journal is Idle.
  [[nodiscard]] Status consume(int pipe, uint64_t n);
  // Makes room for one more batch, emptying the counter when it might
  // lack it: a splice takes a buffer slot per buffer it moves, however few
  // bytes each holds.
  [[nodiscard]] Status drain_if_needed(size_t batch_slots);
  [[nodiscard]] Status drain();

 private:
  int rd_;
  int wr_;
  size_t slots_ = 0;        // the counter's buffer slots
  size_t slots_used_ = 0;   // an upper bound since the last drain
  uint64_t level_ = 0;
};

}  // namespace pmtr
