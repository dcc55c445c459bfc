// Which pmtr-parser the monitor runs as root (issue 11, finding 7): the one
// beside pmtr only if it and its directory are root's (or pmtr's own uid's)
// and writable by nobody else; otherwise, with a warning, the installed
// one, which must pass the same test.
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "monitor/parser_link.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

// The inode an O_PATH fd refers to.
ino_t inode_of(int fd) {
  struct stat st {};
  return fstat(fd, &st) == 0 ? st.st_ino : 0;
}
ino_t inode_of(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace

TEST_GROUP(ParserProgram) {
  std::string top, self, libexec;
  void setup() override {
    char tmpl[] = "/tmp/pmtr-parser-program.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    top = tmpl;
    chmod(top.c_str(), 0755);
    self = top + "/bin";
    libexec = top + "/libexec";
    CHECK_EQUAL(0, mkdir(self.c_str(), 0755));
    CHECK_EQUAL(0, mkdir(libexec.c_str(), 0755));
    program(libexec);
  }
  void teardown() override {
    for (const std::string& d : {self, libexec}) {
      ::unlink((d + "/pmtr-parser").c_str());
      ::unlink((d + "/real").c_str());
      ::rmdir(d.c_str());
    }
    ::rmdir(top.c_str());
  }
  static void program(const std::string& dir, mode_t mode = 0755) {
    const std::string p = dir + "/pmtr-parser";
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
    CHECK(fd >= 0);
    CHECK(::write(fd, "#!/bin/false\n", 13) == 13);
    ::close(fd);
    CHECK_EQUAL(0, chmod(p.c_str(), mode));
  }
  void check_libexec_chosen(const char* why) {
    auto r = open_parser_program(self, libexec);
    CHECK_TEXT(r.ok(), r.ok() ? "" : r.error().message().c_str());
    CHECK_EQUAL(inode_of(libexec + "/pmtr-parser"), inode_of(r->fd.get()));
    STRCMP_EQUAL((libexec + "/pmtr-parser").c_str(), r->path.c_str());
    CHECK_TEXT(contains(r->warning, "not running " + self + "/pmtr-parser: ") && contains(r->warning, why),
               r->warning.c_str());
    CHECK_TEXT(contains(r->warning, "; running " + libexec + "/pmtr-parser instead"), r->warning.c_str());
  }
};

TEST(ParserProgram, TrustedSiblingIsChosenWithoutAWord) {
  program(self);
  auto r = open_parser_program(self, libexec);
  CHECK(r.ok());
  CHECK_EQUAL(inode_of(self + "/pmtr-parser"), inode_of(r->fd.get()));
  CHECK(r->warning.empty());
  CHECK(r->fd.get() >= 10);   // clear of the fds the child sets up
}

TEST(ParserProgram, NoSiblingMeansTheInstalledOneSilently) {
  auto r = open_parser_program(self, libexec);
  CHECK(r.ok());
  CHECK_EQUAL(inode_of(libexec + "/pmtr-parser"), inode_of(r->fd.get()));
  CHECK(r->warning.empty());
}

TEST(ParserProgram, WritableSiblingIsPassedOver) {
  program(self, 0775);
  check_libexec_chosen("is writable by group or others");
}

TEST(ParserProgram, SiblingInAWritableDirectoryIsPassedOver) {
  program(self);
  CHECK_EQUAL(0, chmod(self.c_str(), 01777));   // not even sticky helps a program
  check_libexec_chosen(("directory " + self + " is writable by group or others").c_str());
}

TEST(ParserProgram, SymlinkedOrNonExecutableSiblingIsPassedOver) {
  program(self);
  CHECK_EQUAL(0, chmod((self + "/pmtr-parser").c_str(), 0644));
  check_libexec_chosen("is not an executable file");
  ::unlink((self + "/pmtr-parser").c_str());
  CHECK_EQUAL(0, symlink((libexec + "/pmtr-parser").c_str(), (self + "/pmtr-parser").c_str()));
  check_libexec_chosen("is a symlink");
}

TEST(ParserProgram, SiblingOwnedBySomeoneElseIsPassedOver) {
  PMTR_REQUIRE_ROOT();
  program(self);
  CHECK_EQUAL(0, chown((self + "/pmtr-parser").c_str(), 65534, 65534));
  check_libexec_chosen("is owned by uid 65534, not root");
}

TEST(ParserProgram, AnUntrustedInstalledOneIsAnError) {
  CHECK_EQUAL(0, chmod(libexec.c_str(), 0777));
  auto r = open_parser_program(self, libexec);
  CHECK_FALSE(r.ok());
  CHECK_TEXT(contains(r.error().message(), "no pmtr-parser to trust: directory " + libexec + " is writable"),
             r.error().message().c_str());
  CHECK_EQUAL(0, chmod(libexec.c_str(), 0755));
  ::unlink((libexec + "/pmtr-parser").c_str());
  r = open_parser_program(self, libexec);
  CHECK_FALSE(r.ok());
  CHECK(contains(r.error().message(), "no pmtr-parser to trust: " + libexec + "/pmtr-parser"));
}

TEST_GROUP(ParserIdentity){};

// Without the `pmtr` system user the parser shares `nobody` with other
// daemons, which can then signal it: the warning says so and how to fix it
// (issue 11, finding 8).
TEST(ParserIdentity, FallingBackToNobodySaysWhyItMatters) {
  PMTR_REQUIRE_ROOT();
  if (getpwnam("pmtr") != nullptr) PMTR_SKIP("this machine has a pmtr user");
  if (getpwnam("nobody") == nullptr) PMTR_SKIP("this machine has no nobody user");
  const auto id = resolve_parser_identity();
  CHECK(id.ok());
  CHECK_EQUAL(getpwnam("nobody")->pw_uid, id->uid);
  CHECK_TEXT(contains(id->warning, "the parser runs as 'nobody', so any other process running as 'nobody' can stop "
                                   "or kill it"),
             id->warning.c_str());
  CHECK(contains(id->warning, "adduser --system --group --no-create-home pmtr"));
}
