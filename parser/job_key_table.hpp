// What the parser remembers of the monitor's job table between parses, for
// the next diff (parser/config_diff.hpp): each job's name and a digest of
// its definition.
//
// The table lives as long as pmtr, so it is laid out for idle memory: every
// name back to back in one string, one 20-byte entry per job, no allocation
// per job and no slack: about 27 KiB for 1000 jobs, where a vector of name
// and definition-key strings took about 210 KiB in a thousand heap blocks.
//
// The digest is SipHash-2-4-128 of the job's definition key
// (job_definition_key(): its encoding without source positions).  Equal
// definitions give equal digests; two different ones give the same digest
// with probability 2^-128, far below the odds of a memory error deciding the
// same comparison.  The SipHash key is fixed: nothing here needs a secret.
// Whoever writes the config can make a job change or not as they like
// anyway, and a subverted parser could answer "keep" without any digest:
// the monitor checks that every current job is accounted for once, not
// whether a kept one's text changed (SECURITY.md, the decoder's claims).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/job.hpp"

namespace pmtr {

using DefinitionDigest = std::array<uint8_t, 16>;

// The digest of a definition key, as job_definition_key() returns it.
[[nodiscard]] DefinitionDigest digest_definition_key(std::string_view key) noexcept;

// digest_definition_key(job_definition_key(job)) without job_definition_key's
// allocations and per-field vector inserts: the key's bytes are laid out in
// a buffer reused from job to job (use one digester for a whole table; a
// diff of 1000 jobs digests them all), by the same put_job_layout()
// (common/job_layout.hpp) the encoder uses.
class DefinitionDigester {
 public:
  [[nodiscard]] DefinitionDigest operator()(const JobDesc& job);

 private:
  std::string key_;
};

class JobKeyTable {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);

  // Room for `jobs` entries whose names total `name_bytes`: filling a table
  // whose size is known leaves no slack.
  void reserve(size_t jobs, size_t name_bytes);
  void add(std::string_view name, const DefinitionDigest& digest);
  // Gives the unused capacity back (after adds whose total was not known).
  void shrink_to_fit();
  // Empties the table and frees its memory.
  void clear() noexcept;

  [[nodiscard]] size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] std::string_view name(size_t i) const noexcept {
    const size_t begin = i == 0 ? 0 : entries_[i - 1].name_end;
    return std::string_view(names_).substr(begin, entries_[i].name_end - begin);
  }
  [[nodiscard]] const DefinitionDigest& digest(size_t i) const noexcept { return entries_[i].digest; }
  // Heap bytes held, capacity included.
  [[nodiscard]] size_t heap_bytes() const noexcept;

 private:
  struct Entry {
    uint32_t name_end;        // offset just past this job's name in names_
    DefinitionDigest digest;
  };
  static_assert(sizeof(Entry) == 20);
  std::string names_;
  std::vector<Entry> entries_;
};

// Lookup by name in a JobKeyTable: an open-addressing index over entry
// numbers (4 bytes a slot, at most half full), built for one diff and
// dropped with it, so an idle parser does not hold it.  The table must
// outlive the index and not change under it.
class JobKeyIndex {
 public:
  explicit JobKeyIndex(const JobKeyTable& table);
  // The first entry named `name`, or JobKeyTable::npos.
  [[nodiscard]] size_t find(std::string_view name) const noexcept;

 private:
  const JobKeyTable& table_;
  std::vector<uint32_t> slots_;   // entry + 1; 0 is an empty slot
  size_t mask_ = 0;
};

}  // namespace pmtr
