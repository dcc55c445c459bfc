#include "tests/e2e/install_support.hpp"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/paths.hpp"

namespace pmtr::test {

namespace {

void walk(const std::string& root, const std::string& rel, std::map<std::string, Node>& out) {
  DIR* d = opendir(rel.empty() ? root.c_str() : (root + "/" + rel).c_str());
  if (d == nullptr) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  for (const auto& n : names) {
    const std::string r = rel.empty() ? n : rel + "/" + n;
    struct stat st {};
    if (lstat((root + "/" + r).c_str(), &st) != 0) continue;
    Node node;
    node.type = S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : S_ISLNK(st.st_mode) ? 'l' : '?';
    node.mode = st.st_mode & 07777;
    node.uid = st.st_uid;
    node.gid = st.st_gid;
    out[r] = node;
    if (node.type == 'd') walk(root, r, out);
  }
}

}  // namespace

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) != nullptr ? std::string(buf) : p;
}

std::string source_dir() {
  if (const char* d = std::getenv("PMTR_SOURCE_DIR"); d != nullptr && *d != '\0') return real_path(d);
  const std::string guess = real_path(build_dir() + "/..");
  if (access((guess + "/init/install.sh").c_str(), X_OK) == 0) return guess;
  return real_path(".");
}

std::string build_path() { return real_path(build_dir()); }

std::string tool(const std::string& name) {
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"}) {
    const std::string p = std::string(dir) + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

bool exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

std::map<std::string, Node> tree(const std::string& root) {
  std::map<std::string, Node> out;
  walk(root, "", out);
  return out;
}

int run_make(const std::string& target, const std::vector<std::string>& vars, std::string* out) {
  std::vector<std::string> argv{tool("make"), "--no-print-directory", "-C", source_dir(), "-o", "all",
                                target, "BUILD=" + build_path()};
  argv.insert(argv.end(), vars.begin(), vars.end());
  return run_command(argv, out);
}

bool user_exists(const char* name) { return getpwnam(name) != nullptr; }
bool group_exists(const char* name) { return getgrnam(name) != nullptr; }

void kill_tree(pid_t pid) {
  if (pid <= 0) return;
  const auto below = descendants(pid);
  kill(pid, SIGKILL);
  for (pid_t p : below) kill(p, SIGKILL);
}

}  // namespace pmtr::test
