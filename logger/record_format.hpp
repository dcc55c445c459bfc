// A job's output bytes to log records: one record per line, each written
// as HEAD + the line + '\n'.  HEAD is the stamp and a space in a file
// ("2026-12-07T09:15:02.123456Z text"), "NAME: " on pmtr's stderr.
//
// A line longer than kMaxRecordBytes is split into records of that size;
// a record that continues the previous one (the rest of a split line, or
// of a partial line flushed after a second of silence) gets CONT_HEAD
// instead: in a file the stamp and a '+' ("...123456Z+rest"), so a reader
// can join them and a line is never silently merged with another.
//
// Only whole records are produced: the bytes they cover are "consumed"
// and the caller may remove them from the pipe; the rest (a partial last
// line) stays where it is until more comes or it is flushed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pmtr {

inline constexpr size_t kMaxRecordBytes = 8192;

struct RecordHeads {
  std::string_view head;        // before a record that starts a line
  std::string_view cont_head;   // before a record that continues one
};

// Appends to `out` the records of `in`, returns how many bytes of `in`
// they cover.  `mid_line`: the previous record ended without its newline
// (updated).  `flush_partial`: a last line without newline is written too
// (as a record to be continued).  Stops before a record that would take
// `out` past max_out bytes (never before the first): one-byte lines grow
// by the head's size each, and the buffer must stay small.
size_t format_records(std::string_view in, const RecordHeads& heads, bool flush_partial, bool& mid_line,
                      std::string& out, size_t max_out = SIZE_MAX);

}  // namespace pmtr
