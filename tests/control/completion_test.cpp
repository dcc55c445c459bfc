// init/pmtrctl.bash-completion: what bash offers after TAB, with job names
// from the fake monitor through the built pmtrctl (first on PATH).
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/control/fake_monitor.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) != nullptr ? std::string(buf) : p;
}

// The source tree: $PMTR_SOURCE_DIR, else the parent of the build dir.
std::string script() {
  const char* d = std::getenv("PMTR_SOURCE_DIR");
  const std::string dir = d != nullptr && *d != '\0' ? d : real_path(build_dir()) + "/..";
  return real_path(dir) + "/init/pmtrctl.bash-completion";
}

// What bash offers for `words` (the last one being completed),
// space-separated.
std::string complete(const std::vector<std::string>& words) {
  std::string cmd = "source \"$1\" && COMP_WORDS=(";
  for (size_t i = 0; i < words.size(); ++i) cmd += "\"${" + std::to_string(i + 2) + "}\" ";
  cmd += ") && COMP_CWORD=" + std::to_string(words.size() - 1) + "; _pmtrctl; echo \"${COMPREPLY[*]}\"";
  std::vector<std::string> argv{"/bin/bash", "-c", cmd, "bash", script()};
  argv.insert(argv.end(), words.begin(), words.end());
  const char* env_path = std::getenv("PATH");
  const std::string path = real_path(build_dir()) + ":" + (env_path != nullptr ? env_path : "/usr/bin:/bin");
  // popen runs a shell: every argument single-quoted.
  std::string quoted;
  for (const auto& a : argv) {
    std::string q = "'";
    for (const char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted += q + "' ";
  }
  std::string out;
  FILE* p = popen(("PATH='" + path + "' " + quoted + "2>&1").c_str(), "r");   // path: no quotes in it
  if (p == nullptr) return "<popen failed>";
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  pclose(p);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

TEST_GROUP(Completion) {
  void setup() override {
    if (access("/bin/bash", X_OK) != 0) skip_ = true;
  }
  bool skip_ = false;
};

TEST(Completion, CommandsOptionsStatesAndSignals) {
  if (skip_) PMTR_SKIP("bash is not installed");
  STRCMP_EQUAL("status start stop restart signal reload wait metrics log rotate send listen help",
               complete({"pmtrctl", ""}).c_str());
  STRCMP_EQUAL("restart reload rotate", complete({"pmtrctl", "r"}).c_str());
  STRCMP_EQUAL("--follow", complete({"pmtrctl", "log", "x", "--f"}).c_str());
  STRCMP_EQUAL("", complete({"pmtrctl", "log", "-n", ""}).c_str());
  STRCMP_EQUAL("--lines", complete({"pmtrctl", "log", "x", "--l"}).c_str());
  STRCMP_EQUAL("status start stop", complete({"pmtrctl", "st"}).c_str());
  STRCMP_EQUAL("--json", complete({"pmtrctl", "status", "--j"}).c_str());
  STRCMP_EQUAL("--timeout", complete({"pmtrctl", "wait", "up", "x", "--t"}).c_str());
  STRCMP_EQUAL("ready", complete({"pmtrctl", "wait", "r"}).c_str());
  STRCMP_EQUAL("TERM", complete({"pmtrctl", "signal", "te"}).c_str());
  STRCMP_EQUAL("status start stop signal send", complete({"pmtrctl", "help", "s"}).c_str());
  STRCMP_EQUAL("enable", complete({"pmtrctl", "send", "udp://h:1", "e"}).c_str());
  STRCMP_EQUAL("", complete({"pmtrctl", "send", "udp://h:1", "enable", ""}).c_str());
  STRCMP_EQUAL("--key", complete({"pmtrctl", "send", "--k"}).c_str());
  STRCMP_EQUAL("--count", complete({"pmtrctl", "listen", "--c"}).c_str());
  STRCMP_EQUAL("", complete({"pmtrctl", "reload", ""}).c_str());
}

TEST(Completion, JobNamesFromTheSocketOnTheLineQuoted) {
  if (skip_) PMTR_SKIP("bash is not installed");
  const std::vector<JobStatus> jobs{job("web", PublicState::Running, 1), job("web-2", PublicState::Running, 2),
                                    job("db", PublicState::Stopped), job("web$(touch_x)", PublicState::Done)};
  FakeMonitor fake({status_script(jobs, 1), status_script(jobs, 1), status_script(jobs, 1), status_script(jobs, 1)});
  STRCMP_EQUAL("web web-2 web\\$\\(touch_x\\)", complete({"pmtrctl", "-s", fake.socket_path(), "stop", "we"}).c_str());
  STRCMP_EQUAL("db", complete({"pmtrctl", "--socket=" + fake.socket_path(), "wait", "up", "web", "d"}).c_str());
  // log takes one job (-n's value is not one); rotate any number.
  STRCMP_EQUAL("db", complete({"pmtrctl", "-s", fake.socket_path(), "log", "-n", "5", "d"}).c_str());
  STRCMP_EQUAL("", complete({"pmtrctl", "-s", fake.socket_path(), "log", "db", "w"}).c_str());
  STRCMP_EQUAL("web web-2 db web\\$\\(touch_x\\)",
               complete({"pmtrctl", "status", "-s", fake.socket_path(), ""}).c_str());
}

TEST(Completion, NoPmtrNoNames) {
  if (skip_) PMTR_SKIP("bash is not installed");
  ScratchDir dir;
  STRCMP_EQUAL("", complete({"pmtrctl", "-s", dir.path() + "/none", "stop", ""}).c_str());
}
