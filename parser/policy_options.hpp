// The lifecycle options of a job block (SPEC §1, §2.1): restart, backoff,
// stable after, give up, stop signal/timeout, ready fd/timeout, and the
// `ready` of `wait ready`; also `once` and `wait`, which they qualify.
// Each handler reads its line, fills JobDesc::policy (or the flags), and
// reports every problem at the offending word.  The rules that need the
// whole block (a `ready fd` for `ready timeout` and `wait ready`) are
// checked when it closes (job_validator.cpp).
#pragma once

#include "parser/diag_sink.hpp"
#include "parser/job_state.hpp"
#include "parser/keywords.hpp"
#include "parser/lexer.hpp"
#include "parser/option_line.hpp"

namespace pmtr::conf {

// The line's setting is already claimed (OptionLine::claim).
void set_restart(const OptionLine& c);
void set_once(const OptionLine& c);
void set_backoff(const OptionLine& c);
void set_stable_after(const OptionLine& c);
void set_give_up(const OptionLine& c);
void set_wait(const OptionLine& c);

// `stop signal|timeout ...` and `ready fd|timeout ...`: the word after the
// keyword picks the setting, which is then claimed and read.
void apply_two_word_option(Option opt, const Token& kw, LineLexer& lx, JobState& js, DiagSink& diag);

}  // namespace pmtr::conf
