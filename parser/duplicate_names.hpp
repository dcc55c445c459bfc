// Job names must be unique.  Checked once, after the whole file is read,
// over a compact array of (hash, position) sorted by hash: no per-job node
// allocation, and linear memory access even for 100,000 jobs (a node-based
// hash map there costs more than all the rest of the parse).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "parser/diag_sink.hpp"

namespace pmtr::conf {

class DuplicateNames {
 public:
  // Job `index` of the final job list is named `name`, written at `pos`.
  void add(std::string_view name, uint32_t index, SourcePos pos);
  // One error per repeated name, at the repeat, naming the first's line.
  void report(const std::vector<JobDesc>& jobs, DiagSink& diag);

 private:
  struct Ref {
    uint64_t hash;
    uint32_t index;   // file order
    SourcePos pos;
  };
  std::vector<Ref> refs_;
};

}  // namespace pmtr::conf
