// inotify on the config's directory and on the directories of `depends`
// files.  Directories, not files: editors save by writing a new file and
// renaming it over the old one, which a watch on the old inode would miss.
// Only kernel events are read here (names of changed entries), no text.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

class ConfigWatch {
 public:
  // config_path must be absolute.
  [[nodiscard]] Status init(const std::string& config_path);
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }

  struct Changes {
    bool config = false;
    std::vector<std::string> depends;   // absolute paths of changed depends files
  };
  // Drains every pending event (a burst of writes becomes one Changes).
  [[nodiscard]] Changes read_events();
  // Watch exactly the directories these files live in (plus the config's).
  void watch_depends(const std::vector<std::string>& paths);

 private:
  unique_fd fd_;
  std::string config_dir_;
  std::string config_name_;
  int config_wd_ = -1;
  // Several spellings of one directory (or a symlink to it) share one
  // watch: a watch is removed only when no wanted spelling uses it.
  std::unordered_map<int, std::vector<std::string>> dirs_by_wd_;
  std::unordered_map<std::string, int> wd_by_dir_;
  std::unordered_set<std::string> depends_;
};

// "/a/b/c" -> {"/a/b", "c"}; "/c" -> {"/", "c"}.
[[nodiscard]] std::pair<std::string, std::string> split_path(const std::string& path);

}  // namespace pmtr
