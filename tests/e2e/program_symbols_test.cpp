// One folder per process: each program contains code from its own folder
// and common/ only (pmtr also the spawner, which runs inside the monitor),
// and the sandbox libraries only where the sandbox is.  Read from the
// symbols of the built programs (what `make install` copies, unstripped),
// not from the Makefile's link lines: an archive linker drops unused
// objects, so a wrong link line alone proves nothing, and a right one can
// still erode.
//
// A symbol belongs to a folder when one of the folder's objects
// (BUILD/obj/FOLDER/*.o) defines it as a strong global symbol; a symbol
// that an allowed folder also defines (main, for one) is not counted
// against the program.  Weak symbols (inline functions, templates) are
// emitted by every object that uses them and say nothing about layering.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/paths.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

namespace {

struct ProgramRule {
  std::string program;                  // in the build directory
  std::vector<std::string> folders;     // whose code it may contain
  std::vector<std::string> libraries;   // of kLibraries, linked in whole or in part
};

// program -> allowed folders and libraries; a new process adds one line.
const std::vector<ProgramRule> kRules = {
    {"pmtr", {"monitor", "spawner", "common"}, {}},
    {"pmtr-parser", {"parser", "common"}, {"libseccomp", "libcap-ng"}},
    {"pmtrctl", {"control", "common"}, {"libsodium"}},
    {"pmtr-log", {"logger", "common"}, {"libseccomp", "libcap-ng"}},
    {"pmtr-net", {"net", "common"}, {"libseccomp", "libcap-ng", "libsodium"}},
};

// Libraries only some processes may link, by the prefix of their symbols
// (defined when linked statically, undefined when linked shared).
const std::map<std::string, std::string> kLibraries = {
    {"libseccomp", "seccomp_"},
    {"libcap-ng", "capng_"},
    {"libsodium", "sodium_"},
};

// Folders under BUILD/obj that are not a process's code.
const std::set<std::string> kNotProcessFolders = {"tests", "bench"};

struct Symbol {
  std::string name;
  char type;
};

// `nm -P` of the given files: POSIX format, one "name type ..." per line.
std::vector<Symbol> nm(const std::string& options, const std::vector<std::string>& files) {
  std::vector<Symbol> out;
  std::string cmd = "nm -P " + options;
  for (const auto& f : files) cmd += " '" + f + "'";
  cmd += " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char line[4096];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    char name[4000];
    char type = 0;
    if (std::sscanf(line, "%3999s %c", name, &type) == 2 && std::string(name).back() != ':')
      out.push_back({name, type});
  }
  pclose(p);
  return out;
}

bool strong_definition(char type) { return type == 'T' || type == 'D' || type == 'B' || type == 'R'; }

std::vector<std::string> entries(const std::string& dir, unsigned char kind) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (e->d_type == kind) out.push_back(name);
    }
    closedir(d);
  }
  return out;
}

std::string obj_dir() { return pmtr::test::build_dir() + "/obj"; }

// Every process folder that has objects, with the strong globals its
// objects define.
std::map<std::string, std::set<std::string>> symbols_by_folder() {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& folder : entries(obj_dir(), DT_DIR)) {
    if (kNotProcessFolders.count(folder) != 0) continue;
    std::vector<std::string> objects;
    for (const auto& f : entries(obj_dir() + "/" + folder, DT_REG))
      if (f.size() > 2 && f.compare(f.size() - 2, 2, ".o") == 0) objects.push_back(obj_dir() + "/" + folder + "/" + f);
    if (objects.empty()) continue;
    auto& defined = out[folder];
    for (const auto& s : nm("--defined-only -g", objects))
      if (strong_definition(s.type)) defined.insert(s.name);
  }
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}

