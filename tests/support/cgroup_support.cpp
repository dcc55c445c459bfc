#include "tests/support/cgroup_support.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>
#include <vector>

#include "tests/support/e2e_harness.hpp"

namespace pmtr::test {

std::string cgroup2_mount() {
  std::istringstream in(read_file("/proc/self/mountinfo"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::vector<std::string> w;
    for (std::string x; f >> x;) w.push_back(x);
    for (size_t i = 6; i + 1 < w.size(); ++i)
      if (w[i] == "-") {
        // Only a mount of the whole hierarchy: a bind of a subtree would
        // put every path at the wrong place.
        if (w[i + 1] == "cgroup2" && w[3] == "/") return w[4];
        break;
      }
  }
  return {};
}

std::string proc_cgroup(pid_t pid) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/cgroup"));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  return {};
}

std::string cgroup_dir_of(pid_t pid) {
  const std::string mnt = cgroup2_mount(), cg = proc_cgroup(pid);
  if (mnt.empty() || cg.empty()) return {};
  return cg == "/" ? mnt : mnt + cg;
}

bool cgroup_has_controller(const std::string& dir, const std::string& controller) {
  std::istringstream in(read_file(dir + "/cgroup.controllers"));
  for (std::string c; in >> c;)
    if (c == controller) return true;
  return false;
}

bool cgroups_writable() {
  if (geteuid() != 0) return false;
  const std::string own = cgroup_dir_of(getpid());
  return !own.empty() && access((own + "/cgroup.procs").c_str(), W_OK) == 0 &&
         access(own.c_str(), W_OK) == 0;
}

std::string pmtr_subtree(pid_t pmtr_pid) {
  const std::string own = cgroup_dir_of(getpid());
  return own.empty() ? std::string() : own + "/pmtr." + std::to_string(pmtr_pid);
}

void remove_pmtr_subtree(pid_t pmtr_pid) {
  const std::string base = pmtr_subtree(pmtr_pid);
  struct stat st;
  if (base.empty() || stat(base.c_str(), &st) != 0) return;
  std::vector<std::string> dirs;
  if (DIR* d = opendir(base.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != ".." && e->d_type == DT_DIR) dirs.push_back(base + "/" + name);
    }
    closedir(d);
  }
  for (const auto& dir : dirs) {
    write_in_place(dir + "/cgroup.kill", "1");
    poll_until([&] { return read_file(dir + "/cgroup.events").find("populated 0") != std::string::npos; }, 5000ms);
    rmdir(dir.c_str());
  }
  rmdir(base.c_str());
}

}  // namespace pmtr::test
