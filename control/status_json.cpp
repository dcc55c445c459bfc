#include "control/status_json.hpp"

#include "control/signal_names.hpp"
#include "control/text.hpp"

namespace pmtr::ctl {
namespace {

void append_last_exit_json(std::string& out, const JobStatus& j) {
  if (j.last_exit_kind == kExitCode) {
    out += "{\"code\":";
    append_i64(out, j.last_exit_value);
  } else if (j.last_exit_kind == kExitSignal) {
    out += "{\"signal\":\"";
    append_signal_name(out, j.last_exit_value);   // letters, digits, + and -: nothing to escape
    out += '"';
  } else {
    out += "null";
    return;
  }
  out += ",\"at\":";
  if (j.last_exit_ms != 0) append_u64(out, j.last_exit_ms / 1000); else out += "null";
  out += '}';
}

void append_job(std::string& out, const JobStatus& j, uint64_t now_ms) {
  out += "{\"name\":";
  append_json_string(out, j.name);
  out += ",\"state\":\"";
  out += public_state_name(j.state);
  out += "\",\"pid\":";
  if (j.pid > 0) append_i64(out, j.pid); else out += "null";
  out += ",\"uptime_s\":";
  if (const auto up = uptime_ms(j, now_ms)) append_u64(out, *up / 1000); else out += "null";
  out += ",\"restarts\":";
  append_u64(out, j.restarts);
  out += ",\"last_exit\":";
  append_last_exit_json(out, j);
  out += ",\"next_start_s\":";
  if (const auto in = next_start_in_ms(j, now_ms)) append_u64(out, (*in + 999) / 1000); else out += "null";
  out += ",\"backoff_ms\":";
  append_u64(out, j.backoff_ms);
  if (j.has_cgroup) {
    // A figure whose controller the job's cgroup lacks is null.
    out += ",\"cgroup\":{\"memory_bytes\":";
    if (j.memory_bytes) append_u64(out, *j.memory_bytes); else out += "null";
    out += ",\"tasks\":";
    if (j.tasks) append_u64(out, *j.tasks); else out += "null";
    out += ",\"cpu_usec\":";
    append_u64(out, j.cpu_usec);
    out += '}';
  }
  out += '}';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      // Job names never hold these (the codec refuses them); a string that
      // did must still not break the document.
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

void format_status_json(const StatusReport& r, OutBuffer& out) {
  std::string& s = out.text();
  if (r.jobs.empty()) {
    s += "[]\n";
    return;
  }
  s += "[\n";
  bool first = true;
  for (const JobStatus& j : r.jobs) {
    if (!first) s += ",\n";
    first = false;
    append_job(s, j, r.now_ms);
    out.row_done();
  }
  s += "\n]\n";
}

}  // namespace pmtr::ctl
