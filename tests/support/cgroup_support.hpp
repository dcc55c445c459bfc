// cgroup v2 as the tests see it (pmtr(8) CGROUPS): where the hierarchy is
// mounted, which cgroup a process is in, and the cleanup of the
// `pmtr.PID` subtree a pmtr made when the test had to kill it (a pmtr
// stopped by SIGTERM removes its own; one killed by SIGKILL cannot).
#pragma once

#include <sys/types.h>

#include <string>

namespace pmtr::test {

// The cgroup2 mount point, "" when there is none.
std::string cgroup2_mount();
// The `0::` path of /proc/PID/cgroup ("/pmtr.123/job.web"), "" if none.
std::string proc_cgroup(pid_t pid);
// The directory of that cgroup under the mount, "" if none.
std::string cgroup_dir_of(pid_t pid);
// Whether `controller` is listed in DIR/cgroup.controllers.
bool cgroup_has_controller(const std::string& dir, const std::string& controller);
// Whether pmtr can make cgroups below the test's own: root, a cgroup2
// mount, and a writable cgroup of ours.
bool cgroups_writable();
// The subtree a pmtr with this pid makes beside the test's own cgroup.
std::string pmtr_subtree(pid_t pmtr_pid);
// After pmtr was killed: cgroup.kill in each cgroup of its subtree (only
// processes of the pmtr the test started are in them), wait until each is
// empty, remove them.  Nothing when the subtree does not exist.
void remove_pmtr_subtree(pid_t pmtr_pid);

}  // namespace pmtr::test
