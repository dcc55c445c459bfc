#include "bench/proc_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "common/syscalls.hpp"
#include "common/unique_fd.hpp"

namespace pmtr::bench {
namespace {

std::string proc_path(pid_t pid, const char* what) {
  return "/proc/" + std::to_string(pid) + "/" + what;
}

// All decimal numbers in text, in order (a children file, a status value).
std::vector<long long> numbers(const std::string& text) {
  std::vector<long long> out;
  const char* p = text.c_str();
  while (*p != '\0') {
    if (*p >= '0' && *p <= '9') {
      char* end = nullptr;
      out.push_back(std::strtoll(p, &end, 10));
      p = end;
    } else {
      ++p;
    }
  }
  return out;
}

}  // namespace

std::string slurp(const std::string& path) {
  const FdResult f = sys_open(path.c_str(), O_RDONLY);
  if (!f.ok()) return {};
  std::string out;
  char buf[8192];
  for (;;) {
    const IoResult r = sys_read(f.fd.get(), buf, sizeof buf);
    if (!r.ok() || r.bytes == 0) break;
    out.append(buf, r.bytes);
  }
  return out;
}

std::optional<ProcStat> parse_stat(const std::string& text) {
  // "PID (COMM) STATE PPID ..." where COMM may hold anything: the last ')'
  // ends it.
  const size_t close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return std::nullopt;
  ProcStat st;
  st.state = text[close + 2];
  std::vector<unsigned long long> f;
  const char* p = text.c_str() + close + 3;
  while (*p != '\0' && f.size() < 13) {
    while (*p == ' ') ++p;
    char* end = nullptr;
    f.push_back(std::strtoull(p, &end, 10));
    if (end == p) break;
    p = end;
  }
  // Fields after the state: ppid pgrp session tty tpgid flags minflt
  // cminflt majflt cmajflt utime stime.
  if (f.size() < 12) return std::nullopt;
  st.ppid = static_cast<pid_t>(f[0]);
  st.utime_ticks = f[10];
  st.stime_ticks = f[11];
  return st;
}

std::optional<ProcStat> read_stat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  return parse_stat(slurp(proc_path(pid, "stat")));
}

pid_t parent_of(pid_t pid) {
  const auto st = read_stat(pid);
  return st ? st->ppid : -1;
}

bool alive(pid_t pid) {
  const auto st = read_stat(pid);
  return st && st->state != 'Z' && st->state != 'X';
}

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  const std::string task_dir = proc_path(pid, "task");
  DIR* d = opendir(task_dir.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    for (long long c : numbers(slurp(task_dir + "/" + e->d_name + "/children")))
      out.push_back(static_cast<pid_t>(c));
  }
  closedir(d);
  return out;
}

std::vector<pid_t> descendants(pid_t root) {
  std::unordered_multimap<pid_t, pid_t> kids;   // ppid -> pid
  if (DIR* d = opendir("/proc")) {
    while (const dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      const auto pid = static_cast<pid_t>(std::atoi(e->d_name));
      const pid_t pp = parent_of(pid);
      if (pp > 0) kids.emplace(pp, pid);
    }
    closedir(d);
  }
  std::vector<pid_t> out{root};
  for (size_t i = 0; i < out.size(); ++i) {
    auto [b, e] = kids.equal_range(out[i]);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
  }
  out.erase(out.begin());
  return out;
}

uint64_t cpu_ticks(pid_t pid) {
  const auto st = read_stat(pid);
  return st ? st->utime_ticks + st->stime_ticks : 0;
}

long ticks_per_second() {
  static const long hz = sysconf(_SC_CLK_TCK);
  return hz > 0 ? hz : 100;
}

uint64_t run_ns(pid_t pid) {
  const auto v = numbers(slurp(proc_path(pid, "schedstat")));
  return v.empty() ? 0 : static_cast<uint64_t>(v[0]);
}

uint64_t status_number(pid_t pid, const std::string& field) {
  const std::string text = slurp(proc_path(pid, "status"));
  const std::string key = "\n" + field + ":";
  const size_t at = text.find(key);
  if (at == std::string::npos) return 0;
  return std::strtoull(text.c_str() + at + key.size(), nullptr, 10);
}

Memory parse_smaps_rollup(const std::string& text) {
  Memory m;
  auto field = [&](const char* key) -> uint64_t {
    const std::string k = std::string("\n") + key + ":";
    const size_t at = text.find(k);
    return at == std::string::npos ? 0 : std::strtoull(text.c_str() + at + k.size(), nullptr, 10);
  };
  m.rss_kib = field("Rss");
  m.pss_kib = field("Pss");
  return m;
}

std::optional<Memory> read_memory(pid_t pid) {
  const std::string text = slurp(proc_path(pid, "smaps_rollup"));
  if (text.empty()) return std::nullopt;
  return parse_smaps_rollup(text);
}

std::string exe_of(pid_t pid) {
  char buf[PATH_MAX];
  const std::string link = proc_path(pid, "exe");
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return {};
  return std::string(buf, static_cast<size_t>(n));
}

std::string comm_of(pid_t pid) {
  std::string c = slurp(proc_path(pid, "comm"));
  while (!c.empty() && c.back() == '\n') c.pop_back();
  return c;
}

}  // namespace pmtr::bench
