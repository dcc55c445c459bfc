#include "parser/did_you_mean.hpp"

#include <algorithm>
#include <array>

#include "parser/keywords.hpp"

namespace pmtr::conf {
namespace {

// Keywords are short; anything longer is not a typo of one.
constexpr size_t kMaxWord = 32;

// Words that mean a pmtr option in other supervisors' configs (systemd,
// supervisord, runit, Docker, Kubernetes) or in plain English.  Sorted,
// lowercase; looked up ignoring case.
constexpr std::array<Synonym, 46> kSynonyms = {{
    {"affinity", "cpu"},
    {"args", "cmd"},
    {"autorestart", "restart"},
    {"chdir", "dir"},
    {"command", "cmd"},
    {"cpu_affinity", "cpu"},
    {"cpuaffinity", "cpu"},
    {"cwd", "dir"},
    {"depends_on", "depends"},
    {"directory", "dir"},
    {"disabled", "disable"},
    {"environment", "env"},
    {"exec", "cmd"},
    {"execstart", "cmd"},
    {"give_up", "give up"},
    {"kill_signal", "stop signal"},
    {"kill_timeout", "stop timeout"},
    {"killsignal", "stop signal"},
    {"niceness", "nice"},
    {"oneshot", "once"},
    {"program", "cmd"},
    {"ready_fd", "ready fd"},
    {"ready_timeout", "ready timeout"},
    {"restart_policy", "restart"},
    {"restartpolicy", "restart"},
    {"rlimit", "ulimit"},
    {"run_as", "user"},
    {"runas", "user"},
    {"setenv", "env"},
    {"stable_after", "stable after"},
    {"stderr", "err"},
    {"stdin", "in"},
    {"stdout", "out"},
    {"stop_signal", "stop signal"},
    {"stop_timeout", "stop timeout"},
    {"stopsignal", "stop signal"},
    {"stoptimeout", "stop timeout"},
    {"timeoutstopsec", "stop timeout"},
    {"uid", "user"},
    {"user_name", "user"},
    {"username", "user"},
    {"wait_ready", "wait ready"},
    {"workdir", "dir"},
    {"working_directory", "dir"},
    {"workingdir", "dir"},
    {"workingdirectory", "dir"},
}};

constexpr bool synonyms_sorted_lowercase() {
  for (size_t i = 0; i < kSynonyms.size(); ++i) {
    if (i > 0 && !(kSynonyms[i - 1].word < kSynonyms[i].word)) return false;
    for (char c : kSynonyms[i].word)
      if (c >= 'A' && c <= 'Z') return false;
  }
  return true;
}
static_assert(synonyms_sorted_lowercase());

bool equal_ignoring_case(std::string_view a, std::string_view lower) noexcept {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b, size_t max_dist) noexcept {
  const size_t too_far = max_dist + 1;
  if (a.size() > kMaxWord || b.size() > kMaxWord) return too_far;
  const size_t diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (diff > max_dist) return too_far;
  // Three rolling rows of the OSA matrix: i-2, i-1, i.
  std::array<std::array<size_t, kMaxWord + 1>, 3> rows{};
  for (size_t j = 0; j <= b.size(); ++j) rows[1][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    auto& cur = rows[(i + 1) % 3];
    const auto& prev = rows[i % 3];
    const auto& prev2 = rows[(i + 2) % 3];
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = std::min(v, prev2[j - 2] + 1);
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max_dist) return too_far;
  }
  return std::min(rows[(a.size() + 1) % 3][b.size()], too_far);
}

std::string_view did_you_mean(std::string_view word,
                              std::span<const std::string_view> candidates) noexcept {
  const size_t max_dist = word.size() <= 4 ? 1 : 2;
  std::string_view best;
  size_t best_dist = max_dist + 1;
  for (std::string_view c : candidates) {
    const size_t d = edit_distance(word, c, max_dist);
    if (d < best_dist && d < c.size()) {
      best = c;
      best_dist = d;
    }
  }
  return best;
}

std::span<const Synonym> option_synonyms() noexcept { return kSynonyms; }

std::string_view option_hint(std::string_view word) noexcept {
  // A handful of entries, and only on the error path: a linear scan.
  for (const Synonym& s : kSynonyms)
    if (equal_ignoring_case(word, s.word)) return s.option;
  for (std::string_view name : option_names())
    if (equal_ignoring_case(word, name)) return name;
  return did_you_mean(word, option_names());
}

}  // namespace pmtr::conf
