// Generated pmtr.conf files for the scenarios: N jobs of one kind, rendered
// in the config language of pmtr.conf(5), and saved the way an editor saves
// (temp file, then rename), mode 0644.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pmtr::bench {

enum class JobKind : uint8_t {
  Sleep,        // /bin/sleep 1000: runs until signalled, dies on SIGTERM
  IgnoreTerm,   // a shell that ignores SIGTERM (and so do its sleeps)
  QuickExit,    // a shell that exits 0 after 1 s: restarted 10 s later
  Checked,      // for `pmtr -t`: a sleep with dir, env, nice and order too
};

struct JobSpec {
  std::string name;
  std::vector<std::string> argv;   // argv[0] absolute
  bool rich = false;               // the extra options of JobKind::Checked
  size_t index = 0;
};

// "j0000042": fixed width, so names sort like their index.
[[nodiscard]] std::string job_name(const std::string& prefix, size_t index);
[[nodiscard]] JobSpec make_job(JobKind kind, const std::string& prefix, size_t index);
[[nodiscard]] std::vector<JobSpec> make_jobs(size_t n, JobKind kind, const std::string& prefix = "j");

// The k-th "change one job" edit of the reload scenario, the same for pmtr
// and the peers: which of n jobs (spread over the file, a different one
// each time) and its new command (still a sleep, so it runs like the
// others, but a different argv, so the change is real).
[[nodiscard]] size_t changed_job_index(size_t k, size_t n);
[[nodiscard]] std::vector<std::string> changed_argv(size_t k);

// One argument as the config language writes it: bare, or double-quoted
// with \" and \\ escaped.
[[nodiscard]] std::string quote_arg(const std::string& arg);
[[nodiscard]] std::string render_job(const JobSpec& job);
[[nodiscard]] std::string render_config(const std::vector<JobSpec>& jobs);

// Writes text to path.tmp, sets mode 0644, renames it over path.  False
// with the reason on failure.  rename_ns, when given, receives the moment
// just before the rename: the instant of the "save" a supervisor sees.
bool save_config(const std::string& path, const std::string& text, std::string* why,
                 uint64_t* rename_ns = nullptr);

}  // namespace pmtr::bench
