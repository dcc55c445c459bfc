// parser/parser_session.{hpp,cpp}: reading the config from the fd the
// monitor hands over (the session's state machine runs end to end in the
// e2e and monitor suites).
#include "parser/parser_session.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/unique_fd.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

// A file holding `text`, read from its start.
unique_fd file_with(const std::string& text) {
  unique_fd fd(memfd_create("pmtr-read-config", MFD_CLOEXEC));
  CHECK(fd.valid());
  CHECK_EQUAL(static_cast<ssize_t>(text.size()), ::write(fd.get(), text.data(), text.size()));
  CHECK_EQUAL(0, lseek(fd.get(), 0, SEEK_SET));
  return fd;
}

}  // namespace

TEST_GROUP(ReadConfig){};

TEST(ReadConfig, EmptyFileIsAnEmptyConfig) {
  const ReadConfig r = read_config_fd(file_with("").get(), 1000);
  CHECK(r.ok);
  CHECK(r.text.empty());
}

TEST(ReadConfig, SizesAroundTheGrowthStepsComeBackWhole) {
  for (size_t n : {1ul, 4095ul, 16383ul, 16384ul, 16385ul, 32768ul, 49153ul, 65536ul, 300001ul}) {
    const std::string text = pattern(n);
    const ReadConfig r = read_config_fd(file_with(text).get(), 1u << 20);
    CHECK(r.ok);
    CHECK_EQUAL(n, r.text.size());
    CHECK(r.text == text);
  }
}

TEST(ReadConfig, TooLargeStopsOneByteOverTheLimit) {
  // Enough to tell "too large" without reading the rest.
  const std::string text = pattern(100000);
  for (size_t max : {0ul, 1ul, 16383ul, 16384ul, 40000ul, 99999ul}) {
    const ReadConfig r = read_config_fd(file_with(text).get(), max);
    CHECK(r.ok);
    CHECK_EQUAL(max + 1, r.text.size());
    CHECK(r.text == text.substr(0, max + 1));
  }
  const ReadConfig exact = read_config_fd(file_with(text).get(), 100000);
  CHECK(exact.ok);
  CHECK_EQUAL(100000u, exact.text.size());
}

TEST(ReadConfig, ShortReadsFromAPipeAreJoined) {
  int p[2];
  CHECK_EQUAL(0, pipe2(p, O_CLOEXEC));
  unique_fd rd(p[0]);
  const std::string text = pattern(20000);
  {
    unique_fd wr(p[1]);
    // Within the pipe's buffer: written before reading, in pieces.
    for (size_t at = 0; at < text.size(); at += 3000) {
      const size_t n = std::min<size_t>(3000, text.size() - at);
      CHECK_EQUAL(static_cast<ssize_t>(n), ::write(wr.get(), text.data() + at, n));
    }
  }
  const ReadConfig r = read_config_fd(rd.get(), 1u << 20);
  CHECK(r.ok);
  CHECK(r.text == text);
}

TEST(ReadConfig, ReadErrorIsReportedWithNothingRead) {
  unique_fd dir(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  const ReadConfig r = read_config_fd(dir.get(), 1000);
  CHECK(!r.ok);
  CHECK_EQUAL(EISDIR, r.err);
  CHECK(r.text.empty());
}
