// Checks made when a job block closes: required options present and the
// job small enough for one channel record (limits::kJobEncodedBytes),
// reported at the `job` keyword; `ready timeout` and `wait ready` only
// with a `ready fd`, reported at their own line (the fd may come later in
// the block); a warning for `log` in a job whose `out` and `err` leave it
// nothing to capture.  Per-option checks happen as each option is read
// (job_options.cpp, policy_options.cpp); name uniqueness needs every job
// and is the parser's (config_parser.cpp).
#pragma once

#include "parser/diag_sink.hpp"
#include "parser/job_state.hpp"

namespace pmtr::conf {

// `terminated`: the block ended with its `}`.  An unterminated block has
// already been reported, and what it lacks may just be below the cut, so
// missing options are not reported.
void validate_job(const JobState& js, bool terminated, DiagSink& diag);

}  // namespace pmtr::conf
