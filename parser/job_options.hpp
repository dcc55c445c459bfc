// The options of a job block: one handler per option, each reading its own
// arguments from the line and reporting every problem at the offending
// word.  A handler that finds a problem stops reading the line (recovery is
// at the end of the line).
#pragma once

#include "parser/diag_sink.hpp"
#include "parser/job_state.hpp"
#include "parser/keywords.hpp"
#include "parser/lexer.hpp"

namespace pmtr::conf {

// One option line; `kw` is the option keyword, already looked up.
void apply_option(Option opt, const Token& kw, LineLexer& lx, JobState& js, DiagSink& diag);

enum class BlockResult : uint8_t {
  Done,        // the line is consumed
  Reprocess,   // the block was unterminated; `first` is an option line
};

// Feeds a line's tokens (starting with `first`) to the open ulimit/depends
// block of `js`.  When `first` starts the line and is a keyword (an option,
// `job`, `report`, `listen`), the block's `}` is missing: that is reported, the block closed,
// and the caller reads the line again as a job line.
BlockResult continue_block(const Token& first, bool line_start, LineLexer& lx, JobState& js,
                           DiagSink& diag);

// The block's name for messages: "'ulimit'" or "'depends'".
[[nodiscard]] std::string block_name(SubBlock b);

}  // namespace pmtr::conf
