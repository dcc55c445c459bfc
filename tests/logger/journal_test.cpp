// The journal page (logger/journal.hpp) as a new pmtr-log finds it: the
// entry the last one left, in each phase, a page of anything else read as
// Idle, and the per-slot mark of a cut line.  Two Journals map the same
// memfd, as two pmtr-logs in turn do.
#include <sys/mman.h>
#include <unistd.h>

#include "common/unique_fd.hpp"
#include "logger/journal.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

TEST_GROUP(Journal) {
  unique_fd fd;
  void setup() override {
    fd.reset(::memfd_create("journal-test", MFD_CLOEXEC));
    CHECK(fd.valid());
    CHECK_EQUAL(0, ::ftruncate(fd.get(), kJournalBytes));
  }
};

TEST(Journal, ANewPageIsIdle) {
  Journal j;
  CHECK(j.map(fd.get()).ok());
  CHECK(j.read().phase == JournalPhase::Idle);
}

TEST(Journal, TheNextMapperReadsEachPhaseAsLeft) {
  Journal first;
  CHECK(first.map(fd.get()).ok());
  first.writing(7, 1234, 99);
  {
    Journal next;
    CHECK(next.map(fd.get()).ok());
    const JournalEntry e = next.read();
    CHECK(e.phase == JournalPhase::Writing);
    CHECK_EQUAL(7u, e.slot);
    CHECK_EQUAL(1234u, e.inode);
    CHECK_EQUAL(99u, e.size_before);
  }
  first.consuming(7, 500, 64);
  {
    Journal next;
    CHECK(next.map(fd.get()).ok());
    const JournalEntry e = next.read();
    CHECK(e.phase == JournalPhase::Consuming);
    CHECK_EQUAL(7u, e.slot);
    CHECK_EQUAL(500u, e.consume);
    CHECK_EQUAL(64u, e.counter_base);
  }
  first.idle();
  Journal last;
  CHECK(last.map(fd.get()).ok());
  CHECK(last.read().phase == JournalPhase::Idle);
}

TEST(Journal, APageOfAnythingElseIsNotTrusted) {
  const char junk[] = "not a journal at all, just bytes";
  CHECK(::pwrite(fd.get(), junk, sizeof junk, 0) == static_cast<ssize_t>(sizeof junk));
  Journal j;
  CHECK(j.map(fd.get()).ok());
  CHECK(j.read().phase == JournalPhase::Idle);
}

TEST(Journal, TheMarkOfACutLineOutlivesItsWriter) {
  {
    Journal first;
    CHECK(first.map(fd.get()).ok());
    first.set_mid_line(3, true);
    first.set_mid_line(kMidLineSlots - 1, true);
    first.set_mid_line(kMidLineSlots, true);   // beyond the page: not kept
  }
  Journal next;
  CHECK(next.map(fd.get()).ok());
  CHECK_TRUE(next.mid_line(3));
  CHECK_FALSE(next.mid_line(2));
  CHECK_FALSE(next.mid_line(4));
  CHECK_TRUE(next.mid_line(kMidLineSlots - 1));
  CHECK_FALSE(next.mid_line(kMidLineSlots));
  next.set_mid_line(3, false);
  CHECK_FALSE(next.mid_line(3));
  // The entry's words are untouched by the marks.
  CHECK(next.read().phase == JournalPhase::Idle);
}
