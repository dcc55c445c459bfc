// The pmtr.conf parser: reads the text one line at a time (every statement
// and option ends at the end of its line), so recovery after an error is
// simply "go on with the next line", and blocks are state, not recursion:
// 10,000 nested `{` cost no stack.
#include "parser/config_parser.hpp"

#include <cstring>

#include "common/diagnostic.hpp"
#include "common/did_you_mean.hpp"
#include "parser/option_hint.hpp"
#include "common/limits.hpp"
#include "parser/diag_sink.hpp"
#include "parser/duplicate_names.hpp"
#include "parser/global_statements.hpp"
#include "parser/job_options.hpp"
#include "parser/job_state.hpp"
#include "parser/job_validator.hpp"
#include "parser/keywords.hpp"
#include "parser/lexer.hpp"

namespace pmtr {
namespace {

using namespace conf;

std::string num(uint64_t v) { return std::to_string(v); }

// Where the parser puts the jobs it reads: a vector of descriptors
// (parse_config) or their encodings (parse_config_encoded).  The parser
// fills the descriptor open() returns and calls close() when the block
// ends, checked or not; jobs past limits::kJobs are read but not stored.
class JobStore {
 public:
  virtual ~JobStore() = default;
  virtual void reserve(size_t jobs, size_t text_bytes) = 0;
  virtual JobDesc& open() = 0;
  virtual void close() = 0;
  [[nodiscard]] virtual std::string_view name(uint32_t index) const = 0;
  [[nodiscard]] virtual size_t size() const = 0;
};

class VectorStore final : public JobStore {
 public:
  explicit VectorStore(std::vector<JobDesc>& jobs) : jobs_(jobs) {}
  // One allocation instead of a doubling series that moves every JobDesc
  // each time.  Only address space is reserved; pages are touched as jobs
  // are read.
  void reserve(size_t jobs, size_t) override { jobs_.reserve(jobs); }
  JobDesc& open() override { return jobs_.emplace_back(); }
  void close() override {}
  std::string_view name(uint32_t index) const override { return jobs_[index].name; }
  size_t size() const override { return jobs_.size(); }

 private:
  std::vector<JobDesc>& jobs_;
};

class EncodedStore final : public JobStore {
 public:
  explicit EncodedStore(EncodedJobs& jobs) : jobs_(jobs) {}
  // A job's encoding is at most about twice its text (a word costs its
  // bytes and a 4-byte length) plus a fixed part of some 130 bytes.
  void reserve(size_t jobs, size_t text_bytes) override { jobs_.reserve(jobs, 2 * text_bytes + 160 * jobs); }
  JobDesc& open() override {
    scratch_ = JobDesc{};
    return scratch_;
  }
  void close() override { jobs_.add(scratch_); }
  std::string_view name(uint32_t index) const override { return jobs_.name(index); }
  size_t size() const override { return jobs_.size(); }

 private:
  EncodedJobs& jobs_;
  JobDesc scratch_;   // the job being read; one descriptor for the whole file
};

class Parser {
 public:
  Parser(std::vector<Diagnostic>& diagnostics, GlobalConfig& globals, JobStore& jobs)
      : globals_(globals), jobs_(jobs), diag_(diagnostics) {}

  void run(std::string_view text) {
    if (text.size() > limits::kConfigBytes) {
      diag_.error(0, 0, "file too large (" + num(text.size()) + " bytes, max " +
                            num(limits::kConfigBytes) + ")");
      return;
    }
    reserve_jobs(text);
    uint32_t line_no = 0;
    size_t pos = 0;
    while (pos < text.size() && !diag_.gave_up()) {
      if (text[pos] == '\n') {   // runs of empty lines: no call per line
        const size_t from = pos;
        while (pos < text.size() && text[pos] == '\n') ++pos;
        line_no += static_cast<uint32_t>(pos - from);
        continue;
      }
      const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
      const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
      line(text.substr(pos, end - pos), ++line_no);
      pos = end + 1;
    }
    if (!diag_.gave_up()) end_of_file();
    if (!diag_.gave_up()) names_.report([this](uint32_t i) { return jobs_.name(i); }, diag_);
    diag_.sort_by_position();
  }

 private:
  void error(uint32_t line_no, uint32_t col, std::string text) { diag_.error(line_no, col, std::move(text)); }

  // Every job starts with the bytes "job", so their count bounds the job
  // count: the stores and the name check allocate once.
  void reserve_jobs(std::string_view text) {
    size_t n = 0;
    for (size_t at = text.find("job"); at != std::string_view::npos && n < limits::kJobs;
         at = text.find("job", at + 3))
      ++n;
    jobs_.reserve(n, text.size());
    names_.reserve(n);
  }

