// What a logger wrote, checked against what the writer (bench/linegen)
// sent: every line carries "#NNNNNNNNNN" (its number, from 0), whatever
// prefix the logger put in front, so counting the numbers in the files
// tells lines that arrived, lines lost and lines written twice.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pmtr::bench {

class LineTally {
 public:
  // Text of a log file, in chunks of any size (a line may span two).
  void feed(const char* data, size_t n);
  // Ends the current file: a last line without '\n' still counts.
  void end_file();

  [[nodiscard]] uint64_t lines() const noexcept { return numbered_ + unnumbered_; }
  [[nodiscard]] uint64_t numbered() const noexcept { return numbered_; }
  [[nodiscard]] uint64_t unnumbered() const noexcept { return unnumbered_; }   // the logger's own
  [[nodiscard]] uint64_t duplicates() const noexcept { return duplicates_; }
  [[nodiscard]] uint64_t bytes() const noexcept { return bytes_; }
  // Numbers below `sent` that never arrived.
  [[nodiscard]] uint64_t missing(uint64_t sent) const;
  // Numbers at or above `sent`: lines the writer did not report (0 unless
  // the report is wrong).
  [[nodiscard]] uint64_t beyond(uint64_t sent) const;

 private:
  void line(const char* p, size_t n);
  std::string partial_;
  std::vector<bool> seen_;
  uint64_t numbered_ = 0;
  uint64_t unnumbered_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t bytes_ = 0;
};

// Every regular file below dir (recursively: pmtr-log writes DIR/JOB/...)
// except the loggers' bookkeeping (lock, state, config).  False when dir
// cannot be read.
bool tally_dir(const std::string& dir, LineTally* t);
// Bytes in the regular files below dir: how the bench sees a logger still
// writing.
[[nodiscard]] uint64_t dir_bytes(const std::string& dir);

}  // namespace pmtr::bench
