#include "parser/global_statements.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/did_you_mean.hpp"
#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "parser/name_lists.hpp"
#include "parser/option_line.hpp"
#include "parser/sizes.hpp"
#include "parser/values.hpp"

namespace pmtr::conf {
namespace {

std::string num(uint64_t v) { return std::to_string(v); }

// Index == enum value.
constexpr std::array<std::string_view, kGlobalCount> kGlobalNames = {
    "control operate", "control socket", "control status", "listen on",
    "log all",         "log rotate",     "log to",         "report to",
};
static_assert(kGlobalNames[static_cast<size_t>(Global::ControlOperate)] == "control operate");
static_assert(kGlobalNames[static_cast<size_t>(Global::LogTo)] == "log to");
static_assert(kGlobalNames[static_cast<size_t>(Global::ReportTo)] == "report to");

// One statement line while it is read; the counterpart of OptionLine.
struct StatementLine {
  LineLexer& lx;
  DiagSink& diag;
  const Token& kw;
  Global global;

  void error(uint32_t col, std::string text) const { diag.error(lx.line(), col, std::move(text)); }
  [[nodiscard]] std::string name() const { return quote(global_name(global)); }

  // The option's value, or "missing argument for 'log to' (usage)" at
  // the keyword.
  [[nodiscard]] bool first_value(Token& out, std::string_view usage) const {
    out = lx.next(LexMode::Argument);
    if (out.kind == TokKind::Word) return true;
    if (out.kind != TokKind::Error) error(kw.col, cat({"missing argument for ", name(), " (", usage, ")"}));
    return false;
  }
  [[nodiscard]] bool end_of_line() const {
    const Token extra = lx.next(LexMode::Argument);
    if (extra.kind == TokKind::End) return true;
    if (extra.kind != TokKind::Error) error(extra.col, cat({"extra argument ", describe(extra), " for ", name()}));
    return false;
  }
};

// The statement's second word picks what it sets (`log rotate`); nullopt
// once reported.  `usage` shows the statement's forms.
std::optional<Global> second_word(const Token& kw, LineLexer& lx, DiagSink& diag,
                                  std::span<const std::string_view> words, std::span<const Global> globals,
                                  std::string_view usage) {
  const Token t = lx.next(LexMode::Argument);
  if (t.kind == TokKind::Error) return std::nullopt;
  if (t.kind == TokKind::End) {
    diag.error(lx.line(), kw.col, cat({"missing argument for ", quote(kw.value()), " (", usage, ")"}));
    return std::nullopt;
  }
  for (size_t i = 0; i < words.size(); ++i)
    if (t.value() == words[i]) return globals[i];
  diag.error(lx.line(), t.col, cat({"expected ", alternatives(words), " after ", quote(kw.value()), ", got ",
                                    describe(t), hint_among(t.value(), words)}));
  return std::nullopt;
}

// Records the statement; false (reported) when it was already given.
bool claim(const StatementLine& s, GlobalLines& lines) {
  uint32_t& first = lines.first[static_cast<size_t>(s.global)];
  if (first != 0) {
    s.error(s.kw.col, cat({"duplicate ", s.name(), " (first set at line ", num(first), ")"}));
    return false;
  }
  first = s.lx.line();
  return true;
}

// `listen on ADDR` may end in `key FILE`; the word after the address, or
// End.  False when reported.
bool listen_key(const StatementLine& s, const Token& addr, std::string& key) {
  constexpr std::string_view kExample = "as in 'listen on udp://0.0.0.0:10000 key /etc/pmtr/listen.key'";
  const Token k = s.lx.next(LexMode::Argument);
  if (k.kind == TokKind::End) return true;
  if (k.kind == TokKind::Error) return false;
  if (!k.is_keyword("key")) {
    const std::array<std::string_view, 1> key_word = {"key"};
    const std::string hint = k.kind == TokKind::Word ? hint_among(k.value(), key_word) : std::string();
    s.error(k.col, cat({"expected 'key' or end of line after ", quote(addr.value()), ", got ", describe(k),
                        hint.empty() ? cat({" (", kExample, ")"}) : hint}));
    return false;
  }
  const Token f = s.lx.next(LexMode::Argument);
  if (f.kind == TokKind::Error) return false;
  if (f.kind != TokKind::Word) {
    s.error(f.col, cat({"missing file after 'key' (", kExample, ")"}));
    return false;
  }
  const std::string_view p = f.value();
  if (p.empty() || p[0] != '/') {
    s.error(f.col, cat({"key file ", quote(p), " must be an absolute path"}));
    return false;
  }
  if (!valid_abs_path(p)) {
    s.error(f.col, cat({"invalid key file path ", quote(p)}));
    return false;
  }
  if (!s.end_of_line()) return false;
  key = p;
  return true;
}

// `report to` and `listen on`, as the original pmtr wrote them, and
// `listen on ... key FILE`.
void udp_statement(const Token& kw, LineLexer& lx, GlobalLines& lines, GlobalConfig& g, DiagSink& diag, bool report) {
  const StatementLine s{lx, diag, kw, report ? Global::ReportTo : Global::ListenOn};
  const std::string_view prep = report ? "to" : "on";
  if (!report && !claim(s, lines)) return;
  const Token p = lx.next(LexMode::Argument);
  if (p.kind == TokKind::Error) return;
  if (!p.is_keyword(prep)) {
    s.error(p.kind == TokKind::Word ? p.col : kw.col,
            cat({"expected ", quote(prep), " after ", quote(kw.value()), ", got ", describe(p)}));
    return;
  }
  if (report && ++lines.report_statements > limits::kReportTargets) {
    s.error(kw.col, cat({"too many 'report to' lines (max ", num(limits::kReportTargets), ")"}));
    return;
  }
  const Token a = lx.next(LexMode::Argument);
  if (a.kind == TokKind::Error) return;
  if (a.kind != TokKind::Word) {
    s.error(kw.col, cat({"missing address for ", s.name()}));
    return;
  }
  auto addr = parse_udp_address(a.value(), report ? UdpUse::Report : UdpUse::Listen);
  if (!addr) {
    s.error(a.col, addr.error().what);
    return;
  }
  std::string key;
  if (report ? !s.end_of_line() : !listen_key(s, a, key)) return;
  if (!report) {
    if (key.empty())
      diag.warning(lx.line(), a.col,
                   cat({"listen on ", a.value(), " has no key: anyone who can send a datagram to it can stop and "
                        "start jobs (add 'key FILE', pmtr(8) SIGNED DATAGRAMS)"}));
    g.listen_on = std::move(addr.value());
    g.listen_key = std::move(key);
    return;
  }
  for (size_t i = 0; i < g.report_to.size(); ++i)
    if (g.report_to[i] == addr.value()) {
      s.error(a.col, cat({"duplicate 'report to' address ", quote(a.value()), " (first given at line ",
                          num(lines.report_lines[i]), ")"}));
      return;
    }
  g.report_to.push_back(std::move(addr.value()));
  lines.report_lines.push_back(lx.line());
}

void log_to(const StatementLine& s, LogConfig& log) {
  Token v;
  if (!s.first_value(v, "a directory, as in 'log to /var/log/pmtr', or 'stderr'")) return;
  const std::string_view d = v.value();
  if (d == "stderr") {
    if (s.end_of_line()) log.target = CaptureTarget::Stderr;
    return;
  }
  if (d.empty() || d[0] != '/') {
    const std::array<std::string_view, 1> stderr_word = {"stderr"};
    const std::string hint = equal_ignoring_case(d, "stderr") ? " (did you mean 'stderr'?)" : hint_among(d, stderr_word);
    s.error(v.col, cat({"log directory ", quote(d), " must be an absolute path", hint.empty() ? " (or 'stderr')" : hint}));
    return;
  }
  if (!valid_abs_path(d)) {
    s.error(v.col, cat({"invalid log directory ", quote(d)}));
    return;
  }
  if (!s.end_of_line()) return;
  log.target = CaptureTarget::Dir;
  log.dir = d;
}

void log_rotate(const StatementLine& s, LogConfig& log) {
  constexpr std::string_view kExample = "as in 'log rotate 10M keep 10'";
  Token size_word;
  if (!s.first_value(size_word, kExample)) return;
  auto bytes = parse_size(size_word.value());
  if (!bytes) {
    s.error(size_word.col, bytes.error().what);
    return;
  }
  if (bytes.value() < kLogRotateMinBytes) {
    s.error(size_word.col, cat({"log rotate size ", quote(size_word.value()), " is below the minimum (",
                                size_text(kLogRotateMinBytes), ")"}));
    return;
  }
  const std::string after = cat({"log rotate ", size_word.value()});
  const Token keep = s.lx.next(LexMode::Argument);
  if (keep.kind == TokKind::Error) return;
  if (!keep.is_keyword("keep")) {
    const std::array<std::string_view, 1> keep_word = {"keep"};
    const std::string hint = keep.kind == TokKind::Word ? hint_among(keep.value(), keep_word) : std::string();
    s.error(keep.col, cat({"expected 'keep' after ", quote(after), ", got ", describe(keep),
                           hint.empty() ? cat({" (", kExample, ")"}) : hint}));
    return;
  }
  const Token count = s.lx.next(LexMode::Argument);
  if (count.kind == TokKind::Error) return;
  if (count.kind != TokKind::Word) {
    s.error(count.col, cat({"missing count after ", quote(cat({after, " keep"})), " (", kExample, ")"}));
    return;
  }
  const auto n = parse_int(count.value(), 0, limits::kLogKeepMax);
  if (!n || count.value()[0] == '+' || count.value()[0] == '-') {
    s.error(count.col, cat({"invalid keep count ", quote(count.value()), " (an integer from 0 to ",
                            num(limits::kLogKeepMax), ")"}));
    return;
  }
  if (!s.end_of_line()) return;
  log.rotate_bytes = bytes.value();
  log.keep = static_cast<uint32_t>(*n);
}

void control_socket(const StatementLine& s, ControlConfig& control) {
  Token v;
  if (!s.first_value(v, "an absolute path, or 'none'")) return;
  const std::string_view p = v.value();
  if (p == "none") {
    if (!s.end_of_line()) return;
    control.enabled = false;
    control.socket.clear();
    return;
  }
  if (p.empty() || p[0] != '/') {
    s.error(v.col, cat({"control socket ", quote(p), " must be an absolute path (or 'none')"}));
    return;
  }
  if (p.size() > limits::kSocketPathBytes) {
    s.error(v.col, cat({"control socket path is too long (", num(p.size()), " bytes, max ",
                        num(limits::kSocketPathBytes), ")"}));
    return;
  }
  if (!valid_socket_path(p)) {
    s.error(v.col, cat({"invalid control socket path ", quote(p)}));
    return;
  }
  if (!s.end_of_line()) return;
  control.enabled = true;
  control.socket = p;
}

// `control status|operate everyone` or `... users NAME...`.
void control_users(const StatementLine& s, Principals& who) {
  const std::string example =
      cat({"as in ", quote(cat({global_name(s.global), s.global == Global::ControlStatus ? " users alice @adm" : " users @ops"}))});
  Token v;
  if (!s.first_value(v, cat({"'everyone', or 'users' and names, ", example}))) return;
  if (v.value() == "everyone") {
    if (!s.end_of_line()) return;
    if (s.global == Global::ControlOperate)
      s.diag.warning(s.lx.line(), v.col,
                     "'control operate everyone' lets every user on this host start, stop, restart and signal every job");
    who = Principals{true, {}};
    return;
  }
  if (v.value() != "users") {
    // `control status alice`: the word `users` left out.
    const std::array<std::string_view, 2> words = {"everyone", "users"};
    std::string hint = hint_among(v.value(), words);
    if (hint.empty() && valid_principal(v.value()))
      hint = cat({" (did you mean ", quote(cat({global_name(s.global), " users ", v.value()})), "?)"});
    s.error(v.col, cat({"expected 'everyone' or 'users' after ", s.name(), ", got ", describe(v),
                        hint.empty() ? cat({" (", example, ")"}) : hint}));
    return;
  }
  std::vector<std::string> names;
  const ListSpec spec{"user", "users", limits::kPrincipals, false};
  const ListResult r = read_list(s.lx, s.diag, spec, [&](const Token& t) {
    return add_principal(t, s.lx.line(), s.diag, "user", names);
  });
  if (!r.ok) return;
  if (r.items == 0) {
    s.error(r.end_col, cat({"missing user names after ", quote(cat({global_name(s.global), " users"})), " (", example, ")"}));
    return;
  }
  who = Principals{false, std::move(names)};
}

}  // namespace

std::string_view global_name(Global g) noexcept { return kGlobalNames[static_cast<size_t>(g)]; }

void apply_global(Statement st, const Token& kw, LineLexer& lx, GlobalLines& lines, GlobalConfig& g, DiagSink& diag) {
  static constexpr std::array<std::string_view, 3> kLogWords = {"to", "rotate", "all"};
  static constexpr std::array<Global, 3> kLogGlobals = {Global::LogTo, Global::LogRotate, Global::LogAll};
  static constexpr std::array<std::string_view, 3> kControlWords = {"socket", "status", "operate"};
  static constexpr std::array<Global, 3> kControlGlobals = {Global::ControlSocket, Global::ControlStatus,
                                                            Global::ControlOperate};
  std::optional<Global> which;
  switch (st) {
    case Statement::Report: udp_statement(kw, lx, lines, g, diag, true); return;
    case Statement::Listen: udp_statement(kw, lx, lines, g, diag, false); return;
    case Statement::Job: return;   // the parser's own
    case Statement::Log:
      which = second_word(kw, lx, diag, kLogWords, kLogGlobals,
                          "as in 'log to /var/log/pmtr', 'log rotate 10M keep 10' or 'log all'");
      break;
    case Statement::Control:
      which = second_word(kw, lx, diag, kControlWords, kControlGlobals,
                          "as in 'control socket /run/pmtr/control', 'control status everyone' or "
                          "'control operate users @ops'");
      break;
  }
  if (!which) return;
  const StatementLine s{lx, diag, kw, *which};
  if (!claim(s, lines)) return;
  switch (*which) {
    case Global::LogTo: log_to(s, g.log); return;
    case Global::LogRotate: log_rotate(s, g.log); return;
    case Global::LogAll:
      if (s.end_of_line()) g.log.all = true;
      return;
    case Global::ControlSocket: control_socket(s, g.control); return;
    case Global::ControlStatus: control_users(s, g.control.status); return;
    case Global::ControlOperate: control_users(s, g.control.operate); return;
    case Global::ReportTo:
    case Global::ListenOn:
      return;   // above
  }
}

}  // namespace pmtr::conf
