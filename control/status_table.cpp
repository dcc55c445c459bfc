#include "control/status_table.hpp"

#include <algorithm>
#include <cstring>

#include "control/humanize.hpp"
#include "control/text.hpp"

namespace pmtr::ctl {
namespace {

constexpr size_t kGap = 2;
constexpr std::string_view kGapText = "  ";

// Every cell of a row but the name, formatted into strings reused across
// rows (their capacity stays, so no row allocates).
struct RowCells {
  std::string pid, uptime, restarts, last_exit, next;

  void fill(const JobStatus& j, uint64_t now_ms) {
    pid.clear(), uptime.clear(), restarts.clear(), last_exit.clear(), next.clear();
    if (j.pid > 0) append_i64(pid, j.pid); else pid = "-";
    if (const auto up = uptime_ms(j, now_ms)) append_uptime(uptime, *up); else uptime = "-";
    append_u64(restarts, j.restarts);
    append_last_exit(last_exit, j, now_ms);
    if (const auto in = next_start_in_ms(j, now_ms)) append_in(next, *in);
  }
};

struct Widths {
  size_t name = 4, state = 5, pid = 3, uptime = 6, restarts = 8, last_exit = 9, next = 10;
  bool show_next = false;
};

Widths measure(const StatusReport& r, RowCells& cells) {
  Widths w;
  size_t longest_name = 4;
  for (const JobStatus& j : r.jobs) {
    cells.fill(j, r.now_ms);
    longest_name = std::max(longest_name, j.name.size());
    w.state = std::max(w.state, std::strlen(public_state_name(j.state)));
    w.pid = std::max(w.pid, cells.pid.size());
    w.uptime = std::max(w.uptime, cells.uptime.size());
    w.restarts = std::max(w.restarts, cells.restarts.size());
    w.last_exit = std::max(w.last_exit, cells.last_exit.size());
    if (!cells.next.empty()) {
      w.show_next = true;
      w.next = std::max(w.next, cells.next.size());
    }
  }
  w.name = longest_name;
  return w;
}

void fit_name_column(Widths& w, size_t width) {
  size_t rest = w.state + w.pid + w.uptime + w.restarts + w.last_exit + 5 * kGap;
  if (w.show_next) rest += kGap + w.next;
  const size_t room = width > rest ? width - rest : 0;
  w.name = std::min(w.name, std::max(room, kMinNameWidth));
}

// The last column is not padded: rows end without trailing spaces.
void emit_row(std::string& out, const Widths& w, std::string_view name, std::string_view state,
              std::string_view pid, std::string_view uptime, std::string_view restarts,
              std::string_view last_exit, std::string_view next) {
  const size_t row_start = out.size();
  append_fitted_name(out, name, w.name);
  out.append(w.name - std::min(w.name, name.size()), ' ');
  out += kGapText;
  append_left(out, state, w.state);
  out += kGapText;
  append_right(out, pid, w.pid);
  out += kGapText;
  append_left(out, uptime, w.uptime);
  out += kGapText;
  append_right(out, restarts, w.restarts);
  out += kGapText;
  if (w.show_next) {
    append_left(out, last_exit, w.last_exit);
    out += kGapText;
    out += next;
  } else {
    out += last_exit;
  }
  while (out.size() > row_start && out.back() == ' ') out.pop_back();
  out += '\n';
}

}  // namespace

void append_fitted_name(std::string& out, std::string_view name, size_t width) {
  if (name.size() <= width) {
    out += name;
    return;
  }
  if (width == 0) return;
  const size_t keep = width - 1;
  const size_t tail = keep / 2;
  out += name.substr(0, keep - tail);
  out += '~';
  out += name.substr(name.size() - tail);
}

void format_status_table(const StatusReport& r, std::string& out, size_t width) {
  RowCells cells;
  Widths w = measure(r, cells);
  fit_name_column(w, width);
  // Rows are at most `width` wide in the usual case; reserving for that
  // makes the whole table one allocation.
  out.reserve(out.size() + (r.jobs.size() + 1) * (std::max(width, size_t{40}) + 1));
  emit_row(out, w, "NAME", "STATE", "PID", "UPTIME", "RESTARTS", "LAST EXIT", "NEXT START");
  for (const JobStatus& j : r.jobs) {
    cells.fill(j, r.now_ms);
    emit_row(out, w, j.name, public_state_name(j.state), cells.pid, cells.uptime, cells.restarts,
             cells.last_exit, cells.next);
  }
}

void format_status_names(const StatusReport& r, std::string& out) {
  size_t bytes = 0;
  for (const JobStatus& j : r.jobs) bytes += j.name.size() + 1;
  out.reserve(out.size() + bytes);
  for (const JobStatus& j : r.jobs) {
    out += j.name;
    out += '\n';
  }
}

}  // namespace pmtr::ctl
