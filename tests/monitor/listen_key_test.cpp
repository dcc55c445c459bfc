// read_listen_key / check_listen_key: the key of `listen on ... key FILE`
// is accepted only as a regular file of pmtr's user (root), mode 0600 or
// 0400, 32 to 4096 bytes, never through a symbolic link; each refusal names
// the file and what is wrong.
#include "monitor/listen_key.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <string>
#include <vector>

#include "common/datagram_mac.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::vector<std::byte> bytes_of(const std::string& s) {
  std::vector<std::byte> v;
  for (char c : s) v.push_back(static_cast<std::byte>(c));
  return v;
}

std::string key_text(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += static_cast<char>('!' + i % 90);
  return s;
}

}  // namespace

TEST_GROUP(ListenKey) {
  std::string dir;
  std::string path;

  void setup() override {
    char tmpl[] = "/tmp/pmtr-listen-key.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    path = dir + "/listen.key";
  }
  void teardown() override {
    for (const char* name : {"/listen.key", "/link", "/fifo"}) ::unlink((dir + name).c_str());
    ::rmdir((dir + "/sub").c_str());
    ::rmdir(dir.c_str());
  }

  void write_key(const std::string& text, mode_t mode = 0600) {
    ::unlink(path.c_str());
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    CHECK(fd >= 0);
    CHECK_EQUAL(static_cast<ssize_t>(text.size()), ::write(fd, text.data(), text.size()));
    ::close(fd);
    // chmod, not the create mode: the umask would mask bits.
    CHECK_EQUAL(0, ::chmod(path.c_str(), mode));
  }

  std::string refusal(const std::string& p) {
    auto r = read_listen_key(p);
    CHECK_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message();
  }
};

TEST(ListenKey, AGoodKeyIsReadWhole) {
  for (size_t n : {kKeyBytesMin, size_t{64}, kKeyBytesMax}) {
    const std::string text = key_text(n);
    write_key(text);
    auto r = read_listen_key(path);
    CHECK_TRUE(r.ok());
    CHECK_TRUE(r.value() == bytes_of(text));
  }
  write_key(key_text(40), 0400);
  CHECK_TRUE(read_listen_key(path).ok());
  const KeyCheck c = check_listen_key(path, ::geteuid());
  CHECK_TRUE(c.fault == KeyFault::None);
  CHECK_EQUAL(40u, c.key.size());
  CHECK_TRUE(c.problem.empty());
}

TEST(ListenKey, SizeBounds) {
  write_key(key_text(kKeyBytesMin - 1));
  STRCMP_EQUAL(("listen key " + path + ": 31 bytes, at least 32 needed").c_str(), refusal(path).c_str());
  write_key("");
  STRCMP_EQUAL(("listen key " + path + ": 0 bytes, at least 32 needed").c_str(), refusal(path).c_str());
  write_key(key_text(kKeyBytesMax + 1));
  STRCMP_EQUAL(("listen key " + path + ": 4097 bytes, at most 4096 allowed").c_str(), refusal(path).c_str());
  CHECK_TRUE(check_listen_key(path, ::geteuid()).fault == KeyFault::Content);
}

TEST(ListenKey, ModeMustBe0600Or0400) {
  for (mode_t m : {0644, 0640, 0604, 0660, 0700, 0500, 0200, 0000, 04600, 01600}) {
    if ((m & 0400) == 0 && ::geteuid() != 0) continue;   // unreadable to us: a different refusal
    write_key(key_text(32), m);
    char want[8];
    std::snprintf(want, sizeof want, "%04o", static_cast<unsigned>(m));
    STRCMP_EQUAL_TEXT(("listen key " + path + ": mode " + want + ", must be 0600 or 0400").c_str(), refusal(path).c_str(),
                      want);
  }
}

TEST(ListenKey, NoSymbolicLinkNoOtherFileType) {
  write_key(key_text(32));
  const std::string link = dir + "/link";
  CHECK_EQUAL(0, ::symlink(path.c_str(), link.c_str()));
  STRCMP_EQUAL(("listen key " + link + ": a symbolic link (not followed)").c_str(), refusal(link).c_str());
  CHECK_TRUE(check_listen_key(link, ::geteuid()).fault == KeyFault::Content);

  const std::string sub = dir + "/sub";
  CHECK_EQUAL(0, ::mkdir(sub.c_str(), 0700));
  STRCMP_EQUAL(("listen key " + sub + ": not a regular file").c_str(), refusal(sub).c_str());
  // A FIFO must be refused, not waited on.
  const std::string fifo = dir + "/fifo";
  CHECK_EQUAL(0, ::mkfifo(fifo.c_str(), 0600));
  STRCMP_EQUAL(("listen key " + fifo + ": not a regular file").c_str(), refusal(fifo).c_str());
}

TEST(ListenKey, MissingFile) {
  const std::string missing = dir + "/none";
  STRCMP_EQUAL(("listen key " + missing + ": No such file or directory").c_str(), refusal(missing).c_str());
  CHECK_TRUE(check_listen_key(missing, ::geteuid()).fault == KeyFault::Missing);
  write_key(key_text(32));
  CHECK_TRUE(check_listen_key(path + "/below", ::geteuid()).fault == KeyFault::Missing);
}

TEST(ListenKey, OwnerIsTheUserPmtrRunsAs) {
  write_key(key_text(32));
  const uid_t other = ::geteuid() + 1;
  const KeyCheck c = check_listen_key(path, other);
  CHECK_TRUE(c.fault == KeyFault::Owner);
  CHECK_TRUE(c.key.empty());
  STRCMP_EQUAL(("listen key " + path + ": owned by uid " + std::to_string(::geteuid()) + ", not uid " +
                std::to_string(other) + " (the user pmtr runs as)")
                   .c_str(),
               c.problem.c_str());
  if (::geteuid() != 0) {
    STRCMP_EQUAL(("listen key " + path + ": owned by uid " + std::to_string(::geteuid()) + ", not root").c_str(),
                 check_listen_key(path, 0).problem.c_str());
  }
}

TEST(ListenKey, RootRefusesAKeyOfAnotherUser) {
  PMTR_REQUIRE_ROOT();
  write_key(key_text(32));
  CHECK_EQUAL(0, ::chown(path.c_str(), 1000, 1000));
  STRCMP_EQUAL(("listen key " + path + ": owned by uid 1000, not root").c_str(), refusal(path).c_str());
  // Root's group does not matter: only root (and the mode) can read it.
  CHECK_EQUAL(0, ::chown(path.c_str(), 0, 1000));
  CHECK_TRUE(read_listen_key(path).ok());
}
