#include "parser/option_hint.hpp"

#include <array>

#include "common/did_you_mean.hpp"
#include "parser/keywords.hpp"

namespace pmtr::conf {
namespace {

// Words that mean a pmtr option in other supervisors' configs (systemd,
// supervisord, runit, Docker and Compose, Kubernetes) or in plain English.
// Sorted, lowercase; looked up ignoring case.
constexpr std::array<Synonym, 68> kSynonyms = {{
    {"affinity", "cpu"},
    {"ambientcapabilities", "caps"},
    {"args", "cmd"},
    {"autorestart", "restart"},
    {"cap_add", "caps"},
    {"capabilities", "caps"},
    {"capabilityboundingset", "caps"},
    {"chdir", "dir"},
    {"command", "cmd"},
    {"cpu_affinity", "cpu"},
    {"cpu_quota", "limit cpu"},
    {"cpuaffinity", "cpu"},
    {"cpuquota", "limit cpu"},
    {"cwd", "dir"},
    {"depends_on", "depends"},
    {"directory", "dir"},
    {"disabled", "disable"},
    {"environment", "env"},
    {"exec", "cmd"},
    {"execstart", "cmd"},
    {"gid", "group"},
    {"give_up", "give up"},
    {"kill_signal", "stop signal"},
    {"kill_timeout", "stop timeout"},
    {"killsignal", "stop signal"},
    {"mem_limit", "limit memory"},
    {"memorylimit", "limit memory"},
    {"memorymax", "limit memory"},
    {"memoryswapmax", "limit swap"},
    {"memswap_limit", "limit swap"},
    {"niceness", "nice"},
    {"no-new-privileges", "nonewprivs"},
    {"no_new_privileges", "nonewprivs"},
    {"no_new_privs", "nonewprivs"},
    {"nonewprivileges", "nonewprivs"},
    {"oneshot", "once"},
    {"pids_limit", "limit tasks"},
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
    {"stderr_logfile", "log"},
    {"stdin", "in"},
    {"stdout", "out"},
    {"stdout_logfile", "log"},
    {"stop_signal", "stop signal"},
    {"stop_timeout", "stop timeout"},
    {"stopsignal", "stop signal"},
    {"stoptimeout", "stop timeout"},
    {"supplementary_groups", "groups"},
    {"supplementarygroups", "groups"},
    {"tasksmax", "limit tasks"},
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

}  // namespace

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
