// Each job's cgroup, `job.NAME` in the base of the CgroupTree: created at
// its first start, its limits written before each start (only what
// changed), its processes signalled and killed when it stops, its figures
// read for status, and removed once the job is down for good.
//
// Names: a job name is printable ASCII without blanks (check_job), which
// cgroupfs accepts but for '/'; '/' is written %2F and '%' itself %25, so
// every job name maps to one directory and back ("job.a%2Fb" is job a/b).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/job.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

class CgroupTree;

// "job." + the name escaped as above.
[[nodiscard]] std::string job_cgroup_name(std::string_view job);

// What status shows of a job's cgroup.  A figure whose controller is not
// enabled is absent.
struct CgroupFigures {
  std::optional<uint64_t> memory_bytes;   // memory.current
  std::optional<uint64_t> tasks;          // pids.current
  uint64_t cpu_usec = 0;                  // cpu.stat usage_usec (always there)
};

class JobCgroups {
 public:
  explicit JobCgroups(CgroupTree& tree) noexcept : tree_(tree) {}

  // Before a start: the cgroup exists, its limits are the job's; returns
  // its directory, open O_PATH, for clone3.  An Error with err 0 is a host
  // fact that refuses the start ("limit memory: the memory controller is
  // not available in PATH", "limit memory: write memory.max: Invalid
  // argument").
  [[nodiscard]] Result<unique_fd> prepare(const JobDesc& job);
  [[nodiscard]] bool has(std::string_view job) const noexcept;

  // The signal to every process of the job's cgroup; how many there were.
  size_t signal(std::string_view job, int sig) noexcept;
  // cgroup.kill: SIGKILL to every process, also those forked meanwhile.
  void kill(std::string_view job) noexcept;
  // The processes still in it (0 when none, or no cgroup).
  [[nodiscard]] size_t count(std::string_view job) noexcept;
  // Whether cgroup.events says populated 1.
  [[nodiscard]] bool populated(std::string_view job) noexcept;
  // rmdir, when it is empty; forgotten either way only once gone.
  void remove(std::string_view job) noexcept;
  // Every job's cgroup that is empty (at exit); true when none is left.
  bool remove_all() noexcept;

  [[nodiscard]] std::optional<CgroupFigures> figures(std::string_view job) noexcept;
  // memory.events oom_kill of the job's cgroup, 0 without the memory
  // controller.
  [[nodiscard]] uint64_t oom_kills(std::string_view job) noexcept;

 private:
  struct Applied {   // the limits written to the cgroup so far
    uint64_t memory_max = 0;
    bool swap_written = false;
    uint64_t swap_max = 0;
    uint32_t tasks_max = 0;
    uint32_t cpu_percent = 0;
  };
  struct Entry {
    std::string dir;   // job_cgroup_name
    Applied applied;
    bool killed = false;   // cgroup.kill was written: made anew before the next start
  };
  [[nodiscard]] Status apply_limits(const Confinement& c, Entry& e);
  Entry* find(std::string_view job) noexcept;

  CgroupTree& tree_;
  std::unordered_map<std::string, Entry> jobs_;
};

}  // namespace pmtr