  void line(std::string_view text, uint32_t line_no) {
    if (text.empty()) return;
    if (text.size() > limits::kLineBytes) {
      error(line_no, 1, "line too long (" + num(text.size()) + " bytes, max " + num(limits::kLineBytes) + ")");
      return;
    }
    if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
      const size_t at = static_cast<size_t>(static_cast<const char*>(nul) - text.data());
      error(line_no, static_cast<uint32_t>(at + 1), "NUL byte in config");
      text = text.substr(0, at);
    }
    LineLexer lx(text, line_no, diag_);
    // Some editors start a UTF-8 file with a byte order mark.
    if (line_no == 1 && text.substr(0, 3) == "\xef\xbb\xbf") lx.skip(3);
    Token t = lx.next(LexMode::Structural);
    if (t.kind == TokKind::End || t.kind == TokKind::Error) return;
    if (pending_job_) {
      pending_job_ = false;
      open_job(pending_pos_);
      if (t.kind == TokKind::LBrace) {
        after_open_brace(lx);
        return;
      }
      error(line_no, t.col, "expected '{' after 'job', got " + describe(t));
    }
    if (job_open_) in_job(t, lx);
    else top_level(t, lx);
  }

  void top_level(const Token& t, LineLexer& lx) {
    switch (t.kind) {
      case TokKind::LBrace: error(lx.line(), t.col, "unexpected '{'"); return;
      case TokKind::RBrace: error(lx.line(), t.col, "unexpected '}' (no open block)"); return;
      case TokKind::End: case TokKind::Error: return;
      case TokKind::Word: break;
    }
    const std::string_view w = t.value();
    if (const auto st = lookup_statement(w)) {
      if (*st == Statement::Job) start_job(t, lx);
      else apply_global(*st, t, lx, global_lines_, globals_, diag_);
      return;
    }
    if (lookup_option(w)) {
      error(lx.line(), t.col, "option " + quote(w) + " outside a job block");
      return;
    }
    const std::string_view hint = did_you_mean(w, statement_names());
    std::string msg = "unknown statement " + quote(w);
    if (!hint.empty()) msg += " (did you mean " + quote(hint) + "?)";
    error(lx.line(), t.col, std::move(msg));
    // `jbo {`: read the block as the job it was meant to be, so its
    // options are checked and do not each read as out of place.  Only
    // when a block follows (a copy of the lexer peeks at it).
    if (hint == "job") {
      LineLexer peek = lx;
      const TokKind next = peek.next(LexMode::Structural).kind;
      if (next == TokKind::LBrace || next == TokKind::End) start_job(t, lx);
    }
  }

  void in_job(const Token& t, LineLexer& lx) {
    if (js_.sub != SubBlock::None) {
      if (js_.sub_open) {
        if (continue_block(t, true, lx, js_, diag_) == BlockResult::Done) return;
      } else if (t.kind == TokKind::LBrace) {
        js_.sub_open = true;
        (void)continue_block(lx.next(LexMode::Structural), false, lx, js_, diag_);
        return;
      } else {
        block_without_arguments();
      }
    }
    switch (t.kind) {
      case TokKind::RBrace:
        close_job(true);
        expect_end_after(lx, "'}'");
        return;
      case TokKind::LBrace: error(lx.line(), t.col, "unexpected '{'"); return;
      case TokKind::End: case TokKind::Error: return;
      case TokKind::Word: break;
    }
    const std::string_view w = t.value();
    if (const auto opt = lookup_option(w)) {
      apply_option(*opt, t, lx, js_, diag_);
      return;
    }
    if (const auto st = lookup_statement(w)) {
      switch (*st) {
        case Statement::Job:
          unterminated_job(cat({"before the next 'job' at line ", num(lx.line())}));
          close_job(false);
          start_job(t, lx);
          return;
        case Statement::Report:
        case Statement::Listen:
        case Statement::Control:
        case Statement::Log:   // never here: in a block, `log` is the option
          error(lx.line(), t.col, quote(w) + " is a global statement; it cannot be inside a job block");
          return;
      }
    }
    const std::string_view hint = option_hint(w);
    std::string msg = "unknown option " + quote(w);
    if (!hint.empty()) msg += " (did you mean " + quote(hint) + "?)";
    error(lx.line(), t.col, std::move(msg));
  }

  // `ulimit` or `depends` ended its line, and no `{` came on the next one.
  void block_without_arguments() {
    const char* what = js_.sub == SubBlock::Ulimit ? " (pairs like -n 4096, or a '{' block)"
                                                   : " (paths, or a '{' block)";
    error(js_.sub_pos.line, js_.sub_pos.col, "missing argument for " + block_name(js_.sub) + what);
    js_.sub = SubBlock::None;
  }

  void expect_end_after(LineLexer& lx, const char* what) {
    const Token extra = lx.next(LexMode::Structural);
    if (extra.kind == TokKind::End || extra.kind == TokKind::Error) return;
    error(lx.line(), extra.col, "unexpected " + describe(extra) + " after " + what);
  }

