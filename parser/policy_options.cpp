#include "parser/policy_options.hpp"

#include <array>
#include <optional>
#include <span>
#include <string>

#include "common/limits.hpp"
#include "common/did_you_mean.hpp"
#include "parser/durations.hpp"
#include "parser/signals.hpp"
#include "parser/values.hpp"

namespace pmtr::conf {
namespace {

std::string num(uint64_t v) { return std::to_string(v); }

// Each option as it is written, for "missing ..." and "expected ..."
// messages: the reader sees the shape the line should have.
std::string_view example(Setting s) {
  switch (s) {
    case Setting::Restart: return "always, on-failure or never";
    case Setting::Backoff: return "as in 'backoff 1s to 5m'";
    case Setting::StableAfter: return "as in 'stable after 30s'";
    case Setting::GiveUp: return "as in 'give up after 5 in 2m'";
    case Setting::StopSignal: return "as in 'stop signal INT'";
    case Setting::StopTimeout: return "as in 'stop timeout 30s'";
    case Setting::ReadyFd: return "as in 'ready fd 3'";
    case Setting::ReadyTimeout: return "as in 'ready timeout 1m'";
    case Setting::Bounce: case Setting::Caps: case Setting::Cmd: case Setting::Cpu:
    case Setting::Depends: case Setting::Dir: case Setting::Disable: case Setting::Env:
    case Setting::Err: case Setting::Group: case Setting::Groups: case Setting::In:
    case Setting::LimitCpu: case Setting::LimitMemory: case Setting::LimitSwap:
    case Setting::LimitTasks: case Setting::Log: case Setting::Name: case Setting::Nice:
    case Setting::Nonewprivs: case Setting::Once: case Setting::Operators: case Setting::Order:
    case Setting::Out: case Setting::Ulimit: case Setting::Umask: case Setting::User:
    case Setting::Wait:
      break;
  }
  return {};
}

std::string with_example(std::string_view text, Setting s) { return cat({text, " (", example(s), ")"}); }

// The next word must be one of `choices`; `after` is the text it follows
// ("backoff 1s").  Its index, or nullopt once reported.  A misspelling
// gets a hint, the end of the line the option's example; when the word
// is the option's first (`stable after`, `give up`), a bare keyword is
// "missing argument", as for every option.
std::optional<size_t> expect_word(const OptionLine& c, std::span<const std::string_view> choices,
                                  const std::string& after, bool first = false) {
  const Token t = c.lx.next(LexMode::Argument);
  if (t.kind == TokKind::Error) return std::nullopt;
  if (t.kind == TokKind::Word)
    for (size_t i = 0; i < choices.size(); ++i)
      if (t.value() == choices[i]) return i;
  if (first && t.kind == TokKind::End) {
    c.error(c.kw.col, with_example(cat({"missing argument for ", c.name()}), c.setting));
    return std::nullopt;
  }
  const std::string msg = cat({"expected ", alternatives(choices), " after ", quote(after), ", got ", describe(t)});
  const std::string hint = t.kind == TokKind::Word ? hint_among(t.value(), choices) : std::string();
  c.error(t.col, hint.empty() ? with_example(msg, c.setting) : msg + hint);
  return std::nullopt;
}

bool expect_word(const OptionLine& c, std::string_view word, const std::string& after, bool first = false) {
  const std::array<std::string_view, 1> one = {word};
  return expect_word(c, one, after, first).has_value();
}

// The next word, a value.  At the end of the line: `missing`, reported at
// `missing_col`, with the option's example.
bool value_word(const OptionLine& c, Token& out, const std::string& missing, uint32_t missing_col) {
  out = c.lx.next(LexMode::Argument);
  if (out.kind == TokKind::Word) return true;
  if (out.kind != TokKind::Error) c.error(missing_col, with_example(missing, c.setting));
  return false;
}

// The option's first value: "missing argument for 'stop signal'" at the
// option's keyword, as for every other option.
bool first_value(const OptionLine& c, Token& out) {
  return value_word(c, out, cat({"missing argument for ", c.name()}), c.kw.col);
}

// A later value: "missing duration after 'backoff 1s to'" where it should be.
bool later_value(const OptionLine& c, Token& out, std::string_view what, const std::string& after) {
  out = c.lx.next(LexMode::Argument);
  if (out.kind == TokKind::Word) return true;
  if (out.kind != TokKind::Error)
    c.error(out.col, with_example(cat({"missing ", what, " after ", quote(after)}), c.setting));
  return false;
}

bool duration(const OptionLine& c, const Token& w, uint32_t& ms) {
  auto r = parse_duration(w.value());
  if (r) {
    ms = r.value();
    return true;
  }
  std::string msg = r.error().what;
  if (is_bare_number(w.value())) {
    // `30 s`: the unit came as a word of its own (`bounce every` allows
    // that; these options do not).
    LineLexer peek = c.lx;
    const Token unit = peek.next(LexMode::Argument);
    if (unit.kind == TokKind::Word && duration_unit_ms(unit.value()))
      msg = cat({"duration ", quote(w.value()), " has no unit (write ", quote(cat({w.value(), unit.value()})),
                 ", without a space)"});
  }
  c.error(w.col, std::move(msg));
  return false;
}

bool positive(const OptionLine& c, const Token& w, uint32_t ms, std::string_view what) {
  if (ms != 0) return true;
  c.error(w.col, cat({what, " must be positive"}));
  return false;
}

// `once` means `restart never`: both in one job is a contradiction or a
// repetition, and either way one of them should go.
bool not_with(const OptionLine& c, Setting other) {
  const SourcePos& at = c.js.first(other);
  if (at.line == 0) return true;
  c.error(c.kw.col, cat({c.name(), " cannot be combined with ", quote(setting_name(other)), " (line ", num(at.line),
                         "): 'once' means 'restart never'"}));
  return false;
}

void set_stop_signal(const OptionLine& c) {
  Token v;
  if (!first_value(c, v)) return;
  auto sig = parse_signal(v.value());
  if (!sig) {
    c.error(v.col, sig.error().what);
    return;
  }
  if (c.end_of_line()) c.js.job->policy.stop_signal = sig.value();
}

void set_stop_timeout(const OptionLine& c) {
  Token v;
  uint32_t ms = 0;
  if (!first_value(c, v) || !duration(c, v, ms)) return;
  if (c.end_of_line()) c.js.job->policy.stop_timeout_ms = ms;   // 0: SIGKILL at once
}

void set_ready_fd(const OptionLine& c) {
  Token v;
  if (!first_value(c, v)) return;
  const auto fd = parse_int(v.value(), limits::kReadyFdMin, limits::kReadyFdMax);
  if (!fd) {
    c.error(v.col, cat({"invalid ready fd ", quote(v.value()), " (an integer from ", num(limits::kReadyFdMin), " to ",
                        num(limits::kReadyFdMax), "; 0, 1 and 2 are the job's stdin, stdout and stderr)"}));
    return;
  }
  if (c.end_of_line()) c.js.job->policy.ready_fd = static_cast<uint16_t>(*fd);
}

void set_ready_timeout(const OptionLine& c) {
  Token v;
  uint32_t ms = 0;
  if (!first_value(c, v) || !duration(c, v, ms) || !positive(c, v, ms, "ready timeout")) return;
  if (c.end_of_line()) c.js.job->policy.ready_timeout_ms = ms;
}

}  // namespace

void set_restart(const OptionLine& c) {
  if (!not_with(c, Setting::Once)) return;
  Token v;
  if (!first_value(c, v)) return;
  static constexpr std::array<std::string_view, 3> kModes = {"always", "on-failure", "never"};
  static constexpr std::array<RestartMode, 3> kValues = {RestartMode::Always, RestartMode::OnFailure,
                                                         RestartMode::Never};
  for (size_t i = 0; i < kModes.size(); ++i) {
    if (v.value() != kModes[i]) continue;
    if (c.end_of_line()) c.js.job->policy.restart = kValues[i];
    return;
  }
  const std::string hint = hint_among(v.value(), kModes);
  c.error(v.col, cat({"invalid restart policy ", quote(v.value()), hint.empty() ? " (always, on-failure or never)" : hint}));
}

void set_once(const OptionLine& c) {
  if (!not_with(c, Setting::Restart)) return;
  if (c.end_of_line()) c.js.job->once = true;
}

void set_backoff(const OptionLine& c) {
  Token lo_word, hi_word;
  uint32_t lo = 0, hi = 0;
  if (!first_value(c, lo_word) || !duration(c, lo_word, lo) || !positive(c, lo_word, lo, "backoff minimum"))
    return;
  const std::string after = cat({"backoff ", lo_word.value()});
  if (!expect_word(c, "to", after)) return;
  if (!later_value(c, hi_word, "maximum", cat({after, " to"})) || !duration(c, hi_word, hi)) return;
  if (hi < lo) {
    c.error(hi_word.col, cat({"backoff maximum ", quote(hi_word.value()), " is below its minimum ", quote(lo_word.value())}));
    return;
  }
  if (!c.end_of_line()) return;
  c.js.job->policy.backoff_min_ms = lo;
  c.js.job->policy.backoff_max_ms = hi;
}

void set_stable_after(const OptionLine& c) {
  if (!expect_word(c, "after", "stable", true)) return;
  Token v;
  uint32_t ms = 0;
  if (!later_value(c, v, "duration", "stable after") || !duration(c, v, ms) ||
      !positive(c, v, ms, "stable after"))
    return;
  if (c.end_of_line()) c.js.job->policy.stable_after_ms = ms;
}

void set_give_up(const OptionLine& c) {
  if (!expect_word(c, "up", "give", true)) return;
  if (!expect_word(c, "after", "give up")) return;
  Token count_word, window_word;
  if (!later_value(c, count_word, "count", "give up after")) return;
  const auto count = parse_int(count_word.value(), 1, limits::kGiveUpCountMax);
  if (!count) {
    c.error(count_word.col, cat({"invalid give up count ", quote(count_word.value()), " (an integer from 1 to ",
                                 num(limits::kGiveUpCountMax), ")"}));
    return;
  }
  const std::string after = cat({"give up after ", count_word.value()});
  if (!expect_word(c, "in", after)) return;
  uint32_t window = 0;
  if (!later_value(c, window_word, "duration", cat({after, " in"})) || !duration(c, window_word, window) ||
      !positive(c, window_word, window, "give up window"))
    return;
  if (!c.end_of_line()) return;
  c.js.job->policy.give_up_count = static_cast<uint32_t>(*count);
  c.js.job->policy.give_up_window_ms = window;
}

void set_wait(const OptionLine& c) {
  const Token t = c.lx.next(LexMode::Argument);
  switch (t.kind) {
    case TokKind::Error: return;
    case TokKind::End: c.js.job->wait = true; return;
    case TokKind::Word: case TokKind::LBrace: case TokKind::RBrace: break;
  }
  if (t.value() == "ready") {
    const Token extra = c.lx.next(LexMode::Argument);
    if (extra.kind == TokKind::Word) c.error(extra.col, cat({"extra argument ", describe(extra), " for 'wait ready'"}));
    if (extra.kind != TokKind::End) return;
    c.js.job->wait = true;
    c.js.job->wait_ready = true;
    return;
  }
  const std::array<std::string_view, 1> ready = {"ready"};
  c.error(t.col, cat({"extra argument ", describe(t), " for 'wait'",
                      did_you_mean(t.value(), ready).empty() ? "" : " (did you mean 'wait ready'?)"}));
}

void apply_two_word_option(Option opt, const Token& kw, LineLexer& lx, JobState& js, DiagSink& diag) {
  const bool stop = opt == Option::Stop;
  static constexpr std::array<std::string_view, 2> kStop = {"signal", "timeout"};
  static constexpr std::array<std::string_view, 2> kReady = {"fd", "timeout"};
  const auto& words = stop ? kStop : kReady;
  const Setting first = stop ? Setting::StopSignal : Setting::ReadyFd;
  const Setting second = stop ? Setting::StopTimeout : Setting::ReadyTimeout;
  const Token t = lx.next(LexMode::Argument);
  if (t.kind == TokKind::Error) return;
  if (t.kind == TokKind::End) {
    diag.error(lx.line(), kw.col,
               stop ? "missing argument for 'stop' (as in 'stop signal INT' or 'stop timeout 30s')"
                    : "missing argument for 'ready' (as in 'ready fd 3' or 'ready timeout 1m')");
    return;
  }
  Setting setting = first;
  if (t.value() == words[1]) {
    setting = second;
  } else if (t.value() != words[0]) {
    diag.error(lx.line(), t.col,
               cat({"expected ", alternatives(words), " after ", quote(option_name(opt)), ", got ", describe(t),
                    hint_among(t.value(), words)}));
    return;
  }
  const OptionLine c{lx, js, diag, kw, setting};
  if (!c.claim()) return;
  if (setting == Setting::StopSignal) set_stop_signal(c);
  else if (setting == Setting::StopTimeout) set_stop_timeout(c);
  else if (setting == Setting::ReadyFd) set_ready_fd(c);
  else set_ready_timeout(c);
}

}  // namespace pmtr::conf
