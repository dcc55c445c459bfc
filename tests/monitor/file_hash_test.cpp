// digest_depends_file / DependsHasher: a change detector for `depends`
// files that root runs in its event loop.  Missing is kHashMissing, refused
// is kHashRefused, any hashable file (even empty) something else; what is
// refused is refused without being read (devices, FIFOs, /proc, files over
// the cap, symlinks someone else owns), and a refusal is logged once.
#include "monitor/file_hash.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "common/log.hpp"
#include "tests/monitor/stderr_capture.hpp"
#include "tests/support/skip.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using pmtr::test::StderrCapture;

namespace {

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

}  // namespace

TEST_GROUP(FileHash) {
  std::string dir;

  void setup() override {
    char tmpl[] = "/tmp/pmtr-hash.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
  }
  void teardown() override {
    for (const char* n : {"a", "b", "c", "empty", "big", "fifo", "sparse", "link", "link2", "loop1", "loop2",
                          "dangling", "rel", "swap"})
      ::unlink((dir + "/" + n).c_str());
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
  std::string link(const char* name, const std::string& target) {
    const std::string path = dir + "/" + name;
    ::unlink(path.c_str());
    CHECK_EQUAL(0, symlink(target.c_str(), path.c_str()));
    return path;
  }
  void check_refused(const std::string& path, const char* reason) {
    const DependsDigest d = digest_depends_file(path, geteuid());
    UNSIGNED_LONGLONGS_EQUAL(kHashRefused, d.hash);
    CHECK_TEXT(contains(d.why, reason), d.why.c_str());
  }
};

TEST(FileHash, SameContentSameHash) {
  const uint64_t a = hash_file_content(file("a", "listen 80\n"));
  const uint64_t b = hash_file_content(file("b", "listen 80\n"));
  CHECK(a != kHashMissing && a != kHashRefused);
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

// Words of eight bytes are hashed at a time: the tail of a file, a trailing
// NUL and every position inside a word must still count.
TEST(FileHash, EveryByteAndTheLengthCount) {
  std::string base = "0123456789abcdefXYZ";
  const uint64_t h = hash_file_content(file("a", base));
  for (size_t i = 0; i < base.size(); ++i) {
    std::string changed = base;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    CHECK(h != hash_file_content(file("b", changed)));
  }
  CHECK(hash_file_content(file("a", "a")) != hash_file_content(file("b", std::string("a\0", 2))));
  CHECK(hash_file_content(file("a", "")) != hash_file_content(file("b", std::string(8, '\0'))));
}

TEST(FileHash, RewritingAFileChangesItsHash) {
  const std::string p = file("a", "one");
  const uint64_t before = hash_file_content(p);
  file("a", "two");
  CHECK(before != hash_file_content(p));
  file("a", "one");
  UNSIGNED_LONGLONGS_EQUAL(before, hash_file_content(p));
}

TEST(FileHash, MissingFileIsMissing) {
  UNSIGNED_LONGLONGS_EQUAL(kHashMissing, hash_file_content(dir + "/missing"));
  UNSIGNED_LONGLONGS_EQUAL(kHashMissing, hash_file_content(dir + "/missing/below"));
  check_refused("", "not an absolute path");
}

TEST(FileHash, EmptyFileIsHashed) {
  const uint64_t h = hash_file_content(file("empty", ""));
  CHECK(h != kHashMissing && h != kHashRefused);
}

TEST(FileHash, DirectoryIsRefused) { check_refused(dir, "a directory"); }

TEST(FileHash, DevZeroIsRefusedWithoutReading) {
  const auto t0 = std::chrono::steady_clock::now();
  check_refused("/dev/zero", "a character device");
  check_refused("/dev/null", "a character device");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
}

TEST(FileHash, FifoIsRefusedWithoutBlocking) {
  const std::string fifo = dir + "/fifo";
  CHECK_EQUAL(0, mkfifo(fifo.c_str(), 0644));
  check_refused(fifo, "a FIFO");
}

TEST(FileHash, ProcAndSysFilesAreRefused) {
  check_refused("/proc/self/status", "kernel interface");
  check_refused("/proc/version", "kernel interface");
  if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0)
    check_refused("/sys/kernel/mm/transparent_hugepage/enabled", "kernel interface");
}

// A sparse 10 GiB file is refused by its size alone: one fstat, no read.
TEST(FileHash, FileOverTheCapIsRefusedWithoutReadingIt) {
  const std::string sparse = dir + "/sparse";
  const int fd = ::open(sparse.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  CHECK(fd >= 0);
  CHECK_EQUAL(0, ftruncate(fd, off_t{10} << 30));
  ::close(fd);
  const auto t0 = std::chrono::steady_clock::now();
  check_refused(sparse, "larger than 1 MiB");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(100));
}

TEST(FileHash, TheCapItselfIsHashedOneByteMoreIsNot) {
  const std::string at_cap(kDependsMaxBytes, 'x');
  const std::string big = file("big", at_cap);
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t h = hash_file_content(big);
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(h != kHashMissing && h != kHashRefused);
  // Well under a millisecond on an idle machine; generous for a loaded,
  // sanitized CI run.
  CHECK(took < std::chrono::milliseconds(200));
  check_refused(file("big", at_cap + "y"), "larger than 1 MiB");
}

TEST(FileHash, OwnSymlinksAreFollowedRelativeToTheirDirectory) {
  const uint64_t target = hash_file_content(file("a", "content\n"));
  UNSIGNED_LONGLONGS_EQUAL(target, hash_file_content(link("link", dir + "/a")));
  UNSIGNED_LONGLONGS_EQUAL(target, hash_file_content(link("rel", "a")));
  UNSIGNED_LONGLONGS_EQUAL(target, hash_file_content(link("link2", "rel")));   // a chain
  UNSIGNED_LONGLONGS_EQUAL(kHashMissing, hash_file_content(link("dangling", dir + "/nothing")));
  // Followed to a device: refused like the device itself.
  check_refused(link("link", "/dev/zero"), "a character device");
}

TEST(FileHash, SymlinkLoopIsRefused) {
  link("loop1", dir + "/loop2");
  link("loop2", dir + "/loop1");
  check_refused(dir + "/loop1", "too many levels of symlinks");
}

// What a job's user does in a directory of its own: swap the depends file
// for a symlink.  Not followed, whatever it points at.
TEST(FileHash, SymlinkOwnedBySomeoneElseIsRefused) {
  PMTR_REQUIRE_ROOT();
  file("a", "secret\n");
  const std::string l = link("swap", dir + "/a");
  CHECK_EQUAL(0, lchown(l.c_str(), 65534, 65534));
  check_refused(l, "a symlink owned by uid 65534");
  link("swap", "/dev/zero");
  CHECK_EQUAL(0, lchown(l.c_str(), 65534, 65534));
  check_refused(l, "a symlink owned by uid 65534");
  // The uid pmtr runs as is trusted like root.
  link("swap", dir + "/a");
  CHECK_EQUAL(0, lchown(l.c_str(), 65534, 65534));
  UNSIGNED_LONGLONGS_EQUAL(hash_file_content(dir + "/a"), digest_depends_file(l, 65534).hash);
}

TEST_GROUP(DependsHasher) {
  std::string dir;
  void setup() override {
    char tmpl[] = "/tmp/pmtr-hasher.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
  }
  void teardown() override {
    ::unlink((dir + "/f").c_str());
    ::rmdir(dir.c_str());
  }
  void put(const std::string& content) {
    const std::string p = dir + "/f";
    ::unlink(p.c_str());
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    CHECK(fd >= 0);
    CHECK(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    ::close(fd);
  }
  void put_fifo() {
    const std::string p = dir + "/f";
    ::unlink(p.c_str());
    CHECK_EQUAL(0, mkfifo(p.c_str(), 0644));
  }
};

TEST(DependsHasher, ARefusalIsLoggedOnceUntilTheFileIsHashableAgain) {
  StderrCapture log;
  DependsHasher hasher;
  const std::string p = dir + "/f";
  put_fifo();
  for (int i = 0; i < 5; ++i) UNSIGNED_LONGLONGS_EQUAL(kHashRefused, hasher.hash(p));
  CHECK_EQUAL(1, log.count("depends file " + p + " not hashed: a FIFO"));
  put("ok\n");
  CHECK(hasher.hash(p) > kHashRefused);
  CHECK_EQUAL(1, log.count("depends file " + p + " is hashed again"));
  put_fifo();
  UNSIGNED_LONGLONGS_EQUAL(kHashRefused, hasher.hash(p));
  CHECK_EQUAL(2, log.count("depends file " + p + " not hashed: a FIFO"));
  // Forgotten once no job lists it: a later refusal is news again.
  hasher.retain({});
  UNSIGNED_LONGLONGS_EQUAL(kHashRefused, hasher.hash(p));
  CHECK_EQUAL(3, log.count("depends file " + p + " not hashed: a FIFO"));
}

TEST(DependsHasher, ReadsEachPathOncePerBatchOnly) {
  DependsHasher hasher;
  const std::string p = dir + "/f";
  put("one\n");
  hasher.begin_batch();
  const uint64_t one = hasher.hash(p);
  put("two\n");
  UNSIGNED_LONGLONGS_EQUAL(one, hasher.hash(p));   // the batch's answer
  hasher.end_batch();
  const uint64_t two = hasher.hash(p);             // outside a batch: read again
  CHECK(one != two);
  put("three\n");
  CHECK(two != hasher.hash(p));
}

TEST(DependsHasher, PeerSuppliedPathIsEscapedInTheLog) {
  StderrCapture log;
  DependsHasher hasher;
  // A name as the parser could send it (check_job refuses control bytes,
  // not bytes above 0x7f): logged escaped, never raw.
  const std::string odd = dir + "/f\xc2\x85";
  CHECK_EQUAL(0, mkfifo(odd.c_str(), 0644));
  UNSIGNED_LONGLONGS_EQUAL(kHashRefused, hasher.hash(odd));
  ::unlink(odd.c_str());
  CHECK_EQUAL(1, log.count(dir + "/f\\xc2\\x85 not hashed"));
  CHECK_EQUAL(0, log.count("\xc2\x85"));
}