  // Only a comment may follow `job {`, or `}` for an (invalid) empty job.
  void after_open_brace(LineLexer& lx) {
    const Token t = lx.next(LexMode::Structural);
    if (t.kind == TokKind::RBrace) {
      close_job(true);
      expect_end_after(lx, "'}'");
    } else if (t.kind != TokKind::End && t.kind != TokKind::Error) {
      error(lx.line(), t.col, "unexpected " + describe(t) + " after '{' (one option per line)");
    }
  }

  void start_job(const Token& kw, LineLexer& lx) {
    if (++jobs_seen_ == limits::kJobs + 1)
      error(lx.line(), kw.col, "too many jobs (max " + num(limits::kJobs) + ")");
    const SourcePos pos{lx.line(), kw.col};
    const Token t = lx.next(LexMode::Structural);
    switch (t.kind) {
      case TokKind::LBrace:
        open_job(pos);
        after_open_brace(lx);
        return;
      case TokKind::End:
        pending_job_ = true;
        pending_pos_ = pos;
        return;
      case TokKind::Error:
        open_job(pos);
        return;
      case TokKind::Word:
      case TokKind::RBrace:
        error(lx.line(), t.col, "expected '{' after 'job', got " + describe(t));
        open_job(pos);
        return;
    }
  }

  void open_job(SourcePos pos) {
    job_open_ = true;
    // Past the cap, jobs are still read (and checked) but not kept.
    JobDesc* target = &overflow_job_;
    if (jobs_seen_ <= limits::kJobs) target = &jobs_.open();
    else overflow_job_ = JobDesc{};
    js_.reset(*target, pos);
  }

  void close_job(bool terminated) {
    job_open_ = false;
    validate_job(js_, terminated, diag_);
    if (js_.job == &overflow_job_) return;
    jobs_.close();
    if (!js_.job->name.empty())
      names_.add(js_.job->name, static_cast<uint32_t>(jobs_.size() - 1), js_.name_pos);
  }

  void end_of_file() {
    if (pending_job_)
      error(pending_pos_.line, pending_pos_.col, "expected '{' after 'job', got end of file");
    if (!job_open_) return;
    if (js_.sub != SubBlock::None && js_.sub_open)
      error(js_.sub_pos.line, js_.sub_pos.col, "unterminated " + block_name(js_.sub) + " block (missing '}')");
    else if (js_.sub != SubBlock::None)
      block_without_arguments();
    unterminated_job("at end of file");
    close_job(false);
  }

  // The open job has no `}` before `where`.  If a `ulimit`/`depends` block
  // in it was closed by a `}` alone on its line, no further right than
  // `job` but left of the block's keyword, that `}` was written for the
  // job: the block is the one that lacks its `}`, and is reported instead.
  void unterminated_job(std::string_view where) {
    const JobDesc& j = *js_.job;
    if (js_.closed != SubBlock::None && js_.closed_by.col <= j.pos.col && js_.closed_pos.col > j.pos.col) {
      error(js_.closed_pos.line, js_.closed_pos.col,
            cat({"unterminated ", block_name(js_.closed), " block (missing '}': the '}' at line ",
                 num(js_.closed_by.line), " closes this block, which leaves ",
                 j.name.empty() ? std::string("the job") : cat({"job ", quote(j.name)}), " open)"}));
      return;
    }
    error(j.pos.line, j.pos.col, cat({"unterminated job block (missing '}' ", where, ")"}));
  }

  GlobalConfig& globals_;
  JobStore& jobs_;
  DiagSink diag_;
  bool pending_job_ = false;   // `job` ended its line; `{` must come next
  SourcePos pending_pos_;
  bool job_open_ = false;
  JobState js_;
  JobDesc overflow_job_;   // the job being read once there are too many
  size_t jobs_seen_ = 0;
  DuplicateNames names_;
  GlobalLines global_lines_;
};

}  // namespace

size_t count_errors(const std::vector<Diagnostic>& diagnostics) noexcept {
  size_t n = 0;
  for (const auto& d : diagnostics) n += d.severity == Severity::Error;
  return n;
}

size_t count_warnings(const std::vector<Diagnostic>& diagnostics) noexcept {
  size_t n = 0;
  for (const auto& d : diagnostics) n += d.severity == Severity::Warning;
  return n;
}

ParsedConfig parse_config(std::string_view text) {
  ParsedConfig out;
  VectorStore jobs(out.jobs);
  Parser(out.diagnostics, out.globals, jobs).run(text);
  return out;
}

EncodedConfig parse_config_encoded(std::string_view text) {
  EncodedConfig out;
  EncodedStore jobs(out.jobs);
  Parser(out.diagnostics, out.globals, jobs).run(text);
  return out;
}

std::string format_diagnostic(std::string_view file, const Diagnostic& d) {
  return format_diagnostic(file, d.severity, d.line, d.col, d.text);
}

}  // namespace pmtr
