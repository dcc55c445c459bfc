// The jobs of a parsed config in their wire encoding (put_job_layout()
// with source positions: exactly the bytes a TxnAdd record carries for
// each job), back to back in one buffer.
//
// The parser process holds its jobs this way from the end of each block
// to the transaction: about 190 bytes for a typical job, where a JobDesc
// takes 408 bytes and a heap block or more (a 10,000-job config touched
// 4 MB of fresh pages for descriptors alone, and a page fault costs more
// than parsing the bytes on it), and sending one is a copy, not a walk of
// its fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "common/result.hpp"

namespace pmtr {

class EncodedJobs {
 public:
  // Room for `jobs` jobs whose encodings total about `bytes`: address
  // space only, pages are touched as jobs are added.
  void reserve(size_t jobs, size_t bytes);
  void add(const JobDesc& job);

  [[nodiscard]] size_t size() const noexcept { return ends_.size(); }
  [[nodiscard]] bool empty() const noexcept { return ends_.empty(); }
  [[nodiscard]] std::span<const std::byte> job(size_t i) const noexcept {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::span<const std::byte>(bytes_).subspan(begin, ends_[i] - begin);
  }
  // The name, the encoding's first field.
  [[nodiscard]] std::string_view name(size_t i) const noexcept;
  // Its definition key, as job_definition_key() makes it (the encoding with
  // the source positions zeroed), into `key`: reuse one string for a table.
  void definition_key(size_t i, std::string& key) const;
  // The descriptor back, as the monitor decodes it (tests).
  [[nodiscard]] Result<JobDesc> decode(size_t i) const;

 private:
  std::vector<std::byte> bytes_;
  std::vector<size_t> ends_;   // end of each job's encoding in bytes_
};

}  // namespace pmtr
