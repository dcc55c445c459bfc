#include "parser/confine_options.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "common/did_you_mean.hpp"
#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "parser/capabilities.hpp"
#include "parser/name_lists.hpp"
#include "parser/sizes.hpp"
#include "parser/values.hpp"

namespace pmtr::conf {
namespace {

std::string num(uint64_t v) { return std::to_string(v); }

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// `limit` and its resources, in the order messages list them.
constexpr std::array<std::string_view, 4> kResources = {"memory", "swap", "tasks", "cpu"};
constexpr std::array<Setting, 4> kResourceSettings = {Setting::LimitMemory, Setting::LimitSwap, Setting::LimitTasks,
                                                      Setting::LimitCpu};

// What people call the resources elsewhere: the cgroup files (memory.max,
// pids.max, cpu.max), Docker and systemd.  Lowercase; compared ignoring case.
struct ResourceSynonym {
  std::string_view word;
  std::string_view resource;
};
constexpr std::array<ResourceSynonym, 10> kResourceSynonyms = {{
    {"cpu.max", "cpu"},
    {"cpuquota", "cpu"},
    {"mem", "memory"},
    {"memory.max", "memory"},
    {"memory.swap.max", "swap"},
    {"pids", "tasks"},
    {"pids.max", "tasks"},
    {"processes", "tasks"},
    {"ram", "memory"},
    {"threads", "tasks"},
}};

std::string resource_hint(std::string_view word) {
  for (const ResourceSynonym& s : kResourceSynonyms)
    if (equal_ignoring_case(word, s.word)) return cat({" (did you mean ", quote(s.resource), "?)"});
  return hint_among(word, kResources);
}

// Each handler reads the value, then demands the end of the line: left
// to right, so `limit tasks 0 x` reports the 0, not the extra word.

// `limit memory` and `limit swap`.
void set_limit_size(const OptionLine& c, bool swap) {
  Token v;
  if (!c.first_value(v, swap ? "as in 'limit swap 1G'" : "as in 'limit memory 512M'")) return;
  auto bytes = parse_size(v.value());
  if (!bytes) {
    c.error(v.col, bytes.error().what);
    return;
  }
  // Swap may be 0: no swap for the job, whether or not its memory is
  // limited.  A memory limit of 0 would kill the job at its first page.
  if (!swap && bytes.value() == 0) {
    c.error(v.col, "limit memory must be positive");
    return;
  }
  if (!c.end_of_line()) return;
  Confinement& k = c.js.job->confine;
  if (swap) {
    k.has_swap_max = true;
    k.swap_max = bytes.value();
  } else {
    k.memory_max = bytes.value();
  }
}

void set_limit_tasks(const OptionLine& c) {
  Token v;
  if (!c.first_value(v, "as in 'limit tasks 100'")) return;
  const auto n = parse_int(v.value(), 1, limits::kTasksMax);
  if (!n || v.value()[0] == '+') {
    c.error(v.col, cat({"invalid task limit ", quote(v.value()), " (an integer from 1 to ", num(limits::kTasksMax), ")"}));
    return;
  }
  if (c.end_of_line()) c.js.job->confine.tasks_max = static_cast<uint32_t>(*n);
}

void set_limit_cpu(const OptionLine& c) {
  Token v;
  if (!c.first_value(v, "a percentage of one CPU, as in 'limit cpu 150%'")) return;
  const std::string_view w = v.value();
  size_t digits = 0;
  while (digits < w.size() && is_digit(w[digits])) ++digits;
  if (digits != 0 && digits == w.size()) {
    // `150`, or `150 %`: the percent sign is missing or apart.
    LineLexer peek = c.lx;
    const Token next = peek.next(LexMode::Argument);
    const bool apart = next.kind == TokKind::Word && next.value() == "%";
    c.error(v.col, cat({"cpu limit ", quote(w), apart ? " has its '%' apart (write " : " needs a '%' (write ",
                        quote(cat({w, "%"})), apart ? ", without a space)" : ": a percentage of one CPU)"}));
    return;
  }
  const auto pct = digits != 0 && digits + 1 == w.size() && w.back() == '%'
                       ? parse_int(w.substr(0, digits), 1, limits::kCpuPercentMax)
                       : std::nullopt;
  if (!pct) {
    c.error(v.col, cat({"invalid cpu limit ", quote(w), " (a whole percentage of one CPU from 1% to ",
                        num(limits::kCpuPercentMax), "%, as in '150%')"}));
    return;
  }
  if (c.end_of_line()) c.js.job->confine.cpu_percent = static_cast<uint32_t>(*pct);
}

ListItem add_capability(const Token& t, const OptionLine& c, std::vector<uint8_t>& caps) {
  auto cap = parse_capability(t.value());
  if (!cap) {
    c.error(t.col, cap.error().what);
    return ListItem::Rejected;
  }
  const auto at = std::lower_bound(caps.begin(), caps.end(), cap.value());
  if (at != caps.end() && *at == cap.value()) return ListItem::Repeated;
  caps.insert(at, cap.value());   // sorted, as the monitor requires
  return ListItem::Added;
}

}  // namespace

void set_umask(const OptionLine& c) {
  Token v;
  if (!c.first_value(v, "octal, as in 'umask 027'")) return;
  const auto mask = parse_umask(v.value());
  if (!mask) {
    c.error(v.col, cat({"invalid umask ", quote(v.value()), " (octal from 0 to 0777, as in 'umask 027')"}));
    return;
  }
  if (!c.end_of_line()) return;
  c.js.job->confine.has_umask = true;
  c.js.job->confine.umask = *mask;
}

void set_group(const OptionLine& c) {
  Token v;
  if (!c.first_value(v, "a group name, as in 'group www-data'")) return;
  if (!valid_user_name(v.value())) {
    c.error(v.col, cat({"invalid group name ", quote(v.value())}));
    return;
  }
  const Token extra = c.lx.next(LexMode::Argument);
  if (extra.kind == TokKind::Error) return;
  if (extra.kind != TokKind::End) {
    // The usual mistake: a list of groups on the primary group's line.
    c.error(extra.col, cat({"extra argument ", describe(extra),
                            " for 'group' (one primary group; supplementary groups go on a 'groups' line)"}));
    return;
  }
  c.js.job->confine.group = v.value();
}

void set_groups(const OptionLine& c) {
  Confinement& k = c.js.job->confine;
  const ListSpec spec{"group", "groups", limits::kGroups, true};
  const ListResult r = read_list(c.lx, c.diag, spec, [&](const Token& t) {
    return add_group(t, c.lx.line(), c.diag, k.groups);
  });
  if (r.ok && r.items == 0 && !r.none)
    c.error(c.kw.col, "missing argument for 'groups' (group names, as in 'groups ssl-cert adm', or 'none')");
  if (!r.ok || (r.items == 0 && !r.none)) {
    k.groups.clear();
    return;
  }
  k.set_groups = true;
}

void set_caps(const OptionLine& c) {
  Confinement& k = c.js.job->confine;
  const ListSpec spec{"capability", "capabilities", limits::kCapMax + 1u, true};
  const ListResult r = read_list(c.lx, c.diag, spec, [&](const Token& t) { return add_capability(t, c, k.caps); });
  if (r.ok && r.items == 0 && !r.none)
    c.error(c.kw.col, "missing argument for 'caps' (capability names, as in 'caps net_bind_service', or 'none')");
  if (!r.ok || (r.items == 0 && !r.none)) {
    k.caps.clear();
    return;
  }
  k.set_caps = true;
}

void apply_log(const Token& kw, LineLexer& lx, JobState& js, DiagSink& diag) {
  const Token t = lx.next(LexMode::Argument);
  if (t.kind == TokKind::Word)
    for (std::string_view global : {"to", "rotate", "all"})
      if (t.value() == global) {
        diag.error(lx.line(), kw.col, cat({"'log ", global, "' is a global statement; it cannot be inside a job block"}));
        return;
      }
  const OptionLine c{lx, js, diag, kw, Setting::Log};
  if (!c.claim()) return;
  switch (t.kind) {
    case TokKind::Error: return;
    case TokKind::End: js.job->log = true; return;
    case TokKind::Word: case TokKind::LBrace: case TokKind::RBrace:
      c.error(t.col, cat({"extra argument ", describe(t), " for 'log'"}));
      return;
  }
}

void set_operators(const OptionLine& c) {
  std::vector<std::string>& ops = c.js.job->operators;
  const ListSpec spec{"operator", "operators", limits::kPrincipals, false};
  const ListResult r = read_list(c.lx, c.diag, spec, [&](const Token& t) {
    return add_principal(t, c.lx.line(), c.diag, "operator", ops);
  });
  if (r.ok && r.items == 0)
    c.error(c.kw.col, "missing argument for 'operators' (user names and @groups, as in 'operators alice @deploy')");
  if (!r.ok || r.items == 0) ops.clear();
}

void apply_limit(const Token& kw, LineLexer& lx, JobState& js, DiagSink& diag) {
  const Token t = lx.next(LexMode::Argument);
  if (t.kind == TokKind::Error) return;
  if (t.kind == TokKind::End) {
    diag.error(lx.line(), kw.col,
               "missing argument for 'limit' (as in 'limit memory 512M', 'limit swap 1G', 'limit tasks 100' or "
               "'limit cpu 150%')");
    return;
  }
  const auto it = std::find(kResources.begin(), kResources.end(), t.value());
  if (it == kResources.end()) {
    diag.error(lx.line(), t.col,
               cat({"expected ", alternatives(kResources), " after 'limit', got ", describe(t), resource_hint(t.value())}));
    return;
  }
  const size_t i = static_cast<size_t>(it - kResources.begin());
  const OptionLine c{lx, js, diag, kw, kResourceSettings[i]};
  if (!c.claim()) return;
  if (i == 0) set_limit_size(c, false);
  else if (i == 1) set_limit_size(c, true);
  else if (i == 2) set_limit_tasks(c);
  else set_limit_cpu(c);
}

}  // namespace pmtr::conf
