#include "monitor/config_watch.hpp"

#include <sys/inotify.h>

#include <algorithm>
#include <climits>

#include "common/diagnostic.hpp"
#include "common/log.hpp"
#include "common/syscalls.hpp"

namespace pmtr {
namespace {

// No IN_CREATE or IN_MODIFY: a file being written is read once, when it is
// closed (IN_CLOSE_WRITE) or renamed into place (IN_MOVED_TO), never half
// written.  IN_ATTRIB: a chmod may make a refused config acceptable.
constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_ONLYDIR;

}  // namespace

std::pair<std::string, std::string> split_path(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  if (slash == 0) return {"/", path.substr(1)};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

Status ConfigWatch::init(const std::string& config_path) {
  fd_.reset(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!fd_) return Error::from_errno("inotify_init1");
  std::tie(config_dir_, config_name_) = split_path(config_path);
  config_wd_ = inotify_add_watch(fd_.get(), config_dir_.c_str(), kMask);
  if (config_wd_ < 0) return Error::from_errno("inotify_add_watch " + config_dir_);
  dirs_by_wd_[config_wd_] = {config_dir_};
  wd_by_dir_[config_dir_] = config_wd_;
  return {};
}

void ConfigWatch::watch_depends(const std::vector<std::string>& paths) {
  depends_.clear();
  std::unordered_set<std::string> dirs{config_dir_};
  for (const auto& p : paths) {
    depends_.insert(p);
    dirs.insert(split_path(p).first);
  }
  for (auto it = wd_by_dir_.begin(); it != wd_by_dir_.end();) {
    if (dirs.count(it->first) != 0) {
      ++it;
      continue;
    }
    auto& spellings = dirs_by_wd_[it->second];
    spellings.erase(std::remove(spellings.begin(), spellings.end(), it->first), spellings.end());
    if (spellings.empty()) {
      inotify_rm_watch(fd_.get(), it->second);
      dirs_by_wd_.erase(it->second);
    }
    it = wd_by_dir_.erase(it);
  }
  for (const auto& d : dirs) {
    if (wd_by_dir_.count(d) != 0) continue;
    const int wd = inotify_add_watch(fd_.get(), d.c_str(), kMask);
    if (wd < 0) {
      log_warn("cannot watch %s for depends changes", escape_for_log(d).c_str());
      continue;
    }
    wd_by_dir_[d] = wd;
    dirs_by_wd_[wd].push_back(d);
  }
}

ConfigWatch::Changes ConfigWatch::read_events() {
  Changes changes;
  alignas(inotify_event) char buf[16 * (sizeof(inotify_event) + NAME_MAX + 1)];
  for (;;) {
    const IoResult r = sys_read(fd_.get(), buf, sizeof buf);
    if (!r.ok() || r.bytes == 0) break;   // EAGAIN: every event read
    for (size_t off = 0; off < r.bytes;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      off += sizeof(inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        // Events were lost: assume everything changed.
        changes.config = true;
        for (const auto& p : depends_) changes.depends.push_back(p);
        continue;
      }
      if (ev->len == 0) continue;
      auto dirs = dirs_by_wd_.find(ev->wd);
      if (dirs == dirs_by_wd_.end()) continue;
      const std::string name(ev->name);
      if (ev->wd == config_wd_ && name == config_name_) changes.config = true;
      for (const auto& dir : dirs->second) {
        std::string full = dir == "/" ? "/" + name : dir + "/" + name;
        if (depends_.count(full) != 0) changes.depends.push_back(std::move(full));
      }
    }
  }
  return changes;
}

}  // namespace pmtr
