// Job names must be unique.  Checked once, after the whole file is read,
// over a compact array of (hash, position) sorted by hash: no per-job node
// allocation, and linear memory access even for 100,000 jobs (a node-based
// hash map there costs more than all the rest of the parse).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "parser/diag_sink.hpp"

namespace pmtr::conf {

class DuplicateNames {
 public:
  // Room for `jobs` names, so the array is not regrown (and copied into
  // fresh pages) log2(jobs) times.
  void reserve(size_t jobs) { refs_.reserve(jobs); }
  // Job `index` of the final job list is named `name`, written at `pos`.
  void add(std::string_view name, uint32_t index, SourcePos pos);
  // One error per repeated name, at the repeat, naming the first's line.
  // `name_of` gives the name of job `index`.
  void report(const std::function<std::string_view(uint32_t)>& name_of, DiagSink& diag);

 private:
  struct Ref {
    uint64_t hash;
    uint32_t index;   // file order
    SourcePos pos;
  };
  std::vector<Ref> refs_;
};

}  // namespace pmtr::conf
