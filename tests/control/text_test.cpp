// control/text.{hpp,cpp}: number formatting, alignment, and the output
// buffer that writes large outputs in pieces.
#include "control/text.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/unique_fd.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;

namespace {

std::string seconds(uint64_t ms) {
  std::string s;
  append_ms_as_seconds(s, ms);
  return s;
}

off_t size_of(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? st.st_size : -1;
}

}  // namespace

TEST_GROUP(Text){};

TEST(Text, MillisecondsAsSeconds) {
  STRCMP_EQUAL("0", seconds(0).c_str());
  STRCMP_EQUAL("0.001", seconds(1).c_str());
  STRCMP_EQUAL("0.01", seconds(10).c_str());
  STRCMP_EQUAL("1.5", seconds(1500).c_str());
  STRCMP_EQUAL("2", seconds(2000).c_str());
  STRCMP_EQUAL("1700000000.123", seconds(1700000000123).c_str());
  STRCMP_EQUAL("18446744073709551.615", seconds(UINT64_MAX).c_str());
}

TEST(Text, Numbers) {
  std::string s;
  append_u64(s, UINT64_MAX);
  s += ' ';
  append_i64(s, INT64_MIN);
  STRCMP_EQUAL("18446744073709551615 -9223372036854775808", s.c_str());
}

TEST(Text, Alignment) {
  std::string s;
  append_left(s, "ab", 4);
  s += '|';
  append_right(s, "ab", 4);
  s += '|';
  append_left(s, "abcdef", 4);
  STRCMP_EQUAL("ab  |  ab|abcdef", s.c_str());
}

TEST(Text, WithoutAnFdTheBufferKeepsEverything) {
  OutBuffer b;
  for (int i = 0; i < 10000; ++i) {
    b.text() += std::string(100, 'x');
    b.row_done();
  }
  CHECK_EQUAL(1000000u, b.text().size());
  CHECK_EQUAL(0, b.finish());
}

TEST(Text, LargeOutputsGoOutInPieces) {
  unique_fd fd(::memfd_create("out", MFD_CLOEXEC));
  OutBuffer b(fd.get());
  for (int i = 0; i < 10000; ++i) {
    b.text() += std::string(99, 'x') + "\n";
    b.row_done();
    CHECK(b.text().size() < OutBuffer::kFlushBytes + 100);
  }
  CHECK(size_of(fd.get()) >= 1000000 - static_cast<off_t>(OutBuffer::kFlushBytes));
  CHECK_EQUAL(0, b.finish());
  CHECK_EQUAL(1000000, size_of(fd.get()));
}

TEST(Text, AWriteErrorIsKeptAndReported) {
  unique_fd full(::open("/dev/full", O_WRONLY | O_CLOEXEC));
  if (!full) FAIL("open /dev/full");
  OutBuffer b(full.get());
  b.text() = "hello\n";
  CHECK_EQUAL(ENOSPC, b.finish());
  CHECK_EQUAL(ENOSPC, write_all(full.get(), "x"));
}
