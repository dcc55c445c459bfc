// A job's files below the log directory (logger/log_file.hpp): `current`
// created 0640 and appended to; a symbolic link, FIFO, directory or hard
// link where it goes refused; rotation to @<stamp>.log keeping the newest
// `keep` archives.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "common/unique_fd.hpp"
#include "logger/log_file.hpp"
#include "tests/support/e2e_harness.hpp"
#include "tests/support/log_files.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

TEST_GROUP(LogFile) {
  TempDir dir;
  unique_fd root;
  void setup() override { root.reset(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); }

  std::string refusal(const std::string& name) {
    LogFile f;
    Status s = f.open(root.get(), name);
    CHECK_FALSE(f.is_open());
    return s ? "" : s.error().message();
  }
};

TEST(LogFile, CreatesTheJobDirectoryAndCurrentAndAppends) {
  LogFile f;
  CHECK(f.open(root.get(), "job").ok());
  CHECK_EQUAL(0u, f.size());
  CHECK(::write(f.fd(), "a\n", 2) == 2);
  f.grew(2);
  LogFile again;
  CHECK(again.open(root.get(), "job").ok());
  CHECK_EQUAL(2u, again.size());
  CHECK_EQUAL(f.inode(), again.inode());
  struct stat st {};
  CHECK_EQUAL(0, ::stat(dir.file("job/current").c_str(), &st));
  CHECK_EQUAL(0640u, st.st_mode & 0777u & ~static_cast<unsigned>(::umask(::umask(0))));
}

TEST(LogFile, RefusesASymlinkAFifoADirectoryAndAHardLink) {
  ::mkdir(dir.file("a").c_str(), 0755);
  write_file(dir.file("secret"), "x");
  CHECK_EQUAL(0, ::symlink(dir.file("secret").c_str(), dir.file("a/current").c_str()));
  STRCMP_CONTAINS("is a symbolic link; not following it", refusal("a").c_str());
  STRCMP_EQUAL("x", read_file(dir.file("secret")).c_str());

  ::mkdir(dir.file("b").c_str(), 0755);
  CHECK_EQUAL(0, ::mkfifo(dir.file("b/current").c_str(), 0600));
  STRCMP_CONTAINS("is a FIFO", refusal("b").c_str());

  ::mkdir(dir.file("c").c_str(), 0755);
  ::mkdir(dir.file("c/current").c_str(), 0755);
  CHECK(!refusal("c").empty());

  ::mkdir(dir.file("d").c_str(), 0755);
  CHECK_EQUAL(0, ::link(dir.file("secret").c_str(), dir.file("d/current").c_str()));
  STRCMP_CONTAINS("has 2 links", refusal("d").c_str());

  // The job's directory itself: a symbolic link is not followed either.
  CHECK_EQUAL(0, ::symlink(dir.path().c_str(), dir.file("e").c_str()));
  STRCMP_CONTAINS("a symbolic link is not followed", refusal("e").c_str());
}

TEST(LogFile, RotationRenamesCurrentAndKeepsTheNewestArchives) {
  LogFile f;
  CHECK(f.open(root.get(), "job").ok());
  for (int i = 0; i < 5; ++i) {
    const std::string line = "line " + std::to_string(i) + "\n";
    CHECK(::write(f.fd(), line.data(), line.size()) == static_cast<ssize_t>(line.size()));
    f.grew(line.size());
    // The same microsecond each time: the names must still differ.
    CHECK(f.rotate(root.get(), "job", 3, timespec{1796634902, 0}).ok());
    CHECK_EQUAL(0u, f.size());
  }
  const auto archives = log_archives(dir.file("job"));
  CHECK_EQUAL(3u, archives.size());
  STRCMP_EQUAL("@2026-12-07T09:15:02.000002Z.log", archives[0].c_str());
  STRCMP_EQUAL("line 2\n", read_file(dir.file("job/" + archives[0])).c_str());
  STRCMP_EQUAL("line 4\n", read_file(dir.file("job/" + archives[2])).c_str());
  STRCMP_EQUAL("", read_file(dir.file("job/current")).c_str());
}

TEST(LogFile, KeepZeroDeletesEveryArchive) {
  LogFile f;
  CHECK(f.open(root.get(), "job").ok());
  CHECK(::write(f.fd(), "x\n", 2) == 2);
  f.grew(2);
  CHECK(f.rotate(root.get(), "job", 0, timespec{1, 0}).ok());
  CHECK(log_archives(dir.file("job")).empty());
}

TEST(LogFile, TruncateTakesBackAnInterruptedBatch) {
  LogFile f;
  CHECK(f.open(root.get(), "job").ok());
  CHECK(::write(f.fd(), "kept\nhalf a ba", 14) == 14);
  f.grew(14);
  CHECK(f.truncate_to(5).ok());
  CHECK_EQUAL(5u, f.size());
  CHECK(::write(f.fd(), "next\n", 5) == 5);   // O_APPEND: after the cut
  STRCMP_EQUAL("kept\nnext\n", read_file(dir.file("job/current")).c_str());
}

TEST(LogFile, ArchivesStillSortInWritingOrderWhenTheClockStepsBack) {
  LogFile f;
  CHECK(f.open(root.get(), "job").ok());
  for (const time_t at : {time_t{1796634902}, time_t{1796631302}}) {   // then an hour earlier
    CHECK(::write(f.fd(), "x\n", 2) == 2);
    f.grew(2);
    CHECK(f.rotate(root.get(), "job", 1, timespec{at, 0}).ok());
  }
  // keep 1: the newest stays, named after the one before it.
  const auto archives = log_archives(dir.file("job"));
  CHECK_EQUAL(1u, archives.size());
  STRCMP_EQUAL("@2026-12-07T09:15:02.000001Z.log", archives[0].c_str());
}
