// hash_file_content: a change detector for `depends` files.  Missing or
// unreadable is 0, so appearing and disappearing count as changes; any
// readable file, even empty, hashes to non-zero.
#include "monitor/file_hash.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

TEST_GROUP(FileHash) {
  std::string dir;

  void setup() override {
    char tmpl[] = "/tmp/pmtr-hash.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
  }
  void teardown() override {
    for (const char* n : {"a", "b", "c", "empty", "big"}) ::unlink((dir + "/" + n).c_str());
    ::rmdir(dir.c_str());
  }

  std::string file(const char* name, const std::string& content) {
    const std::string path = dir + "/" + name;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    CHECK(fd >= 0);
    CHECK(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    ::close(fd);
    return path;
  }
};

TEST(FileHash, SameContentSameHash) {
  const uint64_t a = hash_file_content(file("a", "listen 80\n"));
  const uint64_t b = hash_file_content(file("b", "listen 80\n"));
  CHECK(a != 0);
  UNSIGNED_LONGLONGS_EQUAL(a, b);
  // And stable across reads of the same file.
  UNSIGNED_LONGLONGS_EQUAL(a, hash_file_content(dir + "/a"));
}

TEST(FileHash, DifferentContentDifferentHash) {
  const uint64_t a = hash_file_content(file("a", "listen 80\n"));
  const uint64_t b = hash_file_content(file("b", "listen 81\n"));
  const uint64_t c = hash_file_content(file("c", "listen 80\n\n"));
  CHECK(a != b);
  CHECK(a != c);
  CHECK(b != c);
}

TEST(FileHash, RewritingAFileChangesItsHash) {
  const std::string p = file("a", "one");
  const uint64_t before = hash_file_content(p);
  file("a", "two");
  CHECK(before != hash_file_content(p));
  file("a", "one");
  UNSIGNED_LONGLONGS_EQUAL(before, hash_file_content(p));
}

TEST(FileHash, MissingFileIsZero) {
  UNSIGNED_LONGLONGS_EQUAL(0, hash_file_content(dir + "/missing"));
  UNSIGNED_LONGLONGS_EQUAL(0, hash_file_content(""));
}

TEST(FileHash, EmptyFileIsNotZero) {
  CHECK(hash_file_content(file("empty", "")) != 0);
}

TEST(FileHash, DirectoryIsZero) {
  UNSIGNED_LONGLONGS_EQUAL(0, hash_file_content(dir));
}

TEST(FileHash, LargerThanOneReadBuffer) {
  std::string big(200000, 'x');
  const uint64_t a = hash_file_content(file("big", big));
  big[150000] = 'y';   // past the first 64 KiB read
  CHECK(a != hash_file_content(file("big", big)));
}
