// pmtr's place in the cgroup v2 hierarchy (pmtr(8), "CGROUPS"):
//
//   own cgroup   the `0::` line of /proc/self/cgroup, on the cgroup2 mount
//                of /proc/self/mountinfo
//   base         where pmtr puts `supervisor` and the jobs' `job.NAME`:
//                - the own cgroup itself when it holds no process but
//                  pmtr's (systemd with Delegate=yes, a container's cgroup
//                  given to pmtr alone): pmtr owns it;
//                - otherwise `pmtr.PID` below it, a subtree of pmtr's own:
//                  when the own cgroup is the root of the hierarchy, or
//                  holds other processes, pmtr does not reorganise it.
//                  PID is pmtr's: it survives a re-exec (same pid), and two
//                  pmtrs that run at once have two pids, but for pid
//                  namespaces: when pmtr.PID exists, pmtr.PID-1, -2, ...;
//                - after a re-exec pmtr is already in `supervisor`: its
//                  parent is the base.
//   supervisor   a leaf: pmtr moves itself (and so its helpers) there, so
//                the base holds no process and may enable controllers
//                for the jobs (cgroup v2's "no internal processes" rule).
//
// Not writable (a v1-only host, a read-only /sys/fs/cgroup, not root):
// setup() says why, and pmtr confines jobs by process group only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

// Where setup() reads the facts (tests point them at files of their own).
struct CgroupProbe {
  std::string mountinfo = "/proc/self/mountinfo";
  std::string self_cgroup = "/proc/self/cgroup";
  // Processes of pmtr's own besides itself that may share its cgroup at
  // startup (the parent that waits for a daemonizing pmtr).
  std::vector<pid_t> own_pids;
};

// The directory of the process's cgroup v2, from the text of mountinfo
// and of /proc/PID/cgroup: "/sys/fs/cgroup/system.slice/pmtr.service".
// Empty when there is no cgroup2 mount, no `0::` line, or the cgroup lies
// outside what is mounted.  `in_root` is set when it is the root of the
// hierarchy as mounted.
[[nodiscard]] std::string cgroup_dir_from(std::string_view mountinfo, std::string_view self_cgroup, bool& in_root);

// Small files of cgroupfs, relative to a directory fd; EINTR retried.
[[nodiscard]] Result<std::string> cgroup_read(int dir_fd, const char* path);
[[nodiscard]] Status cgroup_write(int dir_fd, const char* path, std::string_view text);

class CgroupTree {
 public:
  CgroupTree() = default;
  CgroupTree(const CgroupTree&) = delete;
  CgroupTree& operator=(const CgroupTree&) = delete;
  ~CgroupTree() = default;

  // Finds pmtr's cgroup, picks the base, creates `supervisor` and moves
  // pmtr into it.  An Error says why pmtr cannot (nothing was changed).
  [[nodiscard]] Status setup(const CgroupProbe& probe);
  [[nodiscard]] bool active() const noexcept { return base_.valid(); }
  [[nodiscard]] int base_fd() const noexcept { return base_.get(); }
  [[nodiscard]] const std::string& base_path() const noexcept { return base_path_; }
  // True when the base is pmtr's own subtree (`pmtr.PID`), not its cgroup.
  [[nodiscard]] bool own_subtree() const noexcept { return made_base_; }

  // Makes `controller` ("memory", "pids", "cpu") available to the jobs'
  // cgroups: enabled in the base's cgroup.subtree_control, and first in
  // its parent's when the base is pmtr's subtree (only ever added, never
  // removed).  Error (err 0): "the memory controller is not available in
  // /sys/fs/cgroup/...".
  [[nodiscard]] Status enable(std::string_view controller);

  // At exit, once every job's cgroup is gone: pmtr's subtree is removed
  // (pmtr moves back to the cgroup it came from); in a cgroup pmtr owns,
  // `supervisor` stays, since pmtr is still in it until it exits (systemd
  // removes the service's cgroup, a test harness its own).  Waits up to
  // `grace_ms` for helpers that are still exiting.
  void teardown(int grace_ms) noexcept;

 private:
  unique_fd base_;
  unique_fd parent_;            // the own cgroup, when the base is a subtree of it
  std::string base_path_;
  std::string parent_path_;
  bool made_base_ = false;      // base_ is pmtr.PID, created by us
  bool made_supervisor_ = false;
  uint32_t enabled_ = 0;        // bits of controllers enabled so far
};

}  // namespace pmtr
