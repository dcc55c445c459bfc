#include "tests/support/e2e_harness.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/cgroup_support.hpp"
#include "tests/support/paths.hpp"

namespace pmtr::test {

bool poll_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/pmtr-e2e.XXXXXX";
  const char* p = mkdtemp(tmpl);
  path_ = p ? p : "/tmp";
  chmod(path_.c_str(), 0755);
}

TempDir::~TempDir() {
  if (path_.rfind("/tmp/pmtr-e2e.", 0) != 0) return;   // only what mkdtemp made
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text, mode_t mode) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
  }
  chmod(tmp.c_str(), mode);
  std::rename(tmp.c_str(), path.c_str());
}

void write_in_place(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  const std::string st = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (st.empty()) return false;
  const size_t close = st.rfind(')');
  return close != std::string::npos && close + 2 < st.size() && st[close + 2] != 'Z';
}

bool process_exists(pid_t pid) {
  if (pid <= 0) return false;
  struct stat st;
  return ::stat(("/proc/" + std::to_string(pid)).c_str(), &st) == 0;
}

pid_t parent_of(pid_t pid) {
  const std::string st = read_file("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = st.rfind(')');
  if (close == std::string::npos) return -1;
  int ppid = -1;
  char state;
  if (std::sscanf(st.c_str() + close + 2, "%c %d", &state, &ppid) != 2) return -1;
  return ppid;
}

std::vector<pid_t> descendants(pid_t root) {
  std::vector<std::pair<pid_t, pid_t>> all;   // pid, ppid
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      const pid_t p = static_cast<pid_t>(std::atoi(e->d_name));
      if (p > 0) all.emplace_back(p, parent_of(p));
    }
    closedir(d);
  }
  std::vector<pid_t> out{root};
  for (size_t i = 0; i < out.size(); ++i)
    for (const auto& [p, pp] : all)
      if (pp == out[i]) out.push_back(p);
  out.erase(out.begin());
  return out;
}

std::string proc_status_field(pid_t pid, const std::string& field) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::string v = line.substr(field.size() + 1);
      const size_t b = v.find_first_not_of(" \t");
      return b == std::string::npos ? "" : v.substr(b);
    }
  }
  return {};
}

