#include "control/report_table.hpp"

#include <algorithm>
#include <vector>

#include "common/diagnostic.hpp"
#include "control/humanize.hpp"
#include "control/text.hpp"

namespace pmtr::ctl {
namespace {

constexpr size_t kGap = 2;

struct Cells {
  std::string up, pid, cmd;
};

}  // namespace

std::string format_report_table(const Report& r, std::string_view sender, std::string_view when) {
  std::string out = escape_for_log(r.host);
  if (!r.ip.empty()) out += " (" + escape_for_log(r.ip) + ")";
  out += " from ";
  out += sender;
  out += " at ";
  out += when;
  out += '\n';
  std::vector<Cells> cells(r.rows.size());
  size_t name_w = 4, up_w = 2, pid_w = 3;
  const size_t state_w = 8;   // "disabled"
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const ReportRow& row = r.rows[i];
    Cells& c = cells[i];
    // The original sends an uptime for a job that is not running too (the
    // time since it last started): without a process it means nothing.
    if (row.pid > 0) {
      append_uptime(c.up, row.seconds_up * 1000);
      append_i64(c.pid, row.pid);
    } else {
      c.up = "-", c.pid = "-";
    }
    c.cmd = escape_for_log(row.argv0);
    name_w = std::max(name_w, row.name.size());
    up_w = std::max(up_w, c.up.size());
    pid_w = std::max(pid_w, c.pid.size());
  }
  append_left(out, "NAME", name_w + kGap);
  append_left(out, "STATE", state_w + kGap);
  append_right(out, "UP", up_w);
  out.append(kGap, ' ');
  append_right(out, "PID", pid_w);
  out.append(kGap, ' ');
  out += "CMD\n";
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const ReportRow& row = r.rows[i];
    append_left(out, row.name, name_w + kGap);
    append_left(out, row.enabled ? "enabled" : "disabled", state_w + kGap);
    append_right(out, cells[i].up, up_w);
    out.append(kGap, ' ');
    append_right(out, cells[i].pid, pid_w);
    out.append(kGap, ' ');
    out += cells[i].cmd;
    out += '\n';
  }
  out += '\n';
  return out;
}

std::string format_not_a_report(std::string_view sender, std::string_view why) {
  return "from " + std::string(sender) + ": not a report: " + escape_for_log(why) + "\n";
}

}  // namespace pmtr::ctl
