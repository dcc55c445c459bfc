// bench/peers: the layouts runit, s6 and supervisord read are valid: a
// service directory holds an executable run script that execs exactly the
// job's argv (any byte in it), made in one rename; supervisord's config is
// well-formed INI with one [program:x] per job and a control socket that
// supervisorctl finds.
#include "bench/peers.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench/launch.hpp"
#include "bench/proc_tree.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::bench;

namespace {

// section -> key -> value; false when a line is neither blank, a comment,
// a [section] nor key=value, or a section or key repeats.
bool parse_ini(const std::string& text, std::map<std::string, std::map<std::string, std::string>>* out) {
  std::istringstream in(text);
  std::string line;
  std::string section;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ';' || line[0] == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return false;
      section = line.substr(1, line.size() - 2);
      if (out->count(section) != 0) return false;
      (*out)[section];
      continue;
    }
    const size_t eq = line.find('=');
    if (section.empty() || eq == std::string::npos || eq == 0) return false;
    std::string key = line.substr(0, eq);
    while (!key.empty() && key.back() == ' ') key.pop_back();
    std::string value = line.substr(eq + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (!(*out)[section].emplace(key, value).second) return false;
  }
  return true;
}

}  // namespace

TEST_GROUP(BenchPeers){};

TEST(BenchPeers, NamesAndDepths) {
  STRCMP_EQUAL("runit", peer_name(Peer::Runit));
  STRCMP_EQUAL("s6", peer_name(Peer::S6));
  STRCMP_EQUAL("supervisord", peer_name(Peer::Supervisord));
  LONGS_EQUAL(2, peer_job_depth(Peer::Runit));
  LONGS_EQUAL(2, peer_job_depth(Peer::S6));
  LONGS_EQUAL(1, peer_job_depth(Peer::Supervisord));
}

TEST(BenchPeers, ShellQuotingKeepsEveryWord) {
  STRCMP_EQUAL("'/bin/sleep' '1000'", shell_quote({"/bin/sleep", "1000"}).c_str());
  STRCMP_EQUAL("'it'\\''s' 'a b'", shell_quote({"it's", "a b"}).c_str());
  STRCMP_EQUAL("#!/bin/sh\nexec '/bin/sleep' '1000'\n", run_script({"/bin/sleep", "1000"}).c_str());
}

TEST(BenchPeers, ServiceDirHasAnExecutableRunScriptThatExecsTheArgv) {
  TempDir dir;
  std::string why;
  uint64_t t = 0;
  const std::vector<std::string> argv{"/bin/echo", "a b", "it's", "$HOME", "\"q\""};
  CHECK_TRUE_TEXT(write_service_dir(dir.path(), "j0000001", argv, &why, &t), why.c_str());
  CHECK_TRUE(t > 0);
  const std::string run = dir.file("j0000001/run");
  struct stat st {};
  LONGS_EQUAL(0, ::stat(run.c_str(), &st));
  CHECK_TRUE(S_ISREG(st.st_mode));
  LONGS_EQUAL(0755, st.st_mode & 07777);
  CHECK_TRUE(::access(dir.file(".j0000001").c_str(), F_OK) != 0);   // the staging name is gone
  STRCMP_EQUAL(run_script(argv).c_str(), slurp(run).c_str());
  // Run as runsv and s6-supervise run it: the words arrive unchanged.
  Launch how;
  how.argv = {run};
  how.output = dir.file("out");
  int status = 0;
  (void)run_timed(how, &status);
  CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  STRCMP_EQUAL("a b it's $HOME \"q\"\n", slurp(how.output).c_str());
}

TEST(BenchPeers, ServiceDirFailsWithAReason) {
  std::string why;
  CHECK_FALSE(write_service_dir("/nonexistent/scandir", "x", {"/bin/true"}, &why));
  CHECK_TRUE(why.find("mkdir") != std::string::npos);
}

