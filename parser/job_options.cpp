#include "parser/job_options.hpp"

#include <algorithm>
#include <limits>

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "parser/confine_options.hpp"
#include "parser/option_line.hpp"
#include "parser/policy_options.hpp"
#include "parser/values.hpp"

namespace pmtr::conf {
namespace {

std::string num(uint64_t v) { return std::to_string(v); }

void set_name(const OptionLine& c) {
  Token v;
  if (!c.one_arg(v)) return;
  if (!valid_job_name(v.value())) {
    c.error(v.col, "invalid job name " + quote(v.value()) + " (printable, no spaces, at most " +
                       num(limits::kNameBytes) + " bytes)");
    return;
  }
  c.js.job->name = v.value();
  c.js.name_pos = c.pos(v);
}

void set_cmd(const OptionLine& c) {
  Token t = c.lx.next(LexMode::Argument);
  if (t.kind == TokKind::Error) return;
  if (t.kind != TokKind::Word) {
    c.error(c.kw.col, "missing argument for " + c.name());
    return;
  }
  const std::string_view exe = t.value();
  if (exe.empty() || exe[0] != '/') {
    c.error(t.col, "cmd must be an absolute path (no PATH search)");
    return;
  }
  if (!valid_abs_path(exe)) {
    c.error(t.col, "invalid cmd path " + quote(exe));
    return;
  }
  c.js.job->cmd_pos = c.pos(t);
  // Filled in place; after an error it may be partial, but then the
  // config is rejected anyway.
  std::vector<std::string>& argv = c.js.job->argv;
  argv.reserve(4);   // most commands: one allocation
  argv.emplace_back(exe);
  Token last = t;
  for (;;) {
    t = c.lx.next(LexMode::Argument);
    if (t.kind == TokKind::End || t.kind == TokKind::Error) break;
    if (argv.size() == limits::kArgs) {
      c.error(t.col, "too many arguments for 'cmd' (max " + num(limits::kArgs) + ")");
      return;
    }
    if (!valid_argument(t.value())) {   // unreachable with the shipped caps; kept in step
      c.error(t.col, "invalid argument " + quote(t.value()));
      return;
    }
    argv.emplace_back(t.value());
    last = t;
  }
  // `cmd /bin/x }` closes nothing: cmd takes the whole line.  Say so, since
  // the block then runs on and the error lands far away.
  if (t.kind == TokKind::End && argv.size() > 1 && !last.quoted && last.value() == "}")
    c.diag.warning(c.lx.line(), last.col,
                   "'}' is an argument of 'cmd' (cmd takes the rest of its line; put '}' on its own line)");
}

void set_dir(const OptionLine& c) {
  Token v;
  if (!c.one_arg(v)) return;
  const std::string_view d = v.value();
  if (d.empty() || d[0] != '/') {
    c.error(v.col, "dir must be an absolute path");
    return;
  }
  if (!valid_abs_path(d)) {
    c.error(v.col, "invalid dir path " + quote(d));
    return;
  }
  c.js.job->dir = d;
  c.js.job->dir_pos = c.pos(v);
}

void set_io(const OptionLine& c, std::string& field) {
  Token v;
  if (!c.one_arg(v)) return;
  if (!valid_io_path(v.value())) {
    c.error(v.col, "invalid path " + quote(v.value()) + " for " + c.name());
    return;
  }
  field = v.value();
}

void set_user(const OptionLine& c) {
  Token v;
  if (!c.one_arg(v)) return;
  if (!valid_user_name(v.value())) {
    c.error(v.col, "invalid user name " + quote(v.value()));
    return;
  }
  c.js.job->user = v.value();
  c.js.job->user_pos = c.pos(v);
}

void add_env(const OptionLine& c) {
  Token v;
  if (!c.one_arg(v)) return;
  const std::string_view e = v.value();
  const size_t eq = e.find('=');
  if (eq == std::string_view::npos) {
    c.error(v.col, "env needs NAME=VALUE, got " + quote(e));
    return;
  }
  const std::string_view var = e.substr(0, eq);
  if (!valid_env_name(var) || !valid_env_entry(e)) {
    c.error(v.col, "invalid environment variable name " + quote(var));
    return;
  }
  auto& env = c.js.job->env;
  for (size_t i = 0; i < env.size(); ++i) {
    if (std::string_view(env[i]).substr(0, eq + 1) == e.substr(0, eq + 1)) {
      c.error(v.col, "duplicate env " + quote(var) + " (first set at line " + num(c.js.env_line[i]) + ")");
      return;
    }
  }
  if (env.size() == limits::kEnv) {
    c.error(c.kw.col, "too many env lines (max " + num(limits::kEnv) + ")");
    return;
  }
  env.emplace_back(e);
  c.js.env_line.push_back(c.lx.line());
}

void set_nice(const OptionLine& c) {
  Token v;
  if (!c.one_arg(v)) return;
  const auto n = parse_int(v.value(), -20, 19);
  if (!n) {
    c.error(v.col, "invalid nice value " + quote(v.value()) + " (an integer from -20 to 19)");
    return;
  }
  c.js.job->has_nice = true;
  c.js.job->nice = static_cast<int32_t>(*n);
}

void set_cpu(const OptionLine& c) {
  Token v;
  if (!c.one_arg(v)) return;
  auto cpus = parse_cpus(v.value());
  if (!cpus) {
    c.error(v.col, cpus.error().what);
    return;
  }
  c.js.job->cpus = std::move(cpus.value());
}

void set_order(const OptionLine& c) {
  Token v;
  if (!c.one_arg(v)) return;
  const auto n = parse_int(v.value(), std::numeric_limits<int32_t>::min(),
                           std::numeric_limits<int32_t>::max());
  if (!n) {
    c.error(v.col, "invalid order " + quote(v.value()) + " (an integer from -2147483648 to 2147483647)");
    return;
  }
  c.js.job->order = static_cast<int32_t>(*n);
}

void set_bounce(const OptionLine& c) {
  const Token every = c.lx.next(LexMode::Argument);
  if (every.kind == TokKind::Error) return;
  if (every.kind != TokKind::Word) {
    c.error(c.kw.col, "missing argument for 'bounce' (as in 'bounce every 1d')");
    return;
  }
  if (every.value() != "every") {
    c.error(every.col, "expected 'every' after 'bounce', got " + describe(every));
    return;
  }
  const Token n = c.lx.next(LexMode::Argument);
  if (n.kind == TokKind::Error) return;
  if (n.kind != TokKind::Word) {
    c.error(every.col, "missing interval after 'bounce every' (as in 'bounce every 1d')");
    return;
  }
  const Token unit = c.lx.next(LexMode::Argument);
  if (unit.kind == TokKind::Error) return;
  if (unit.kind == TokKind::Word && !c.end_of_line()) return;
  auto secs = parse_bounce(n.value(), unit.kind == TokKind::Word ? unit.value() : std::string_view{});
  if (!secs) {
    c.error(n.col, secs.error().what);
    return;
  }
  c.js.job->bounce_seconds = secs.value();
}

void set_flag(const OptionLine& c, bool& flag) {
  if (c.end_of_line()) flag = true;
}

// ulimit and depends: inline arguments, `{` on this line, or `{` expected
// on the next line.
void open_list(const OptionLine& c, SubBlock kind) {
  const Token t = c.lx.next(LexMode::Structural);
  JobState& js = c.js;
  switch (t.kind) {
    case TokKind::Error:
      return;
    case TokKind::End:
    case TokKind::LBrace:
      js.sub = kind;
      js.sub_open = t.kind == TokKind::LBrace;
      js.sub_pos = c.pos(c.kw);
      js.sub_inline = false;
      js.sub_items = 0;
      if (js.sub_open) (void)continue_block(c.lx.next(LexMode::Structural), false, c.lx, js, c.diag);
      return;
    case TokKind::RBrace:
      c.error(t.col, "unexpected '}' after " + c.name());
      return;
    case TokKind::Word:
      break;
  }
  // Inline: reuse the block reader with a block that is "open" for this
  // line only.
  js.sub = kind;
  js.sub_open = true;
  js.sub_inline = true;
  js.sub_pos = c.pos(c.kw);
  js.sub_items = 0;
  (void)continue_block(t, false, c.lx, js, c.diag);
  js.sub = SubBlock::None;
  js.sub_inline = false;
}

// One `-n 4096` pair; `flag` is the flag word.  False after an error; if
// the error was a missing value, `next` is the token found instead (a `}`
// there still closes the block).
bool ulimit_pair(const OptionLine& c, const Token& flag, Token& next) {
  const auto res = lookup_ulimit(flag.value());
  if (!res) {
    c.error(flag.col, "unknown ulimit flag " + quote(flag.value()) + " (one of " +
                          std::string(ulimit_flag_list()) + ")");
    return false;
  }
  Token v = c.lx.next(LexMode::Structural);
  if (v.kind != TokKind::Word) {
    if (v.kind != TokKind::Error)
      c.error(flag.col, "missing value for ulimit " + quote(flag.value()));
    next = v;
    return false;
  }
  auto value = parse_ulimit_value(v.value());
  if (!value) {
    c.error(v.col, value.error().what);
    return false;
  }
  uint32_t& first = c.js.ulimit_line[*res];
  if (first != 0) {
    c.error(flag.col, "duplicate ulimit " + quote(flag.value()) + " (first set at line " + num(first) + ")");
    return false;
  }
  first = c.lx.line();
  auto& lims = c.js.job->ulimits;
  const auto at = std::lower_bound(lims.begin(), lims.end(), *res,
                                   [](const Ulimit& u, uint8_t r) { return u.resource < r; });
  lims.insert(at, Ulimit{*res, value.value()});
  return true;
}

bool depends_path(const OptionLine& c, const Token& t) {
  const std::string_view p = t.value();
  if (p.empty() || p[0] != '/') {
    c.error(t.col, "depends path " + quote(p) + " is not an absolute path");
    return false;
  }
  if (!valid_abs_path(p)) {
    c.error(t.col, "invalid depends path " + quote(p));
    return false;
  }
  auto& deps = c.js.job->depends;
  if (std::find(deps.begin(), deps.end(), p) != deps.end()) {
    c.diag.warning(c.lx.line(), t.col, "duplicate depends path " + quote(p) + " ignored");
    return true;
  }
  if (deps.size() == limits::kDepends) {
    if (!c.js.depends_overflow)
      c.error(t.col, "too many depends paths (max " + num(limits::kDepends) + ")");
    c.js.depends_overflow = true;
    return false;
  }
  deps.emplace_back(p);
  return true;
}

}  // namespace

std::string block_name(SubBlock b) {
  switch (b) {
    case SubBlock::Ulimit: return "'ulimit'";
    case SubBlock::Depends: return "'depends'";
    case SubBlock::None: break;
  }
  return "''";
}

void apply_option(Option opt, const Token& kw, LineLexer& lx, JobState& js, DiagSink& diag) {
  const auto setting = only_setting(opt);
  if (!setting) {
    // `stop`, `ready` and `limit`: the next word says which setting the
    // line is.
    if (opt == Option::Limit) apply_limit(kw, lx, js, diag);
    else apply_two_word_option(opt, kw, lx, js, diag);
    return;
  }
  if (opt == Option::Log) {   // claimed once its next word is known
    apply_log(kw, lx, js, diag);
    return;
  }
  const OptionLine c{lx, js, diag, kw, *setting};
  if (!c.claim()) return;
  switch (opt) {
    case Option::Name: set_name(c); return;
    case Option::Cmd: set_cmd(c); return;
    case Option::Dir: set_dir(c); return;
    case Option::In: set_io(c, js.job->in); return;
    case Option::Out: set_io(c, js.job->out); return;
    case Option::Err: set_io(c, js.job->err); return;
    case Option::User: set_user(c); return;
    case Option::Env: add_env(c); return;
    case Option::Nice: set_nice(c); return;
    case Option::Cpu: set_cpu(c); return;
    case Option::Order: set_order(c); return;
    case Option::Bounce: set_bounce(c); return;
    case Option::Disable: set_flag(c, js.job->disabled); return;
    case Option::Ulimit: open_list(c, SubBlock::Ulimit); return;
    case Option::Depends: open_list(c, SubBlock::Depends); return;
    case Option::Wait: set_wait(c); return;
    case Option::Once: set_once(c); return;
    case Option::Restart: set_restart(c); return;
    case Option::Backoff: set_backoff(c); return;
    case Option::Stable: set_stable_after(c); return;
    case Option::Give: set_give_up(c); return;
    case Option::Umask: set_umask(c); return;
    case Option::Group: set_group(c); return;
    case Option::Groups: set_groups(c); return;
    case Option::Caps: set_caps(c); return;
    case Option::Nonewprivs: set_flag(c, js.job->confine.nonewprivs); return;
    case Option::Operators: set_operators(c); return;
    case Option::Log:
    case Option::Limit:
    case Option::Stop:
    case Option::Ready:
      return;   // handled above
  }
}

BlockResult continue_block(const Token& first, bool line_start, LineLexer& lx, JobState& js,
                           DiagSink& diag) {
  const Setting setting = js.sub == SubBlock::Ulimit ? Setting::Ulimit : Setting::Depends;
  const OptionLine c{lx, js, diag, first, setting};
  Token t;
  const Token* cur = &first;
  for (;;) {
    switch (cur->kind) {
      case TokKind::End:
      case TokKind::Error:
        return BlockResult::Done;
      case TokKind::LBrace:
        c.error(cur->col, "unexpected '{' in " + block_name(js.sub) + " block");
        return BlockResult::Done;
      case TokKind::RBrace: {
        if (js.sub_inline) {
          c.error(cur->col, "unexpected '}' after " + block_name(js.sub));
          return BlockResult::Done;
        }
        if (js.sub == SubBlock::Depends && js.sub_items == 0)
          diag.error(js.sub_pos.line, js.sub_pos.col, "empty 'depends' block");
        if (line_start) {
          js.closed = js.sub;
          js.closed_pos = js.sub_pos;
          js.closed_by = c.pos(*cur);
        }
        js.sub = SubBlock::None;
        const Token extra = lx.next(LexMode::Structural);
        if (extra.kind != TokKind::End && extra.kind != TokKind::Error)
          c.error(extra.col, "unexpected " + describe(extra) + " after '}'");
        return BlockResult::Done;
      }
      case TokKind::Word:
        break;
    }
    if (line_start && (lookup_option(cur->value()) || lookup_statement(cur->value()))) {
      diag.error(js.sub_pos.line, js.sub_pos.col,
                 "unterminated " + block_name(js.sub) + " block (missing '}')");
      js.sub = SubBlock::None;
      return BlockResult::Reprocess;
    }
    line_start = false;
    ++js.sub_items;   // even a rejected item: the block is not "empty"
    Token next;
    next.kind = TokKind::Word;   // not yet read
    const bool ok = js.sub == SubBlock::Ulimit ? ulimit_pair(c, *cur, next) : depends_path(c, *cur);
    if (!ok) {
      // Recover at the block's `}` if it is on this line, else at the end
      // of the line: an error must not swallow the block's end.
      while (next.kind != TokKind::RBrace && next.kind != TokKind::End && next.kind != TokKind::Error)
        next = lx.next(LexMode::Structural);
      if (next.kind != TokKind::RBrace) return BlockResult::Done;
      t = next;
    } else {
      t = lx.next(LexMode::Structural);
    }
    cur = &t;
  }
}

}  // namespace pmtr::conf
