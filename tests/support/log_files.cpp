#include "tests/support/log_files.hpp"

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"

namespace pmtr::test {
namespace {

void append_lines(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
}

}  // namespace

std::vector<std::string> log_archives(const std::string& job_dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(job_dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 5 && n.front() == '@' && n.substr(n.size() - 4) == ".log") names.push_back(n);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> log_records(const std::string& job_dir) {
  std::vector<std::string> out;
  for (const auto& a : log_archives(job_dir)) append_lines(job_dir + "/" + a, out);
  append_lines(job_dir + "/current", out);
  return out;
}

std::string line_writer(const std::string& args) { return line_writer_bin() + " " + args; }

long writer_state(const std::string& path) { return std::atol(read_file(path).c_str()); }

bool has_stamp(const std::string& r, char sep) {
  // 2026-12-07T09:15:02.123456Z
  static const char kShape[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  if (r.size() < 28) return false;
  for (size_t i = 0; i < 27; ++i) {
    if (kShape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(r[i])) : r[i] != kShape[i]) return false;
  }
  return r[27] == sep;
}

std::vector<long> numbered(const std::vector<std::string>& records, const std::string& prefix) {
  std::vector<long> out;
  const std::string want = prefix + " ";
  for (const auto& r : records) {
    if (!has_stamp(r)) continue;
    const std::string text = r.substr(28);
    if (text.compare(0, want.size(), want) != 0) continue;
    out.push_back(std::atol(text.c_str() + want.size()));
  }
  return out;
}

std::string contiguity_problem(const std::vector<long>& numbers) {
  for (size_t i = 1; i < numbers.size(); ++i)
    if (numbers[i] != numbers[i - 1] + 1)
      return "after " + std::to_string(numbers[i - 1]) + " comes " + std::to_string(numbers[i]);
  return {};
}

}  // namespace pmtr::test