TEST(BenchPeers, ReplacedRunScriptExecsTheNewArgvAndLeavesNoStagingFile) {
  TempDir dir;
  std::string why;
  CHECK_TRUE_TEXT(write_service_dir(dir.path(), "j0000002", {"/bin/echo", "old"}, &why), why.c_str());
  const std::string service = dir.file("j0000002");
  const mode_t old_umask = umask(077);   // the script must stay executable for runsv and s6-supervise
  uint64_t t = 0;
  const bool ok = replace_run_script(service, {"/bin/echo", "new one", "it's"}, &why, &t);
  umask(old_umask);
  CHECK_TRUE_TEXT(ok, why.c_str());
  CHECK_TRUE(t > 0);
  struct stat st {};
  LONGS_EQUAL(0, ::stat((service + "/run").c_str(), &st));
  LONGS_EQUAL(0755, st.st_mode & 07777);
  CHECK_TRUE(::access((service + "/run.new").c_str(), F_OK) != 0);
  Launch how;
  how.argv = {service + "/run"};
  how.output = dir.file("out");
  int status = 0;
  (void)run_timed(how, &status);
  CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  STRCMP_EQUAL("new one it's\n", slurp(how.output).c_str());
}

TEST(BenchPeers, ReplacingARunScriptFailsWithAReason) {
  std::string why;
  CHECK_FALSE(replace_run_script("/nonexistent/service", {"/bin/true"}, &why));
  CHECK_TRUE(why.find("open /nonexistent/service/run.new") != std::string::npos);
}

TEST(BenchPeers, SupervisordConfigIsValidIniWithOneProgramPerJob) {
  std::vector<Program> programs;
  for (int i = 0; i < 3; ++i) programs.push_back({"j000000" + std::to_string(i), {"/bin/sleep", "1000"}});
  const std::string text = supervisord_config("/tmp/sv", programs);
  std::map<std::string, std::map<std::string, std::string>> ini;
  CHECK_TRUE_TEXT(parse_ini(text, &ini), text.c_str());
  LONGS_EQUAL(4 + 3, ini.size());
  STRCMP_EQUAL("true", ini["supervisord"]["nodaemon"].c_str());
  STRCMP_EQUAL("/tmp/sv/supervisord.log", ini["supervisord"]["logfile"].c_str());
  CHECK_TRUE(std::stoul(ini["supervisord"]["minfds"]) >= 1024 + 3 * 3);
  STRCMP_EQUAL("/tmp/sv/supervisor.sock", ini["unix_http_server"]["file"].c_str());
  STRCMP_EQUAL(("unix://" + ini["unix_http_server"]["file"]).c_str(), ini["supervisorctl"]["serverurl"].c_str());
  CHECK_TRUE(ini.count("rpcinterface:supervisor") == 1);
  for (const auto& p : programs) {
    auto& sec = ini["program:" + p.name];
    STRCMP_EQUAL("'/bin/sleep' '1000'", sec["command"].c_str());
    STRCMP_EQUAL("true", sec["autorestart"].c_str());
    STRCMP_EQUAL("0", sec["startsecs"].c_str());
    STRCMP_EQUAL("NONE", sec["stdout_logfile"].c_str());
    // supervisord's default, stated: what the TERM-ignoring shutdown waits
    // per program before SIGKILL.
    STRCMP_EQUAL("10", sec["stopwaitsecs"].c_str());
  }
}

TEST(BenchPeers, SupervisordConfigOfTheOriginalJobsIsTheSameTextAgain) {
  // restore() relies on it: the config saved after a repetition's change
  // and addition is byte for byte the one the repetition started from.
  std::vector<Program> programs{{"j0000000", {"/bin/sleep", "1000"}}, {"j0000001", {"/bin/sleep", "1000"}}};
  const std::string original = supervisord_config("/tmp/sv", programs);
  programs[1].argv = {"/bin/sleep", "2001"};
  programs.push_back({"added0000000", {"/bin/sleep", "1000"}});
  const std::string edited = supervisord_config("/tmp/sv", programs);
  CHECK_TRUE(edited != original);
  CHECK_TRUE(edited.find("[program:added0000000]") != std::string::npos);
  CHECK_TRUE(edited.find("'/bin/sleep' '2001'") != std::string::npos);
  programs.pop_back();
  programs[1].argv = {"/bin/sleep", "1000"};
  STRCMP_EQUAL(original.c_str(), supervisord_config("/tmp/sv", programs).c_str());
}
