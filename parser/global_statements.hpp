// The statements outside job blocks (SPEC §1, §2.3, §3.1): `report to`,
// `listen on`, `log to|rotate|all` and `control socket|status|operate`.
// Each may appear once per file (a second is reported with the line of
// the first), except `report to`: up to limits::kReportTargets different
// addresses.  Each handler reads its line left to right, reports the first
// problem at the offending word, and fills GlobalConfig only when the line
// is right.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "parser/diag_sink.hpp"
#include "parser/keywords.hpp"
#include "parser/lexer.hpp"

namespace pmtr::conf {

// What a global statement sets; each at most once per file but ReportTo.
enum class Global : uint8_t { ControlOperate, ControlSocket, ControlStatus, ListenOn, LogAll, LogRotate, LogTo, ReportTo };
inline constexpr size_t kGlobalCount = static_cast<size_t>(Global::ReportTo) + 1;

// "control operate", "report to": what messages call it.
[[nodiscard]] std::string_view global_name(Global g) noexcept;

// The line of each global's first statement (0: not given).
struct GlobalLines {
  std::array<uint32_t, kGlobalCount> first{};
  uint32_t report_statements = 0;       // `report to` lines so far, right or wrong
  std::vector<uint32_t> report_lines;   // the line of each GlobalConfig::report_to entry
};

// The smallest `log rotate` size: rotating a file every line or two only
// churns the directory.  1K still lets a test see rotation in a few lines.
inline constexpr uint64_t kLogRotateMinBytes = 1024;

// One statement line; `kw` is its first word (not `job`).
void apply_global(Statement st, const Token& kw, LineLexer& lx, GlobalLines& lines, GlobalConfig& g, DiagSink& diag);

}  // namespace pmtr::conf
