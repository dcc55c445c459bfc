// The control socket's path, lock and directory rules: a second holder is
// refused with the first one's pid, a directory others can write (or that
// is not ours) is refused, anything but a stale socket at the path is left
// alone, a stale socket is replaced.
#include "monitor/control_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "common/control_path.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using pmtr::test::TempDir;

TEST_GROUP(ControlSocket) {
  TempDir dir;
  std::string sock;
  void setup() override { sock = dir.file("run/control"); }
};

TEST(ControlSocket, CreatesItsDirectoryBindsAndLocks) {
  ControlSocket cs;
  const Status s = cs.open(sock);
  CHECK_TEXT(s.ok(), s.ok() ? "" : s.error().message().c_str());
  struct stat st {};
  CHECK_EQUAL(0, lstat(sock.c_str(), &st));
  CHECK(S_ISSOCK(st.st_mode));
  CHECK_EQUAL(0666u, st.st_mode & 0777);
  CHECK_EQUAL(0, stat(dir.file("run").c_str(), &st));
  CHECK_EQUAL(0755u, st.st_mode & 0777);
  CHECK_EQUAL(std::to_string(getpid()) + "\n", pmtr::test::read_file(sock + ".lock"));
  cs.close();
  CHECK(lstat(sock.c_str(), &st) != 0);   // unlinked
}

TEST(ControlSocket, ASecondHolderIsRefusedWithTheFirstOnesPid) {
  // The first holder is another process: flock is per open file, so a
  // second open in this process would be refused too, but the pid must be
  // the other one's.
  int p[2];
  CHECK_EQUAL(0, pipe(p));
  const pid_t child = fork();
  if (child == 0) {
    ControlSocket first;
    const char ok = first.open(sock).ok() ? '1' : '0';
    (void)!write(p[1], &ok, 1);
    pause();
    _exit(0);
  }
  close(p[1]);
  char ok = 0;
  CHECK_EQUAL(1, read(p[0], &ok, 1));
  close(p[0]);
  CHECK_EQUAL('1', ok);
  ControlSocket second;
  const Status s = second.open(sock);
  CHECK_FALSE(s.ok());
  STRCMP_CONTAINS(("another pmtr (pid " + std::to_string(child) + ")").c_str(), s.error().message().c_str());
  kill(child, SIGKILL);
  int st = 0;
  waitpid(child, &st, 0);
  // The lock dies with its holder; the stale socket is replaced.
  CHECK(second.open(sock).ok());
}

TEST(ControlSocket, ADirectoryOthersCanWriteIsRefused) {
  CHECK_EQUAL(0, mkdir(dir.file("run").c_str(), 0777));
  CHECK_EQUAL(0, chmod(dir.file("run").c_str(), 0777));
  ControlSocket cs;
  const Status s = cs.open(sock);
  CHECK_FALSE(s.ok());
  STRCMP_CONTAINS("writable by others", s.error().message().c_str());
}

TEST(ControlSocket, ADirectoryOfSomeoneElseIsRefused) {
  PMTR_REQUIRE_ROOT();   // only root can give a directory away
  CHECK_EQUAL(0, mkdir(dir.file("run").c_str(), 0755));
  CHECK_EQUAL(0, chown(dir.file("run").c_str(), 65534, 65534));
  ControlSocket cs;
  const Status s = cs.open(sock);
  CHECK_FALSE(s.ok());
  STRCMP_CONTAINS("belongs to uid 65534", s.error().message().c_str());
}

TEST(ControlSocket, AnythingButAStaleSocketAtThePathIsLeftAlone) {
  CHECK_EQUAL(0, mkdir(dir.file("run").c_str(), 0755));
  pmtr::test::write_in_place(sock, "precious");
  ControlSocket cs;
  const Status s = cs.open(sock);
  CHECK_FALSE(s.ok());
  STRCMP_CONTAINS("is not a socket", s.error().message().c_str());
  STRCMP_EQUAL("precious", pmtr::test::read_file(sock).c_str());
}

TEST(ControlSocket, TheDefaultPathComesFromTheEnvironmentOrTheUser) {
  STRCMP_EQUAL("/x/ctl", control_socket_path(ControlConfig{true, "/x/ctl", {}, {}}).c_str());
  CHECK(control_socket_path(ControlConfig{false, "", {}, {}}).empty());
  STRCMP_EQUAL(default_control_socket().c_str(), control_socket_path(ControlConfig{}).c_str());
  STRCMP_EQUAL("/e/sock", default_control_socket("/e/sock", "/run/user/5", 5).c_str());
  STRCMP_EQUAL("/run/pmtr/control", default_control_socket(nullptr, "/run/user/0", 0).c_str());
  STRCMP_EQUAL("/run/user/5/pmtr/control", default_control_socket(nullptr, "/run/user/5", 5).c_str());
}