// What of `rule.program` comes from a folder or library it may not contain,
// one line per symbol ("parser: _ZN4pmtr12parse_configE..."); empty when the
// layering holds.
std::vector<std::string> violations(const ProgramRule& rule,
                                    const std::map<std::string, std::set<std::string>>& folders) {
  std::vector<std::string> out;
  for (const auto& s : nm("", {pmtr::test::build_dir() + "/" + rule.program})) {
    for (const auto& [lib, prefix] : kLibraries)
      if (s.name.rfind(prefix, 0) == 0 && !contains(rule.libraries, lib)) out.push_back(lib + ": " + s.name);
    if (!strong_definition(s.type)) continue;
    bool allowed = false;
    for (const auto& f : rule.folders) allowed = allowed || (folders.count(f) != 0 && folders.at(f).count(s.name) != 0);
    if (allowed) continue;
    for (const auto& [folder, defined] : folders)
      if (defined.count(s.name) != 0) out.push_back(folder + ": " + s.name);
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size() && i < 20; ++i) out += lines[i] + "\n";
  return out;
}

bool is_program(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

}  // namespace

TEST_GROUP(ProgramSymbols){};

TEST(ProgramSymbols, EachProgramContainsOnlyItsOwnFoldersAndLibraries) {
  const auto folders = symbols_by_folder();
  int checked = 0;
  for (const auto& rule : kRules) {
    if (!is_program(pmtr::test::build_dir() + "/" + rule.program)) continue;
    ++checked;
    const auto bad = violations(rule, folders);
    CHECK_TEXT(bad.empty(), (rule.program + " contains code it must not:\n" + joined(bad)).c_str());
  }
  CHECK_TEXT(checked >= 4, "pmtr, pmtr-parser, pmtr-log and pmtrctl are not built");
}

// The positive twin: the attribution sees each program's own code (a
// program without symbols, or objects nm cannot read, would pass the test
// above vacuously), and the sandbox libraries in the parser.
TEST(ProgramSymbols, EachProgramContainsItsOwnFoldersCode) {
  const auto folders = symbols_by_folder();
  for (const auto& rule : kRules) {
    if (!is_program(pmtr::test::build_dir() + "/" + rule.program)) continue;
    std::set<std::string> names;
    for (const auto& s : nm("--defined-only -g", {pmtr::test::build_dir() + "/" + rule.program})) names.insert(s.name);
    for (const auto& f : rule.folders) {
      CHECK_TEXT(folders.count(f) != 0, (f + ": no objects under " + obj_dir()).c_str());
      if (folders.count(f) == 0) continue;
      bool found = false;
      for (const auto& n : folders.at(f)) found = found || names.count(n) != 0;
      CHECK_TEXT(found, (rule.program + ": no symbol of " + f + "/").c_str());
    }
    for (const auto& lib : rule.libraries) {
      bool found = false;
      for (const auto& n : names) found = found || n.rfind(kLibraries.at(lib), 0) == 0;
      CHECK_TEXT(found, (rule.program + ": nothing of " + lib).c_str());
    }
  }
}

// A new program cannot escape the check: every program in the build
// directory has a rule, and every folder with a rule's code has its program.
TEST(ProgramSymbols, EveryBuiltProgramHasARule) {
  std::set<std::string> built_folders;
  for (const auto& folder : entries(obj_dir(), DT_DIR))
    if (!entries(obj_dir() + "/" + folder, DT_REG).empty()) built_folders.insert(folder);
  std::set<std::string> ruled;
  for (const auto& rule : kRules) ruled.insert(rule.program);
  for (const auto& f : entries(pmtr::test::build_dir(), DT_REG))
    if (is_program(pmtr::test::build_dir() + "/" + f))
      CHECK_TEXT(ruled.count(f) != 0, (f + " is built but has no rule in kRules").c_str());
  for (const auto& rule : kRules)
    if (built_folders.count(rule.folders.front()) != 0)
      CHECK_TEXT(is_program(pmtr::test::build_dir() + "/" + rule.program),
                 (rule.folders.front() + "/ is built but " + rule.program + " is not").c_str());
}
