// The confinement, capture and access options of a job block (SPEC §1,
// §2.2, §2.3, §3.1): umask, group, groups, caps, nonewprivs, the four
// `limit` lines, log and operators.  Each handler reads its line left to
// right, reports the first problem at the offending word, and fills
// JobDesc::confine, JobDesc::log or JobDesc::operators only when the whole
// line is right.  The one rule that needs the whole block (`log` with both
// `out` and `err`) is checked when it closes (job_validator.cpp).
#pragma once

#include "parser/diag_sink.hpp"
#include "parser/job_state.hpp"
#include "parser/lexer.hpp"
#include "parser/option_line.hpp"

namespace pmtr::conf {

// The line's setting is already claimed (OptionLine::claim).
void set_umask(const OptionLine& c);
void set_group(const OptionLine& c);
void set_groups(const OptionLine& c);
void set_caps(const OptionLine& c);
void set_operators(const OptionLine& c);

// `log`, claimed here: `log to`, `log rotate` and `log all` in a job
// block are the global statements in the wrong place, and do not count as
// the job's `log`.
void apply_log(const Token& kw, LineLexer& lx, JobState& js, DiagSink& diag);

// `limit memory|swap|tasks|cpu VALUE`: the word after `limit` picks the
// setting, which is then claimed and read.
void apply_limit(const Token& kw, LineLexer& lx, JobState& js, DiagSink& diag);

}  // namespace pmtr::conf
