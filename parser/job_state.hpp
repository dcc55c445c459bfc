// A job block while it is being read: the descriptor being filled in, plus
// where each setting was first given (for "duplicate option" messages and
// so an option whose value was rejected does not also read as missing).
#pragma once

#include <sys/resource.h>

#include <array>
#include <cstdint>
#include <vector>

#include "common/job.hpp"
#include "parser/keywords.hpp"

namespace pmtr::conf {

enum class SubBlock : uint8_t { None, Ulimit, Depends };

struct JobState {
  // The descriptor being filled in, in place: ParsedConfig::jobs.back(),
  // so a job is never copied or moved once read.
  JobDesc* job = nullptr;
  std::array<SourcePos, kSettingCount> first_pos{};   // of the keyword; line 0: not given
  std::array<uint32_t, RLIM_NLIMITS> ulimit_line{};    // by RLIMIT_* number
  std::vector<uint32_t> env_line;                      // parallel to job.env
  SourcePos name_pos;

  // An open `ulimit {` / `depends {` (sub_open), or the keyword alone at
  // the end of its line, waiting for `{` on the next line (!sub_open).
  SubBlock sub = SubBlock::None;
  bool sub_open = false;
  bool sub_inline = false;         // `ulimit -n 1`: the line is the block
  SourcePos sub_pos;
  uint32_t sub_items = 0;
  bool depends_overflow = false;   // "too many depends" reported once

  // The last multi-line block that a `}` alone on its line closed, and
  // where that `}` was.  If the job then turns out unterminated and the
  // `}` sat no further right than `job`, the block is what lacked its `}`
  // (the one written was the job's).
  SubBlock closed = SubBlock::None;
  SourcePos closed_pos;
  SourcePos closed_by;

  [[nodiscard]] SourcePos& first(Setting s) noexcept { return first_pos[static_cast<size_t>(s)]; }
  [[nodiscard]] const SourcePos& first(Setting s) const noexcept { return first_pos[static_cast<size_t>(s)]; }
  [[nodiscard]] bool given(Setting s) const noexcept { return first(s).line != 0; }

  // Ready for the next block, filling `target` (a fresh JobDesc).
  void reset(JobDesc& target, SourcePos pos) {
    job = &target;
    job->pos = pos;
    first_pos.fill(SourcePos{});
    ulimit_line.fill(0);
    env_line.clear();
    name_pos = {};
    sub = SubBlock::None;
    sub_open = false;
    sub_inline = false;
    sub_pos = {};
    sub_items = 0;
    depends_overflow = false;
    closed = SubBlock::None;
    closed_pos = {};
    closed_by = {};
  }
};

}  // namespace pmtr::conf