int run_command(const std::vector<std::string>& argv, std::string* output) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    dup2(p[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(p[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0) output->append(buf, static_cast<size_t>(n));
  close(p[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::vector<std::string> proc_environ(pid_t pid) {
  const std::string raw = read_file("/proc/" + std::to_string(pid) + "/environ");
  std::vector<std::string> out;
  size_t start = 0;
  while (start < raw.size()) {
    size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    out.push_back(raw.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<int> proc_fds(pid_t pid) {
  std::vector<int> out;
  if (DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') out.push_back(std::atoi(e->d_name));
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string proc_cmdline(pid_t pid) {
  std::string s = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  while (!s.empty() && s.back() == '\0') s.pop_back();
  std::replace(s.begin(), s.end(), '\0', ' ');
  return s;
}

pid_t find_descendant(pid_t root, const std::string& cmdline) {
  for (pid_t p : descendants(root))
    if (process_alive(p) && proc_cmdline(p) == cmdline) return p;
  return -1;
}

Pmtr::Pmtr(const std::string& config, const std::vector<std::string>& extra) {
  log_path_ = config + ".log";
  control_path_ = config + ".ctl";
  std::vector<std::string> argv{pmtr_bin(), "-F", "-v", "-c", config};
  argv.insert(argv.end(), extra.begin(), extra.end());
  launch(argv, nullptr);
}

Pmtr::Pmtr(const std::string& config, const std::vector<std::string>& extra,
           const std::vector<std::string>& env_add) {
  log_path_ = config + ".log";
  control_path_ = config + ".ctl";
  std::vector<std::string> argv{pmtr_bin(), "-F", "-v", "-c", config};
  argv.insert(argv.end(), extra.begin(), extra.end());
  launch(argv, &env_add);
}

Pmtr::Pmtr(const std::string& binary, const std::string& config, const std::vector<std::string>& extra,
           const std::vector<std::string>& env_add) {
  log_path_ = config + ".log";
  control_path_ = config + ".ctl";
  std::vector<std::string> argv{binary, "-F", "-v", "-c", config};
  argv.insert(argv.end(), extra.begin(), extra.end());
  launch(argv, &env_add);
}

void Pmtr::launch(const std::vector<std::string>& argv, const std::vector<std::string>* env_add_in) {
  // Each pmtr gets a control socket of its own beside its config (tests
  // run side by side), unless the test chose one.
  std::vector<std::string> env_add = env_add_in != nullptr ? *env_add_in : std::vector<std::string>{};
  bool chose = false;
  for (const auto& e : env_add) chose = chose || e.rfind("PMTR_CONTROL_SOCKET=", 0) == 0;
  if (!chose) env_add.push_back("PMTR_CONTROL_SOCKET=" + control_socket());
  // The environment is assembled before fork: the child only execs.
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& add : env_add) replaced = replaced || add.substr(0, add.find('=')) == name;
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), env_add.begin(), env_add.end());
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_ = fork();
  if (pid_ == 0) {
    const int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    // Our own process group, so a terminal ^C aimed at the test runner is
    // not what stops it: tests stop it themselves.
    setpgid(0, 0);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
}

Pmtr::~Pmtr() {
  if (pid_ <= 0) return;
  if (!exited_) {
    const auto tree = descendants(pid_);
    kill(pid_, SIGKILL);
    for (pid_t p : tree) kill(p, SIGKILL);
    int st;
    waitpid(pid_, &st, 0);
  }
  // A killed pmtr (or one that failed) leaves its cgroups behind.
  remove_pmtr_subtree(pid_);
}

std::string Pmtr::log() const { return read_file(log_path_); }

int Pmtr::count_log(const std::string& needle) const {
  const std::string text = log();
  int n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

bool Pmtr::wait_log(const std::string& needle, std::chrono::milliseconds timeout, int count) const {
  return poll_until([&] { return count_log(needle) >= count; }, timeout);
}

pid_t Pmtr::job_pid(const std::string& name) const {
  const std::string text = log();
  const std::string key = "started job " + name + " [";
  const size_t pos = text.rfind(key);
  if (pos == std::string::npos) return -1;
  return static_cast<pid_t>(std::atoi(text.c_str() + pos + key.size()));
}

pid_t Pmtr::wait_new_pid(const std::string& name, pid_t old, std::chrono::milliseconds timeout) const {
  pid_t p = -1;
  poll_until([&] {
    p = job_pid(name);
    return p > 0 && p != old;
  }, timeout);
  return p != old ? p : -1;
}

pid_t Pmtr::wait_job(const std::string& name, std::chrono::milliseconds timeout) const {
  return wait_new_pid(name, -1, timeout);
}

namespace {

pid_t child_named(pid_t parent, const char* comm, bool alive_only) {
  for (pid_t p : descendants(parent))
    if (parent_of(p) == parent && (!alive_only || process_alive(p)) &&
        read_file("/proc/" + std::to_string(p) + "/comm") == comm)
      return p;
  return -1;
}

}  // namespace

pid_t Pmtr::parser_pid() const { return child_named(pid_, "pmtr: parser\n", false); }

// Alive only: a killed pmtr-log stays a zombie until the monitor reaps it.
pid_t Pmtr::logger_pid() const { return child_named(pid_, "pmtr: log\n", true); }

pid_t Pmtr::net_pid() const { return child_named(pid_, "pmtr: net\n", true); }

void Pmtr::signal(int sig) const { kill(pid_, sig); }

int Pmtr::wait_exit(std::chrono::milliseconds timeout) {
  if (exited_) return status_;
  const bool done = poll_until([&] { return waitpid(pid_, &status_, WNOHANG) == pid_; }, timeout);
  if (!done) return -1;
  exited_ = true;
  return status_;
}

std::vector<std::pair<std::string, pid_t>> Pmtr::started_jobs() const {
  const std::string text = log();
  const std::string key = "started job ";
  std::vector<std::pair<std::string, pid_t>> out;
  for (size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + 1)) {
    const size_t name_at = pos + key.size();
    const size_t bracket = text.find(" [", name_at);
    const size_t eol = text.find('\n', name_at);
    if (bracket == std::string::npos || bracket > eol) continue;
    out.emplace_back(text.substr(name_at, bracket - name_at),
                     static_cast<pid_t>(std::atoi(text.c_str() + bracket + 2)));
  }
  return out;
}

int Pmtr::stop(std::chrono::milliseconds timeout) {
  if (exited_) return status_;
  kill(pid_, SIGTERM);
  const bool done = poll_until([&] {
    const pid_t r = waitpid(pid_, &status_, WNOHANG);
    return r == pid_;
  }, timeout);
  if (!done) return -1;
  exited_ = true;
  return status_;
}

std::string job(const std::string& name, const std::string& cmd, const std::string& extra) {
  return "job {\n  name " + name + "\n  cmd " + cmd + "\n" + extra + "}\n";
}

}  // namespace pmtr::test
