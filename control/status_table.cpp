#include "control/status_table.hpp"

#include <algorithm>
#include <cstring>

#include "control/humanize.hpp"
#include "control/text.hpp"

namespace pmtr::ctl {
namespace {


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
  size_t gap = 2;   // spaces between columns
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

// Two spaces between columns when whole names fit in `width` that way,
// else one; then the name column takes what is left, at least
// kMinNameWidth (only a row of extreme cells goes past `width`).
void fit_columns(Widths& w, size_t width) {
  const size_t cells = w.state + w.pid + w.uptime + w.restarts + w.last_exit + (w.show_next ? w.next : 0);
  const size_t gaps = w.show_next ? 6 : 5;
  if (w.name + cells + 2 * gaps <= width) {
    w.gap = 2;
    return;
  }
  w.gap = 1;
  const size_t rest = cells + gaps;
  const size_t room = width > rest ? width - rest : 0;
  w.name = std::min(w.name, std::max(room, kMinNameWidth));
}

// The last column is not padded: rows end without trailing spaces.
void emit_row(std::string& out, const Widths& w, std::string_view name, std::string_view state,
              std::string_view pid, std::string_view uptime, std::string_view restarts,
              std::string_view last_exit, std::string_view next) {
  const size_t row_start = out.size();
  const std::string_view gap = std::string_view("  ").substr(0, w.gap);
  append_fitted_name(out, name, w.name);
  out.append(w.name - std::min(w.name, name.size()), ' ');
  out += gap;
  append_left(out, state, w.state);
  out += gap;
  append_right(out, pid, w.pid);
  out += gap;
  append_left(out, uptime, w.uptime);
  out += gap;
  append_right(out, restarts, w.restarts);
  out += gap;
  if (w.show_next) {
    append_left(out, last_exit, w.last_exit);
    out += gap;
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

void format_status_table(const StatusReport& r, OutBuffer& out, size_t width) {
  RowCells cells;
  Widths w = measure(r, cells);
  fit_columns(w, width);
  emit_row(out.text(), w, "NAME", "STATE", "PID", "UPTIME", "RESTARTS", "LAST EXIT", "NEXT START");
  for (const JobStatus& j : r.jobs) {
    cells.fill(j, r.now_ms);
    emit_row(out.text(), w, j.name, public_state_name(j.state), cells.pid, cells.uptime, cells.restarts,
             cells.last_exit, cells.next);
    out.row_done();
  }
}

void format_status_names(const StatusReport& r, OutBuffer& out) {
  for (const JobStatus& j : r.jobs) {
    out.text() += j.name;
    out.text() += '\n';
    out.row_done();
  }
}

}  // namespace pmtr::ctl
