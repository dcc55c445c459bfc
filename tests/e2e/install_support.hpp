// What the install tests (install_test.cpp, install_system_test.cpp,
// pid1_test.cpp) share: where the source tree and the built programs are,
// the system tools they run, `make` on the install targets, and the
// machine's files, users and processes as those tests look at them.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace pmtr::test {

bool contains(const std::string& s, const std::string& needle);

// realpath(p), or p itself when it does not resolve.
std::string real_path(const std::string& p);

// The source tree: $PMTR_SOURCE_DIR, else the parent of the build dir
// (build dirs live in the tree), else the working directory.
std::string source_dir();

std::string build_path();

// run_command execs without a PATH search: the tool's full path, or "".
std::string tool(const std::string& name);

bool exists(const std::string& path);

struct Node {
  char type = '?';   // f d l ?
  mode_t mode = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Everything below root, by path relative to it.
std::map<std::string, Node> tree(const std::string& root);

// `make TARGET VARS...` in the source tree with our build dir.  `-o all`:
// the programs under test are the ones already built; install must not
// rebuild them (another session's edits would make it try).
int run_make(const std::string& target, const std::vector<std::string>& vars, std::string* out);

bool user_exists(const char* name);
bool group_exists(const char* name);

// Ends a daemon this test started through an init script (it is not our
// child) and everything below it, by pid.
void kill_tree(pid_t pid);


}  // namespace pmtr::test
