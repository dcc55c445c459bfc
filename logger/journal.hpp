// What pmtr-log was doing with a job's pipe when it died, kept where its
// death cannot take it: a page of a memfd that the monitor created and
// holds, shared (MAP_SHARED) with each pmtr-log in turn.  With it, a kill
// at any instant loses no line and writes none twice:
//
//   A batch is first copied out of the job's pipe without consuming it
//   (tee), written to the file, and only then consumed: spliced into the
//   "counter" pipe (also the monitor's), where the kernel moves it whole
//   or in part, and the bytes now in the counter say how much moved.
//
//     phase Writing    {slot, inode, size_before}   then write(file)
//     phase Consuming  {slot, consume, counter_base} then splice(pipe -> counter)
//     phase Idle
//
// The next pmtr-log reads the page first.  Writing: the file may hold the
// batch in part or whole, but the pipe still has all of it, so the file is
// cut back to size_before (same inode only).  Consuming: the file has the
// batch; consume - (bytes in counter - counter_base) bytes of it are still
// in the pipe and are consumed before anything else of that job is read.
//
// Only pmtr-log reads the page; the monitor never looks at it.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "common/result.hpp"

namespace pmtr {

enum class JournalPhase : uint32_t { Idle = 0, Writing = 1, Consuming = 2 };

struct JournalEntry {
  JournalPhase phase = JournalPhase::Idle;
  uint32_t slot = 0;
  uint64_t inode = 0;          // Writing: the file's inode (0: no file, pmtr's stderr)
  uint64_t size_before = 0;    // Writing
  uint64_t consume = 0;        // Consuming: the batch's bytes in the pipe
  uint64_t counter_base = 0;   // Consuming: bytes in the counter pipe before the splice
};

inline constexpr size_t kJournalBytes = 4096;
// The page's first 64 bytes hold the entry, the rest one bit per slot.
inline constexpr size_t kMidLineSlots = (kJournalBytes - 64) * 8;

class Journal {
 public:
  Journal() = default;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();

  // Maps the memfd (kJournalBytes, sealed by the monitor against growing
  // and shrinking).
  [[nodiscard]] Status map(int fd);
  // The entry the previous pmtr-log left (Idle when the page is new or
  // holds anything else: a page that does not decode is not trusted).
  [[nodiscard]] JournalEntry read() const noexcept;

  // Whether the job's last record was cut (the next one continues it, "+"),
  // kept here so that a new pmtr-log marks the continuation too; slots
  // beyond kMidLineSlots are not kept (the rest of such a line then starts
  // a record of its own).  A kill between a batch and this bit may leave
  // one record's mark wrong; never a line.
  [[nodiscard]] bool mid_line(uint32_t slot) const noexcept;
  void set_mid_line(uint32_t slot, bool cut) noexcept;

  void writing(uint32_t slot, uint64_t inode, uint64_t size_before) noexcept;
  void consuming(uint32_t slot, uint64_t consume, uint64_t counter_base) noexcept;
  void idle() noexcept;

 private:
  volatile uint64_t* page_ = nullptr;
};

}  // namespace pmtr
